"""TST: how the test-suite drives the app: an async client for an async app,
`dependency_overrides` instead of patching, and a real database behind integration tests."""

"""DOC: what a route tells its clients and the OpenAPI schema (status codes, response
models, summaries, tags, error responses)."""

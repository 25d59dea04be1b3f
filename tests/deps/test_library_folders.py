"""The matrix's minimums are for the app: a package of the repository that serves no web
app (a generated client SDK, a shared library) keeps low floors on purpose."""

from __future__ import annotations


def test_a_client_sdk_beside_the_app_is_not_held_to_the_app_minimums(project) -> None:
    project.write(
        {
            "server/pyproject.toml": (
                '[project]\nname = "api"\nversion = "1"\n'
                'dependencies = ["fastapi>=0.115", "httpx>=0.23"]\n'
            ),
            "sdk/python/pyproject.toml": (
                '[project]\nname = "shop-client"\nversion = "1"\n'
                'dependencies = ["httpx>=0.23", "pydantic>=2.0"]\n'
            ),
            "sdk/python/uv.lock": (
                'version = 1\n\n[[package]]\nname = "httpx"\nversion = "0.24.0"\n'
                'source = { registry = "https://pypi.org/simple" }\n'
            ),
        }
    )
    found = [(f.rule, f.path) for f in project.scan("PIN").findings if f.rule.startswith("PIN10")]
    assert ("PIN101", "server/pyproject.toml") in found
    assert not [path for _, path in found if path.startswith("sdk/")]


def test_an_old_lock_is_reported_once_where_the_cause_is(project) -> None:
    """The lock is old because the declaration caps the package (PIN104 says so), or the
    package is only a dependency of another: PIN103 has nothing to add."""
    project.write(
        {
            "pyproject.toml": (
                '[project]\nname = "api"\nversion = "1"\n'
                'dependencies = ["fastapi>=0.100,<0.101", "httpx>=0.27"]\n'
            ),
            "uv.lock": (
                'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.100.1"\n\n'
                '[[package]]\nname = "sqlalchemy"\nversion = "1.4.52"\n\n'
                '[[package]]\nname = "httpx"\nversion = "0.26.0"\n'
            ),
        }
    )
    found = [(f.rule, f.path, f.line) for f in project.scan("PIN").findings]
    assert ("PIN104", "pyproject.toml", 4) in found
    assert [f for f in found if f[0] == "PIN103"] == [("PIN103", "uv.lock", 13)]

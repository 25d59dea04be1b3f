"""What installs what: lock files' dependency edges and the chain from a declared
package to one it brings along."""

from __future__ import annotations

import tomllib

from fastaudit.project.deps.requires import (
    dependency_path,
    lock_requires,
    reachable,
    requirement_nodes,
)

PDM_LOCK = """
[[package]]
name = "fastapi"
version = "0.115.6"
dependencies = [
    "pydantic!=1.8,<3.0.0,>=1.7.4",
    "starlette<0.42.0,>=0.40.0",
]

[[package]]
name = "sqlalchemy"
version = "2.0.36"
extras = ["asyncio"]
dependencies = [
    "greenlet!=0.4.17",
    "sqlalchemy==2.0.36",
]
"""


def test_pdm_lock_edges_per_extra() -> None:
    edges = lock_requires(tomllib.loads(PDM_LOCK), "pdm.lock")
    assert edges == {
        "fastapi": {"pydantic", "starlette"},
        "sqlalchemy[asyncio]": {"greenlet", "sqlalchemy"},
    }


def test_requirement_nodes_read_both_spellings() -> None:
    assert requirement_nodes("uvicorn[standard] (>=0.12.0)") == ["uvicorn", "uvicorn[standard]"]
    assert requirement_nodes("Backports.ZoneInfo; python_version < '3.9'") == ["backports-zoneinfo"]
    assert requirement_nodes("") == []


def test_shortest_chain_and_what_is_installed() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "x[e]": {"c"}, "c": {"d"}}
    assert dependency_path(["a", "x[e]"], edges, {"d"}) == ["x[e]", "c", "d"]
    assert dependency_path(["a"], edges, {"a"}) is None  # declared itself: no chain
    assert dependency_path(["a"], edges, {"zzz"}) is None
    assert reachable(["x[e]"], edges) == {"x", "c", "d"}


def test_matrix_requires_table_from_the_project(project) -> None:
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                dependencies = ["acme-sdk>=1"]

                [tool.fastaudit.matrix.requires]
                acme-sdk = ["acme-core"]
                """,
            "app.py": "import acme_core\n",
        }
    )
    [finding] = project.scan("PIN107").findings
    assert finding.severity.value == "info"
    assert "as a dependency of acme-sdk" in finding.message

"""The shipped matrix, project overrides, and the matrix table."""

from __future__ import annotations

from pathlib import Path

from packaging.version import Version
from rich.console import Console

from fastaudit.project.deps.matrix import load_matrix
from fastaudit.project.deps.table import matrix_rows
from fastaudit.report.matrix import render_matrix


def test_shipped_matrix():
    matrix = load_matrix()
    assert matrix.python.version == Version("3.11")
    expected = {
        "fastapi": "0.115",
        "pydantic": "2.7",
        "pydantic-settings": "2.4",
        "sqlalchemy": "2.0",
        "alembic": "1.13",
        "httpx": "0.27",
        "pyjwt": "2.9",
        "ruff": "0.6",
    }
    for name, version in expected.items():
        assert matrix.minimums[name].version == Version(version)
        assert matrix.minimums[name].reason
    successors = {name: r.successor for name, r in matrix.replaced.items()}
    assert successors == {
        "python-jose": "pyjwt",
        "databases": "sqlalchemy[asyncio]",
        "async-asgi-testclient": "httpx",
        "black": "ruff",
        "isort": "ruff",
        "autoflake": "ruff",
    }
    assert all(r.reason for r in matrix.replaced.values())
    assert matrix.distributions_for("jwt") == ("pyjwt",)
    assert matrix.distributions_for("pydantic_settings.sources") == ("pydantic-settings",)
    assert matrix.distributions_for("google.protobuf.message") == ("protobuf",)
    assert matrix.distributions_for("Some_Pkg.sub") == ("some-pkg",)


def test_overrides_extend_replace_and_remove():
    matrix = load_matrix(
        {
            "minimums": {
                "fastapi": "0.116",
                "Celery": {"version": "5.4", "reason": "ours"},
                "alembic": False,
                "python": "3.12",
                "bad": "not a version",
            },
            "replaced": {"requests": "httpx", "black": False, "nothing": {}},
            "imports": {"acme": ["acme-sdk", "acme_sdk_legacy"], "broken": 3},
            "provides": {"Acme[All]": ["acme-extras"]},
            "unknown": {},
        }
    )
    assert matrix.minimums["fastapi"].version == Version("0.116")
    assert matrix.minimums["celery"].reason == "ours"
    assert "alembic" not in matrix.minimums
    assert matrix.python.version == Version("3.12")
    assert matrix.replaced["requests"].successor == "httpx"
    assert "black" not in matrix.replaced
    assert matrix.imports["acme"] == ("acme-sdk", "acme-sdk-legacy")
    assert matrix.provides["acme[all]"] == frozenset({"acme-extras"})
    warnings = "\n".join(matrix.warnings)
    for text in ("minimums.bad", "replaced.nothing", "imports.broken", "unknown table `unknown`"):
        assert text in warnings


def test_project_override_changes_findings_and_warns(project):
    project.write(
        {
            "pyproject.toml": """
            [project]
            name = "shop"
            dependencies = ["fastapi>=0.115", "alembic>=1.0", "requests>=2"]

            [tool.fastaudit.matrix.minimums]
            fastapi = "0.116"
            alembic = false
            whatever = "x.y"

            [tool.fastaudit.matrix.replaced]
            requests = { successor = "httpx", reason = "async client" }
            """
        }
    )
    assert project.findings() == [("PIN101", "pyproject.toml", 3), ("PIN106", "pyproject.toml", 3)]
    result = project.scan()
    assert any("minimums.whatever" in w for w in result.warnings)
    assert "(async client)" in project.messages()[("PIN106", "pyproject.toml", 3)]


def test_matrix_rows_and_table(project):
    project.write(
        {
            "pyproject.toml": """
            [project]
            name = "shop"
            requires-python = ">=3.11"
            dependencies = ["fastapi>=0.100", "pydantic>=2.7", "python-jose>=3"]
            """,
            "uv.lock": """
            [[package]]
            name = "fastapi"
            version = "0.110.0"

            [[package]]
            name = "pydantic"
            version = "2.6.0"

            [[package]]
            name = "sqlalchemy"
            version = "2.0.30"
            """,
        }
    )
    rows = matrix_rows(Path(project.root))
    summary = [(r.package, r.where, r.locked, r.minimum, r.status) for r in rows]
    assert summary == [
        ("python", "pyproject.toml:3", "", "3.11", "ok"),
        ("fastapi", "pyproject.toml:4", "0.110.0", "0.115", "admits older"),
        ("pydantic", "pyproject.toml:4", "2.6.0", "2.7", "lock below"),
        ("python-jose", "pyproject.toml:4", "", "", "replaced by pyjwt"),
        ("sqlalchemy", "", "2.0.30", "2.0", "not declared"),
    ]
    console = Console(width=140, record=True, color_system=None)
    render_matrix(rows, console)
    text = console.export_text()
    assert "Dependency matrix" in text
    assert "fastapi>=0.100" in text and "admits older" in text
    empty = Console(width=80, record=True)
    render_matrix([], empty)
    assert "No dependency" in empty.export_text()


def test_a_lock_speaks_only_for_its_own_folder(project):
    project.write(
        {
            "services/orders/pyproject.toml": """
            [project]
            name = "orders"
            requires-python = ">=3.11"
            dependencies = ["fastapi>=0.100"]
            """,
            "services/orders/uv.lock": """
            [[package]]
            name = "fastapi"
            version = "0.110.0"
            """,
            "services/billing/requirements.txt": "fastapi>=0.115\n",
        }
    )
    rows = {r.where: r for r in matrix_rows(Path(project.root)) if r.package == "fastapi"}
    orders = rows["services/orders/pyproject.toml:4"]
    billing = rows["services/billing/requirements.txt:1"]
    assert (orders.locked, orders.status) == ("0.110.0", "admits older")
    assert (billing.locked, billing.status) == ("", "ok")

"""PIN107/PIN108: what the code imports against what the project declares."""

from __future__ import annotations

import tomllib

PYPROJECT = """
[project]
name = "shop"
requires-python = ">=3.11"
dependencies = [
    "fastapi[standard]>=0.115",
    "jwt>=1.3",
]

[project.optional-dependencies]
test = ["pytest>=8"]
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "src/shop/__init__.py": "",
    "src/shop/config.py": """
        import os
        from pathlib import Path

        from pydantic_settings import BaseSettings  # not declared

        from shop import auth
        from . import auth as same_auth
        """,
    "src/shop/auth.py": """
        import jwt  # declared as the wrong distribution

        try:
            import orjson  # optional
        except ImportError:
            orjson = None
        """,
    "src/shop/server.py": """
        import uvicorn  # comes with fastapi[standard]
        from starlette.requests import Request  # comes with fastapi
        from pydantic_settings import SettingsConfigDict
        """,
    "tests/test_api.py": """
        import httpx  # comes with fastapi[standard]
        import pytest
        import respx  # not declared
        """,
}


def test_undeclared_and_wrong_distributions(project):
    project.write(FILES)
    assert project.findings() == [
        ("PIN107", "src/shop/config.py", 4),
        ("PIN107", "tests/test_api.py", 3),
        ("PIN108", "pyproject.toml", 6),
    ]
    messages = project.messages()
    assert messages[("PIN107", "src/shop/config.py", 4)] == (
        "`pydantic_settings` is imported but pydantic-settings is not declared in any "
        "dependency file, so its minimum 2.4 is never checked (also imported in 1 other file)"
    )
    assert messages[("PIN108", "pyproject.toml", 6)] == (
        "`jwt>=1.3` installs the `jwt` distribution, but `import jwt` (src/shop/auth.py:1) "
        "needs pyjwt"
    )


def test_wrong_distribution_fix_swaps_it(project):
    project.write(FILES)
    project.fix(unsafe=True, select="PIN108")
    tomllib.loads(project.read("pyproject.toml"))
    assert project.changed_lines("pyproject.toml") == [('    "jwt>=1.3",', '    "pyjwt>=2.9",')]


def test_nothing_declared_means_nothing_to_compare(project):
    project.write({"app.py": "import requests\n"})
    assert project.findings() == []


def test_matrix_imports_table_maps_names(project):
    project.write(
        {
            "pyproject.toml": PYPROJECT.replace('"jwt>=1.3",', '"pyjwt>=2.9", "acme-sdk>=1"')
            + '\n[tool.fastaudit.matrix.imports]\nacme = "acme-sdk"\n',
            "app.py": "import acme\nimport jwt\nimport yaml\n",
        }
    )
    assert project.findings() == [("PIN107", "app.py", 3)]
    assert "pyyaml is not declared" in project.messages()[("PIN107", "app.py", 3)]


def test_import_names_of_differently_named_distributions(project) -> None:
    """Seen on real code: ``fpdf`` comes from fpdf2, ``snappy`` from python-snappy,
    namespace packages from their dashed names, stub extras from their bundle."""
    project.write(
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                requires-python = ">=3.11"
                dependencies = [
                    "fastapi>=0.115",
                    "fpdf2>=2.7",
                    "python-snappy>=0.7",
                    "newspaper3k>=0.2",
                    "opentelemetry-instrumentation-fastapi>=0.45b0",
                    "google-cloud-storage>=2.10",
                    "boto3-stubs[sqs]>=1.34",
                ]
                """,
            "src/shop/__init__.py": "",
            "src/shop/reports.py": """
                import snappy
                from fpdf import FPDF
                from google.cloud import storage
                from mypy_boto3_sqs import SQSClient
                from newspaper import Article
                from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

                import sortedcontainers  # declared nowhere: still reported
                """,
        }
    )
    assert [f for f in project.findings() if f[0] == "PIN107"] == [
        ("PIN107", "src/shop/reports.py", 8)
    ]

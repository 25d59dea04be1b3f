"""setup.cfg, Pipfile, .python-version, lock files, and broken files."""

from __future__ import annotations

import json
import tomllib


def test_setup_cfg(project):
    project.write(
        {
            "setup.cfg": """
            [metadata]
            name = shop

            [options]
            python_requires = >=3.8
            install_requires =
                fastapi>=0.100  # the web layer
                pydantic >= 2.7
                databases[postgresql]

            [options.extras_require]
            test =
                httpx>=0.23
            """
        }
    )
    assert project.findings() == [
        ("PIN101", "setup.cfg", 7),
        ("PIN101", "setup.cfg", 13),
        ("PIN105", "setup.cfg", 5),
        ("PIN106", "setup.cfg", 9),
    ]
    project.fix()
    assert project.changed_lines("setup.cfg") == [
        ("python_requires = >=3.8", "python_requires = >=3.11"),
        ("    fastapi>=0.100  # the web layer", "    fastapi>=0.115  # the web layer"),
        ("    httpx>=0.23", "    httpx>=0.27"),
    ]


PIPFILE_LOCK = {
    "_meta": {"requires": {"python_version": "3.10"}},
    "default": {
        "fastapi": {"hashes": ["sha256:aa"], "version": "==0.110.0"},
        "pydantic": {"hashes": ["sha256:bb"], "version": "==2.8.2"},
    },
    "develop": {"httpx": {"version": "==0.26.0"}},
}


def test_pipfile_and_its_lock(project):
    project.write(
        {
            "Pipfile": """
            [packages]
            fastapi = "*"
            pydantic = {version = ">=2.5", extras = ["email"]}
            sqlalchemy = {git = "https://github.com/sqlalchemy/sqlalchemy.git"}

            [dev-packages]
            httpx = ">=0.27"

            [requires]
            python_version = "3.10"
            """,
            "Pipfile.lock": json.dumps(PIPFILE_LOCK, indent=4) + "\n",
        }
    )
    assert project.findings() == [
        ("PIN101", "Pipfile", 2),
        ("PIN101", "Pipfile", 3),
        ("PIN103", "Pipfile.lock", 12),  # fastapi ==0.110.0
        ("PIN103", "Pipfile.lock", 23),  # httpx ==0.26.0 in develop
        ("PIN105", "Pipfile", 10),
        ("PIN110", "Pipfile", 4),
    ]
    result = project.scan()
    notes = {f.line: f.fix.note for f in result.findings if f.fix and f.path == "Pipfile"}
    assert "`pipenv lock`" in notes[2]
    assert "Pipfile.lock records a hash of the Pipfile" in notes[2]
    project.fix(unsafe=True)
    tomllib.loads(project.read("Pipfile"))
    assert project.changed_lines("Pipfile") == [
        ('fastapi = "*"', 'fastapi = ">=0.115"'),
        (
            'pydantic = {version = ">=2.5", extras = ["email"]}',
            'pydantic = {version = ">=2.7", extras = ["email"]}',
        ),
        ('python_version = "3.10"', 'python_version = "3.11"'),
    ]
    assert project.read("Pipfile.lock") == project.written["Pipfile.lock"]


def test_python_version_file(project):
    project.write({".python-version": "3.10.4\n", "requirements.txt": "fastapi>=0.115\n"})
    result = project.scan()
    (finding,) = result.findings
    assert (finding.rule, finding.path, finding.line) == ("PIN105", ".python-version", 1)
    assert finding.message == (
        "`.python-version 3.10.4` selects Python 3.10.4, below the minimum 3.11 and past its "
        "end of life (October 2026)"
    )
    assert finding.fix.safety == "unsafe"
    assert "install it" in finding.fix.note
    project.fix(unsafe=True)
    assert project.read(".python-version") == "3.11\n"


def test_python_version_system_and_newer_are_fine(project):
    project.write({".python-version": "3.12\n"})
    assert project.findings() == []
    project.write({".python-version": "system\n"})
    assert project.findings() == []


UV_LOCK = """
version = 1
requires-python = ">=3.11"
resolution-markers = [
    "python_full_version < '3.12'",
    "python_full_version >= '3.12'",
]

[[package]]
name = "fastapi"
version = "0.115.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pydantic"
version = "2.6.4"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.12'"]

[package.metadata]
version = "9.9.9"

[[package]]
name = "pydantic"
version = "2.9.2"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version >= '3.12'"]

[[package]]
name = "shop"
source = { editable = "." }
"""


def test_uv_lock_with_two_versions_of_one_package(project):
    project.write(
        {
            "pyproject.toml": """
            [project]
            name = "shop"
            dependencies = ["fastapi>=0.115", "pydantic>=2.7"]
            """,
            "uv.lock": UV_LOCK,
        }
    )
    # Only the fork resolving below the minimum, at its own version line.
    assert project.findings() == [("PIN103", "uv.lock", 15)]
    assert "uv lock --upgrade-package pydantic" in project.messages()[("PIN103", "uv.lock", 15)]


def test_poetry_and_pdm_locks(project):
    lock = (
        '[[package]]\nname = "SQLAlchemy"\nversion = "1.4.52"\n\n'
        '[package.dependencies]\ngreenlet = "*"\n'
    )
    project.write({"poetry.lock": lock, "sub/pdm.lock": "[metadata]\n\n" + lock})
    assert project.findings() == [("PIN103", "poetry.lock", 3), ("PIN103", "sub/pdm.lock", 5)]
    messages = project.messages()
    assert "`poetry update SQLAlchemy`" in messages[("PIN103", "poetry.lock", 3)]
    assert "`pdm update SQLAlchemy`" in messages[("PIN103", "sub/pdm.lock", 5)]


def test_broken_toml_is_a_finding_and_the_rest_is_still_checked(project):
    project.write(
        {
            # A missing comma: tomllib stops at line 5.
            "pyproject.toml": """
            [project]
            name = "shop"
            dependencies = [
              "fastapi>=0.100"
              "httpx"
            ]
            """,
            "requirements.txt": "pydantic>=2.0\n",
            "poetry.lock": "[[package]\n",
        }
    )
    assert project.findings() == [
        ("PIN101", "requirements.txt", 1),
        ("PIN109", "poetry.lock", 1),
        ("PIN109", "pyproject.toml", 5),
    ]
    assert "not valid TOML" in project.messages()[("PIN109", "pyproject.toml", 5)]


def test_undecodable_dependency_file(project):
    project.write({"requirements.txt": b"fastapi>=0.100\n\x00\x00binary"})
    assert project.findings() == [("PIN109", "requirements.txt", 1)]


def test_broken_pipfile_lock_json(project):
    project.write({"Pipfile.lock": '{"default": {\n  "fastapi": \n}\n'})
    assert project.findings() == [("PIN109", "Pipfile.lock", 3)]

"""PIN105 names the other places that pin an old Python (a Dockerfile's base image, a
CI matrix, tox envs, ``.python-version``), and its fix is not safe while they disagree."""

from __future__ import annotations

from fastaudit.model import Safety

PYPROJECT = '[project]\nname = "shop"\nversion = "1"\nrequires-python = ">=3.9"\n'
WORKFLOW = """\
name: tests
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.9", "3.12"]
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
"""


def pin105(project):
    [finding] = [f for f in project.scan("PIN105").findings if f.rule == "PIN105"]
    return finding


def test_dockerfile_and_ci_matrix_are_named_and_make_the_fix_unsafe(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "Dockerfile": "FROM python:3.9-slim AS base\nRUN pip install .\n",
            ".github/workflows/tests.yml": WORKFLOW,
        }
    )
    finding = pin105(project)
    assert finding.path == "pyproject.toml" and finding.line == 4
    assert "also named in" in finding.message
    assert "Dockerfile:1 (Docker image 3.9)" in finding.message
    assert ".github/workflows/tests.yml:8 (CI matrix 3.9)" in finding.message
    assert "3.12" not in finding.message  # a newer entry of the matrix is not a conflict
    assert finding.fix.safety is Safety.UNSAFE
    assert "still name an older Python" in finding.fix.note
    assert project.fix(select="PIN105") == {}


def test_ci_list_under_the_key_tox_and_runtime(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            ".gitlab-ci.yml": "test:\n  image: python:3.10\n  script: [pytest]\n",
            ".circleci/config.yml": (
                "jobs:\n  t:\n    python-version:\n      - '3.8'\n      - '3.13'\n"
            ),
            "tox.ini": "[tox]\nenvlist = py39, py311, lint\n",
            "runtime.txt": "python-3.9.18\n",
        }
    )
    message = pin105(project).message
    assert ".gitlab-ci.yml:2 (CI image 3.10)" in message
    assert ".circleci/config.yml:4 (CI matrix 3.8)" in message
    assert "3.13" not in message
    assert "runtime.txt:1 (runtime 3.9) and 1 more" in message  # the rest in the detail
    detail = pin105(project).detail
    assert "tox.ini:2 (tox env 3.9)" in detail and "tox env 3.11" not in detail


def test_python_version_file_is_named_from_requires_python(project) -> None:
    project.write({"pyproject.toml": PYPROJECT, ".python-version": "3.9\n"})
    findings = [f for f in project.scan("PIN105").findings if f.path == "pyproject.toml"]
    assert "also named in .python-version:1" in findings[0].message
    assert findings[0].fix.safety is Safety.UNSAFE


def test_places_that_already_agree_leave_the_fix_safe(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "Dockerfile": "FROM --platform=linux/amd64 docker.io/library/python:3.12\n",
            "deploy/api.Dockerfile": "FROM python:3.11.9-slim\n",
            ".github/workflows/tests.yml": WORKFLOW.replace('"3.9", ', ""),
        }
    )
    finding = pin105(project)
    assert "also named" not in finding.message
    assert finding.fix.safety is Safety.SAFE
    assert project.fix(select="PIN105") == {"pyproject.toml": PYPROJECT.replace(">=3.9", ">=3.11")}


def test_python_version_in_the_tag_of_another_image(project) -> None:
    """Seen on real code: ``FROM tiangolo/uvicorn-gunicorn-fastapi:python3.8``. A tag
    that spells ``pythonX.Y`` as one of its dash-separated parts names that Python,
    whatever the image; a bare number in another image's tag does not."""
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "backend.dockerfile": "FROM tiangolo/uvicorn-gunicorn-fastapi:python3.8\n",
            "worker.Dockerfile": (
                "FROM ghcr.io/astral-sh/uv:0.4.0-python3.10-bookworm-slim AS build\n"
                "FROM node:3.9-alpine\n"  # not Python's version
                "FROM acme/python3.8-tools:latest\n"  # in the name, not the tag
                "FROM acme/base:mypython3.9\n"  # not a part of its own
            ),
            ".gitlab-ci.yml": "test:\n  image: tiangolo/uvicorn-gunicorn:python3.9-slim\n",
        }
    )
    message = pin105(project).message
    assert "backend.dockerfile:1 (Docker image 3.8)" in message
    assert "worker.Dockerfile:1 (Docker image 3.10)" in message
    assert ".gitlab-ci.yml:2 (CI image 3.9)" in message
    assert "worker.Dockerfile:2" not in message and "worker.Dockerfile:3" not in message
    assert "worker.Dockerfile:4" not in message


def test_a_python_the_project_tests_is_a_support_decision(project, monkeypatch) -> None:
    """Seen on real code (libraries and apps that keep an older Python and test it in
    CI): while that Python is still supported, nothing fails there. The finding stays,
    as information, and says so."""
    from fastaudit.model import Severity

    monkeypatch.setenv("FASTAUDIT_TODAY", "2025-06-01")  # 3.9 supported until October 2025
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            ".github/workflows/editor-setup.yml": WORKFLOW,
            ".github/workflows/tests.yml": WORKFLOW,
        }
    )
    finding = pin105(project)
    assert finding.severity is Severity.INFO
    assert finding.message.startswith(
        '`requires-python = ">=3.9"` admits Python 3.9, below the minimum 3.11, and the '
        "project tests 3.9 (.github/workflows/tests.yml:8): a support decision, not a defect"
    )
    assert finding.fix.safety is Safety.UNSAFE


def test_a_python_past_its_end_of_life_is_a_warning_even_when_tested(project, monkeypatch) -> None:
    from fastaudit.model import Severity

    monkeypatch.setenv("FASTAUDIT_TODAY", "2025-11-01")
    project.write({"pyproject.toml": PYPROJECT, ".github/workflows/tests.yml": WORKFLOW})
    finding = pin105(project)
    assert finding.severity is Severity.WARNING
    assert finding.message.startswith(
        '`requires-python = ">=3.9"` admits Python 3.9, below the minimum 3.11 and past its '
        "end of life (October 2025); also named in .github/workflows/tests.yml:8"
    )


def test_an_untested_oldest_python_stays_a_warning(project, monkeypatch) -> None:
    """A Dockerfile on 3.9, or a matrix from 3.10 up while 3.9 is admitted: nothing
    shows the oldest admitted Python works."""
    from fastaudit.model import Severity

    monkeypatch.setenv("FASTAUDIT_TODAY", "2025-06-01")
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "Dockerfile": "FROM python:3.9-slim\n",
            ".github/workflows/tests.yml": WORKFLOW.replace('"3.9"', '"3.10"'),
        }
    )
    finding = pin105(project)
    assert finding.severity is Severity.WARNING
    assert finding.message.startswith(
        '`requires-python = ">=3.9"` admits Python 3.9, below the minimum 3.11; also named in'
    )

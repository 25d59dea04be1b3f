"""Fixes keep the layout a formatter gave the code. Seen on real code (lnbits, whose
``make check`` runs black): a multi-line ``Query(...)`` moved into ``Annotated[`` as it
was written, and a multi-line ``Field(default=[...])`` unwrapped with its old
indentation, left files the project's formatter rejected."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fastaudit.fixes.runner import fix_source

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def formatted(text: str, tmp_path: Path) -> None:
    """``text`` is what ``ruff format`` (black's style) writes: formatting changes nothing."""
    if RUFF is None:
        pytest.skip("ruff is a dev dependency")
    path = tmp_path / "fixed.py"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [RUFF, "format", "--no-cache", "--diff", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


ROUTE = code(
    """
    from fastapi import FastAPI, Query

    app = FastAPI()


    @app.get("/payments")
    async def payments(
        limit: int = Query(10, ge=1),
        recheck_pending: bool = Query(
            False, description="Force a check of every pending payment before listing them."
        ),
    ):
        return limit, recheck_pending
    """
)


def test_a_multi_line_marker_moves_into_annotated_one_item_a_line(tmp_path: Path) -> None:
    fixed = fix_source(ROUTE, ["DEP102"], unsafe=False)
    assert fixed == code(
        """
        from typing import Annotated

        from fastapi import FastAPI, Query

        app = FastAPI()


        @app.get("/payments")
        async def payments(
            limit: Annotated[int, Query(ge=1)] = 10,
            recheck_pending: Annotated[
                bool,
                Query(
                    description="Force a check of every pending payment before listing them.",
                ),
            ] = False,
        ):
            return limit, recheck_pending
        """
    )
    formatted(ROUTE, tmp_path)  # the project was formatted before the fix...
    formatted(fixed, tmp_path)  # ...and still is after it


def test_a_comment_in_the_marker_keeps_it_as_written() -> None:
    source = code(
        """
        from fastapi import Query


        def search(
            tag: str | None = Query(
                None,
                max_length=20,  # the column's width
            ),
        ):
            return tag
        """
    )
    fixed = fix_source(source, ["DEP102"], unsafe=False)
    assert "max_length=20,  # the column's width" in fixed
    assert "tag: Annotated[str | None, Query(" in fixed


SETTINGS = code(
    """
    from pydantic import BaseModel, Field


    class Settings(BaseModel):
        theme_options: list[str] = Field(
            default=[
                "classic",
                "bitcoin",
                "freedom",
            ]
        )
        banner: str = Field(
            default=\"\"\"
        kept as written
            inside the string
    \"\"\"
        )
    """
)


def test_a_multi_line_default_moves_one_level_out(tmp_path: Path) -> None:
    fixed = fix_source(SETTINGS, ["PYD109"], unsafe=False)
    assert fixed == code(
        """
        from pydantic import BaseModel


        class Settings(BaseModel):
            theme_options: list[str] = [
                "classic",
                "bitcoin",
                "freedom",
            ]
            banner: str = \"\"\"
            kept as written
                inside the string
        \"\"\"
        """
    )
    formatted(SETTINGS, tmp_path)
    formatted(fixed, tmp_path)


def test_a_multi_line_dependency_keeps_what_it_calls(tmp_path: Path) -> None:
    """Seen on real code (prefect's server, by this layout's first version): the first
    argument of ``Depends(...)`` was taken for a default and dropped, leaving
    ``Depends()``; FastAPI then read the annotation's parameters as the query's and the
    routes answered 422. A dependency's argument is what it calls: it stays."""
    source = code(
        """
        from typing import Any

        from fastapi import Depends, FastAPI

        from app import dependencies

        app = FastAPI()


        @app.post("/task_runs")
        async def create_task_run(
            orchestration_parameters: dict[str, Any] = Depends(
                dependencies.provide_task_orchestration_parameters
            ),
        ):
            return orchestration_parameters
        """
    )
    fixed = fix_source(source, ["DEP101"], unsafe=False)
    assert (
        "    orchestration_parameters: Annotated[\n"
        "        dict[str, Any],\n"
        "        Depends(\n"
        "            dependencies.provide_task_orchestration_parameters,\n"
        "        ),\n"
        "    ],\n"
    ) in fixed
    formatted(fixed, tmp_path)

"""TST104: `httpx.AsyncClient(app=app)`, the shortcut httpx deprecated and then removed."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from packaging.version import Version

from fastaudit.engine.context import FileContext
from fastaudit.engine.edit_builders import add_import
from fastaudit.model import Finding, Fix, Safety, Severity
from fastaudit.project.deps import collect
from fastaudit.project.deps.verdict import Status, judge
from fastaudit.rules._support.project_walk import file_facts, text_contains
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

_ASYNC_CLIENTS = frozenset({"httpx.AsyncClient", "httpx._client.AsyncClient"})
# The first release whose ``ASGITransport`` takes ``app=`` the way the fix writes it.
TRANSPORT_SINCE = Version("0.18")
# Noted per file: (line, column, end line, end column, message, fix or None).
SHORTCUT_FACT = "httpx-app-shortcut"


def declared_floor_ok(project: ProjectView) -> tuple[bool, str]:
    """Whether every httpx the project can install has ``ASGITransport(app=)``: its
    locks all hold 0.18 or later, or (without a lock) each declaration admits nothing
    older. Returns the answer and, when no, why (for the fix's note)."""
    deps, _ = collect(project)
    locked = [lock for lock in deps.locked if lock.name == "httpx"]
    if locked:
        old = [lock for lock in locked if lock.version is None or lock.version < TRANSPORT_SINCE]
        if not old:
            return True, ""
        return False, f"{old[0].where.file} locks httpx {old[0].version_text}"
    declared = [d for d in deps.declarations if d.name == "httpx" and d.applies]
    if not declared:
        return False, "the project does not declare which httpx it installs"
    for declaration in declared:
        if judge(declaration, TRANSPORT_SINCE).status is not Status.OK:
            return False, f"`{declaration.display}` ({declaration.where.file}) admits httpx < 0.18"
    return True, ""


class HttpxClientAppShortcut(ProjectRule):
    id = "TST104"
    name = "httpx-client-app-shortcut"
    title = "`httpx.AsyncClient(app=...)`: the shortcut httpx removed"
    severity = Severity.WARNING
    fix_safety = (
        "Safe when every httpx the project can install (its lock, else its declarations) "
        "is 0.18 or later, where `ASGITransport(app=)` exists: `app=` was only ever a "
        "shortcut for that transport. Unsafe otherwise, with the reason in the note."
    )
    rationale = """
    `AsyncClient(app=app)` was a shortcut for `AsyncClient(transport=ASGITransport(app=app))`.
    httpx 0.27 deprecated it and 0.28 removed it: on a current httpx the test client
    raises `TypeError: AsyncClient.__init__() got an unexpected keyword argument 'app'`,
    so every test using the fixture fails after an upgrade. Pass the transport yourself;
    it behaves exactly as the shortcut did (same transport, same defaults, proxies from
    the environment ignored either way). The fix rewrites the argument and imports
    `ASGITransport` the way the file imports httpx (`httpx.ASGITransport` after
    `import httpx`). A call that passes both `app=` and `transport=` is reported without
    a fix: httpx used the transport and ignored `app=`, so the right edit is to drop
    `app=`, which the reader should confirm. No peer checks this: ruff and
    flake8-async have no httpx-API rule (flake8-async ASYNC127 only flags importing
    httpx at all). The sync `httpx.Client(app=...)` (a WSGI shortcut) is not reported:
    a FastAPI app is not a WSGI app, so such a call is not testing one.
    """
    dont = """
    import pytest
    from httpx import AsyncClient

    from app.main import app


    @pytest.fixture
    async def client():
        async with AsyncClient(app=app, base_url="http://test") as ac:
            yield ac
    """
    dont_fixed = """
    import pytest
    from httpx import ASGITransport, AsyncClient

    from app.main import app


    @pytest.fixture
    async def client():
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:
            yield ac
    """
    _PYPROJECT = """
        [project]
        name = "shop"
        version = "1.0"
        dependencies = ["fastapi>=0.115", "httpx>=0.27"]
        """
    _APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    dont_files = {"pyproject.toml": _PYPROJECT, "app/main.py": _APP, "tests/conftest.py": dont}
    do_files = {"pyproject.toml": _PYPROJECT, "app/main.py": _APP, "tests/conftest.py": dont_fixed}
    dont_fixed_files = {
        "pyproject.toml": _PYPROJECT,
        "app/main.py": _APP,
        "tests/conftest.py": dont_fixed,
    }

    def __init__(self) -> None:
        self._from_imports: list[ast.ImportFrom] = []

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if isinstance(ctx.parent, ast.Module) and not node.level:
            self._from_imports.append(node)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.keywords or not text_contains(ctx, "app"):
            return
        app = keyword_arg(node, "app")
        if app is None or ctx.resolve(node.func) not in _ASYNC_CLIENTS:
            return
        if any(k.arg is None for k in node.keywords):
            return  # ``**options`` may hold a transport: not told from here
        shown = ctx.text(node.func)
        fix: Fix | None = None
        if keyword_arg(node, "transport") is not None:
            message = (
                f"`{shown}(app=..., transport=...)`: httpx ignored `app=` when given a "
                "transport, and 0.28 rejects it; drop `app=`"
            )
        else:
            transport, import_edit = add_import(
                ctx, "httpx", "ASGITransport", merge_into=self._from_imports
            )
            value = ctx.text(app.value)
            fix = ctx.fix(
                f"Pass `transport={transport}(app={value})`",
                ctx.replace(app, f"transport={transport}(app={value})"),
                import_edit,
            )
            message = (
                f"`{shown}(app=...)` is the shortcut httpx deprecated in 0.27 and removed "
                f"in 0.28; pass `transport=ASGITransport(app={value})`"
                if len(value) <= 40
                else f"`{shown}(app=...)` is the shortcut httpx deprecated in 0.27 and "
                "removed in 0.28; pass `transport=ASGITransport(app=...)`"
            )
        span = ctx.span(node)
        ctx.add_fact(
            SHORTCUT_FACT, (span.line, span.column, span.end_line, span.end_column, message, fix)
        )

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        noted = [
            (path, fact)
            for path in project.python_files
            for fact in file_facts(project, path, SHORTCUT_FACT)
        ]
        if not noted:
            return []
        safe, why = declared_floor_ok(project)
        findings = []
        for path, (line, column, end_line, end_column, message, fix) in noted:
            if fix is not None and not safe:
                note = f"{why}: check that it has `ASGITransport`"
                fix = replace(fix, safety=Safety.UNSAFE, note=note)
            findings.append(
                project.finding(
                    self,
                    path,
                    line,
                    message,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    fix=fix,
                )
            )
        return findings

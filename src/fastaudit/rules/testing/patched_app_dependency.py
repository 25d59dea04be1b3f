"""TST102: a test that patches an app dependency instead of overriding it."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastaudit.engine.context import FILE_DONE, CallFilter, FileContext, Visited
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.names import same_qualname
from fastaudit.model import Finding, Severity, Span
from fastaudit.rules._support.project_walk import file_facts, text_contains
from fastaudit.rules._support.route_calls import DEPENDS_MARKERS, keyword_arg
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


_PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})
_PATCH_OBJECT = frozenset({"unittest.mock.patch.object", "mock.patch.object"})


@dataclass(frozen=True, slots=True)
class _Patch:
    span: Span
    written: str  # how the call reads, for the message
    target: str  # the qualified name it replaces


def _patch(node: ast.Call, ctx: FileContext) -> _Patch | None:
    """The patch a ``mock.patch(...)``/``monkeypatch.setattr(...)``-style call makes."""
    func = node.func
    callee = ctx.resolve(func)
    receiver = func.value if isinstance(func, ast.Attribute) else None
    fixture = receiver.id if isinstance(receiver, ast.Name) else ""
    if callee in _PATCHERS or (
        fixture == "mocker" and isinstance(func, ast.Attribute) and func.attr == "patch"
    ):
        target = _string(node.args[0] if node.args else None)
    elif (
        callee in _PATCH_OBJECT
        or (
            isinstance(func, ast.Attribute)
            and func.attr == "object"
            and isinstance(receiver, ast.Attribute)
            and receiver.attr == "patch"
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "mocker"
        )
        or (fixture == "monkeypatch" and isinstance(func, ast.Attribute) and func.attr == "setattr")
    ):
        target = _object_target(node, ctx)
    else:
        return None
    if target is None:
        return None
    return _Patch(ctx.span(node), f"{ctx.text(func)}(...)", target)


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
        return node.value
    return None


def _object_target(node: ast.Call, ctx: FileContext) -> str | None:
    """``monkeypatch.setattr("a.b.f", v)``, ``monkeypatch.setattr(module, "f", v)`` and
    ``patch.object(module, "f")``: the dotted name replaced."""
    if not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant):
        return _string(first)
    if len(node.args) < 2:
        return None
    attribute = node.args[1]
    if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
        return None
    owner = ctx.resolve(first)
    if owner is None or owner.endswith("()"):
        return None  # an instance: not a module-level dependency function
    return f"{owner}.{attribute.value}"


# Noted per file for TST102: the patches a test file makes, (line, column, end_line,
# end_column, call as written, target); and the qualified names the app's
# ``Depends(...)``/``Security(...)`` refer to (one sorted tuple per file).
PATCHES_FACT = "dependency-patches"
APP_DEPENDENCIES_FACT = "app-dependencies"


def _dotted_suffixes(names: set[str]) -> dict[str, list[str]]:
    """Every proper dotted suffix of ``names`` -> the names ending with it."""
    found: dict[str, list[str]] = {}
    for name in names:
        index = name.find(".")
        while index >= 0:
            found.setdefault(name[index + 1 :], []).append(name)
            index = name.find(".", index + 1)
    return found


def _first_same_name(target: str, names: set[str], by_suffix: dict[str, list[str]]) -> str | None:
    """The first of ``sorted(names)`` that :func:`same_qualname` pairs with ``target``,
    without a pass over all of them."""
    candidates = [n for n in by_suffix.get(target, ()) if same_qualname(target, n)]
    if target in names:
        candidates.append(target)
    index = target.find(".")
    while index >= 0:
        suffix = target[index + 1 :]
        if suffix in names:
            candidates.append(suffix)
        index = target.find(".", index + 1)
    return min(candidates, default=None)


def _span_tuple(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column


class PatchedAppDependency(ProjectRule):
    id = "TST102"
    name = "patched-app-dependency"
    title = "Test patches an app dependency instead of overriding it"
    severity = Severity.WARNING
    rationale = """
    `Depends(get_current_user)` keeps a reference to the function object when the route
    is declared. `monkeypatch.setattr("app.auth.get_current_user", ...)` or
    `mock.patch(...)` replaces the module attribute afterwards, so the routes keep
    calling the real dependency: the test either does not test what it claims or passes
    for the wrong reason. `app.dependency_overrides[get_current_user] = fake` is the
    supported switch, reaches every route and sub-dependency, and is undone with
    `app.dependency_overrides.clear()`. Only targets that some `Depends(...)` or
    `Security(...)` in the app names are reported.
    """
    dont = """
    # tests/test_orders.py
    def test_orders_need_no_login(client, monkeypatch):
        monkeypatch.setattr("app.auth.dependencies.get_current_user", lambda: FAKE_USER)
        assert client.get("/orders").status_code == 200
    """
    do = """
    # tests/test_orders.py
    from app.auth.dependencies import get_current_user
    from app.main import app


    def test_orders_need_no_login(client):
        app.dependency_overrides[get_current_user] = lambda: FAKE_USER
        try:
            assert client.get("/orders").status_code == 200
        finally:
            app.dependency_overrides.clear()
    """
    _DEPENDENCY = """
        from fastapi import Header


        def get_current_user(authorization: str = Header()) -> dict:
            return lookup_user(authorization)
        """
    _ROUTER = """
        from fastapi import APIRouter, Depends

        from app.auth.dependencies import get_current_user

        router = APIRouter()


        @router.get("/orders")
        async def list_orders(user: dict = Depends(get_current_user)) -> list:
            return []
        """
    dont_files = {
        "app/auth/dependencies.py": _DEPENDENCY,
        "app/orders/router.py": _ROUTER,
        "tests/test_orders.py": """
            FAKE_USER = {"id": 1}


            def test_orders_need_no_login(client, monkeypatch):
                monkeypatch.setattr("app.auth.dependencies.get_current_user", lambda: FAKE_USER)
                assert client.get("/orders").status_code == 200
            """,
    }
    do_files = {
        "app/auth/dependencies.py": _DEPENDENCY,
        "app/orders/router.py": _ROUTER,
        "tests/test_orders.py": """
            from app.auth.dependencies import get_current_user
            from app.main import app

            FAKE_USER = {"id": 1}


            def test_orders_need_no_login(client, monkeypatch):
                app.dependency_overrides[get_current_user] = lambda: FAKE_USER
                monkeypatch.setattr("app.auth.dependencies.lookup_user", lambda token: FAKE_USER)
                assert client.get("/orders").status_code == 200
            """,
    }

    # The calls either role reads (see ``_patch``): ``Depends``/``Security`` in the app,
    # ``mock.patch(...)``, ``patch.object(...)``, ``mocker.patch(...)``,
    # ``mocker.patch.object(...)`` and ``monkeypatch.setattr(...)`` in tests.
    calls = CallFilter.of(
        callees=[*DEPENDS_MARKERS, *_PATCHERS, *_PATCH_OBJECT],
        attrs=("patch", "object", "setattr"),
    )

    def __init__(self) -> None:
        self._role: str | None = None  # "test", "app" or "" (nothing to note)
        self._patches: list[_Patch] = []
        self._dependencies: set[str] = set()

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> Visited | None:
        role = self._role
        if role is None:
            if is_test_path(ctx.path):
                role = "test" if text_contains(ctx, "patch", "setattr") else ""
            else:
                role = "app" if text_contains(ctx, "Depends(", "Security(") else ""
            self._role = role
        if not role:
            return FILE_DONE  # the text settles it for the whole file
        if role == "test":
            patch = _patch(node, ctx)
            if patch is not None:
                self._patches.append(patch)
            return None
        callee = ctx.resolve(node.func)
        if callee not in DEPENDS_MARKERS:
            return None
        target = (
            node.args[0] if node.args else getattr(keyword_arg(node, "dependency"), "value", None)
        )
        if isinstance(target, ast.Name):
            found, value = ctx.lookup(target.id)
            if found and value is None:
                self._dependencies.add(ctx.qualify(target.id))
            elif value is not None and not value.endswith("()"):
                self._dependencies.add(value)
        if (
            node.args
            and isinstance(node.args[0], ast.Name)
            and callee in ("fastapi.Depends", "fastapi.Security")
        ):
            self._dependencies.add(ctx.qualify(node.args[0].id))
        return None

    def finish(self, ctx: FileContext) -> None:
        if self._patches:
            ctx.add_fact(
                PATCHES_FACT,
                tuple(
                    (*_span_tuple(patch.span), patch.written, patch.target)
                    for patch in self._patches
                ),
            )
        if self._dependencies:
            ctx.add_fact(APP_DEPENDENCIES_FACT, tuple(sorted(self._dependencies)))

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        patches: list[tuple[str, _Patch]] = []
        for path in project.python_files:
            if not is_test_path(path):
                continue
            for found in file_facts(project, path, PATCHES_FACT):
                for line, column, end_line, end_column, written, target in found:
                    span = Span(line, column, end_line, end_column)
                    patches.append((path, _Patch(span, written, target)))
        if not patches:
            return []
        dependencies: set[str] = set()
        for path in project.python_files:
            if is_test_path(path):
                continue
            for names in file_facts(project, path, APP_DEPENDENCIES_FACT):
                dependencies.update(names)
        by_suffix = _dotted_suffixes(dependencies)
        findings = []
        for path, patch in patches:
            match = _first_same_name(patch.target, dependencies, by_suffix)
            if match is None:
                continue
            name = patch.target.rsplit(".", 1)[-1]
            findings.append(
                project.finding(
                    self,
                    path,
                    patch.span.line,
                    f"`{patch.written}` replaces `{patch.target}`, which routes use through "
                    f"`Depends({name})`; they keep the original function, so use "
                    f"`app.dependency_overrides[{name}] = ...`",
                    column=patch.span.column,
                    end_line=patch.span.end_line,
                    end_column=patch.span.end_column,
                )
            )
        return findings

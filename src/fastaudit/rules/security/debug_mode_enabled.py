"""SEC102 debug-mode-enabled: `FastAPI(debug=True)` outside tests."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.edit_builders import remove_call_argument
from fastaudit.engine.layout import is_test_path
from fastaudit.model import Severity
from fastaudit.rules.base import Rule
from fastaudit.rules.security._shared import is_true, module_literal

_STARLETTE = frozenset({"starlette.applications.Starlette", "starlette.Starlette"})
_APPS = _STARLETTE | {"fastapi.FastAPI"}
_STARLETTE_VALUES = frozenset(f"{name}()" for name in _STARLETTE)


def _is_app_class(callee: str | None, ctx: FileContext) -> bool:
    """Starlette's app, FastAPI's, or a project's own FastAPI (``route_owner_class``)."""
    return callee in _STARLETTE or ctx.route_owner_class(callee) == "app"


class DebugModeEnabled(Rule):
    id = "SEC102"
    skips_tests = True  # a test's app runs no server (both handlers)
    name = "debug-mode-enabled"
    title = "App created with `debug=True`"
    severity = Severity.ERROR
    peers: ClassVar[tuple[str, ...]] = ("ruff S201",)
    fix_safety = (
        "Unsafe: removing `debug=True` is the point, but it changes what an error "
        "response shows, and a developer who reads tracebacks in the browser loses them; "
        "read the flag from settings if some environment needs it."
    )
    rationale = """
    With `debug=True`, an unhandled exception is answered with Starlette's debug page:
    the full traceback, source lines around each frame, and the values in them, to
    whoever sent the request. In production that hands out file paths, queries,
    settings and sometimes secrets. Only the literal `True` is reported, outside tests:
    a value from settings (`debug=settings.DEBUG`) is a decision per environment.

    ruff's S201 (`flask-debug-true`) is the same mistake for Flask's `app.run`; it does
    not look at FastAPI or Starlette. `uvicorn.run(..., debug=True)` is not reported:
    uvicorn 0.19 removed that option (and its traceback middleware), so it now fails
    at start-up instead of leaking.
    """
    dont = """
    from fastapi import FastAPI

    app = FastAPI(title="Orders", debug=True)
    """
    dont_fixed = """
    from fastapi import FastAPI

    app = FastAPI(title="Orders")
    """
    do = """
    from fastapi import FastAPI

    from app.config import settings

    app = FastAPI(title="Orders", debug=settings.DEBUG)
    """
    extra_valid = (
        """
        from fastapi import FastAPI

        app = FastAPI(debug=False)
        """,
        # Someone else's debug flag.
        """
        import logging

        from sqlalchemy import create_engine

        engine = create_engine("sqlite://", echo=True)
        logging.basicConfig(level=logging.DEBUG)

        def make(debug=True):
            return debug
        """,
        # A project class that happens to be called FastAPI.
        """
        class FastAPI:
            def __init__(self, debug=False):
                self.debug = debug

        app = FastAPI(debug=True)
        """,
    )
    extra_invalid = (
        """
        from starlette.applications import Starlette

        DEBUG = True

        app = Starlette(debug=DEBUG, routes=[])
        """,
        """
        import fastapi

        app = fastapi.FastAPI()
        app.debug = True
        """,
    )

    # Starlette's app, or a call building an app or router (``_is_app_class``).
    calls = CallFilter.of(callees=_STARLETTE, route_owners=True)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not _is_app_class(ctx.resolve(node.func), ctx) or is_test_path(ctx.path):
            return
        for item in node.keywords:
            if item.arg == "debug" and is_true(module_literal(ctx, item.value)):
                fix = None
                if is_true(item.value):
                    edit = remove_call_argument(ctx, node, item)
                    if edit is not None:
                        fix = ctx.fix(
                            "Remove `debug=True`",
                            edit,
                            safe=False,
                            note="error responses stop showing tracebacks",
                        )
                ctx.report(
                    item,
                    f"`{ctx.text(node.func)}(debug=True)` answers every unhandled error "
                    "with the traceback, source and local values; read it from settings "
                    "or drop it",
                    fix=fix,
                )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not is_true(node.value) or is_test_path(ctx.path):
            return
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "debug"
                and (
                    ctx.resolve(target.value) in _STARLETTE_VALUES
                    or ctx.route_owner(target.value) == "app"
                )
            ):
                ctx.report(
                    node,
                    f"`{ctx.text(target)} = True` turns on the debug error page: every "
                    "unhandled error is answered with the traceback, source and local "
                    "values; read it from settings or drop it",
                )

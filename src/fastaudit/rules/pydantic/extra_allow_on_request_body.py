"""PYD110 extra-allow-on-request-body: a request body model that keeps unknown fields."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from fastaudit.engine.context import FileContext
from fastaudit.engine.layout import is_test_path
from fastaudit.engine.names import same_qualname
from fastaudit.model import Finding, Location, Severity
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules.base import ProjectRule
from fastaudit.rules.pydantic._shared import CONFIG_DICTS, class_config_entries

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# (qualname, line, column, end line, end column) of a class whose config says
# ``extra="allow"`` (the site is the setting itself).
EXTRA_ALLOW_FACT = "extra-allow-model"
# (qualname of a parameter's model, line of the route, route function name).
BODY_MODEL_FACT = "route-parameter-model"
_EXTRA_ALLOW = frozenset({"pydantic.Extra.allow", "pydantic.config.Extra.allow"})
# Wrappers a body model is seen through in an annotation.
_WRAPPERS = frozenset(
    {
        "typing.Annotated",
        "typing_extensions.Annotated",
        "typing.Optional",
        "typing.Union",
        "typing.List",
        "typing.Sequence",
        "builtins.list",
    }
)
_NOT_BODIES = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.Query",
        "fastapi.Path",
        "fastapi.Header",
        "fastapi.Cookie",
        "fastapi.params.Depends",
    }
)


def _allows(value: ast.expr, ctx: FileContext) -> bool:
    if isinstance(value, ast.Constant):
        return value.value == "allow"
    return ctx.resolve(value) in _EXTRA_ALLOW


def _extra_allow_site(node: ast.ClassDef, ctx: FileContext) -> ast.AST | None:
    for keyword in node.keywords:
        if keyword.arg == "extra" and _allows(keyword.value, ctx):
            return keyword
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for name, target, entry in class_config_entries(stmt):
                setting = getattr(entry, "value", None)
                if name == "extra" and setting is not None and _allows(setting, ctx):
                    return target
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if not any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
                continue
            value = stmt.value
            if isinstance(value, ast.Call) and ctx.resolve(value.func) in CONFIG_DICTS:
                for keyword in value.keywords:
                    if keyword.arg == "extra" and _allows(keyword.value, ctx):
                        return keyword
            elif isinstance(value, ast.Dict):
                for dict_key, item in zip(value.keys, value.values, strict=True):
                    if (
                        isinstance(dict_key, ast.Constant)
                        and dict_key.value == "extra"
                        and _allows(item, ctx)
                    ):
                        return dict_key
    return None


def _models(annotation: ast.expr | None, ctx: FileContext, depth: int = 0) -> Iterable[str]:
    """The classes an annotation may name as the body: ``Model``, ``Model | None``,
    ``Annotated[Model, Body()]``, ``list[Model]``."""
    if annotation is None or depth > 4:
        return
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        yield from _models(annotation.left, ctx, depth + 1)
        yield from _models(annotation.right, ctx, depth + 1)
    elif isinstance(annotation, ast.Subscript):
        head = ctx.resolve(annotation.value)
        if head not in _WRAPPERS:
            return
        inner = annotation.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head in ("typing.Annotated", "typing_extensions.Annotated"):
            markers = [e for e in elements[1:] if isinstance(e, ast.Call)]
            if any(ctx.resolve(m.func) in _NOT_BODIES for m in markers):
                return
            elements = elements[:1]
        for element in elements:
            yield from _models(element, ctx, depth + 1)
    elif isinstance(annotation, (ast.Name, ast.Attribute)):
        value = ctx.resolve(annotation)
        if value and not value.endswith("()") and not value.startswith(("builtins.", "typing.")):
            yield value


class ExtraAllowOnRequestBody(ProjectRule):
    id = "PYD110"
    name = "extra-allow-on-request-body"
    title = '`extra="allow"` on a model a route takes as its body'
    severity = Severity.WARNING
    peers = ("fastapi-doctor extra-allow-on-request",)
    rationale = """
    With `extra="allow"` a model keeps every field the client sends, declared or not,
    and `model_dump()` hands them all on. A request body like that, unpacked into an
    ORM object or an update (`User(**body.model_dump())`, `setattr` in a loop), lets a
    client set columns the API never meant to expose (`is_admin`, `owner_id`,
    `balance`): mass assignment. Request models should say exactly what they accept:
    the default (`"ignore"`) drops the rest, `"forbid"` rejects it with a 422, which
    also tells clients about typos. Keep `extra="allow"` for models that only read
    data you produce (responses, settings, webhook payloads you pass through). The
    finding points at the setting, on a model some route takes as a parameter (also
    `Annotated[Model, Body()]`, `Model | None`, `list[Model]`); a model whose base
    class allows extras is not followed. Peer: fastapi-doctor
    `extra-allow-on-request`. No fix: whether `"ignore"` or `"forbid"` is right is
    the API's decision.
    """
    dont = """
    # app/users.py
    from pydantic import BaseModel, ConfigDict


    class UserUpdate(BaseModel):
        model_config = ConfigDict(extra="allow")

        name: str | None = None


    @router.patch("/users/{user_id}")
    async def update_user(user_id: int, body: UserUpdate) -> None:
        await users.update(user_id, **body.model_dump(exclude_unset=True))
    """
    do = """
    # app/users.py
    from pydantic import BaseModel, ConfigDict


    class UserUpdate(BaseModel):
        model_config = ConfigDict(extra="forbid")

        name: str | None = None


    @router.patch("/users/{user_id}")
    async def update_user(user_id: int, body: UserUpdate) -> None:
        await users.update(user_id, **body.model_dump(exclude_unset=True))
    """
    _ROUTES = """
        from fastapi import APIRouter

        from app.schemas import UserUpdate

        router = APIRouter()


        @router.patch("/users/{user_id}")
        async def update_user(user_id: int, body: UserUpdate) -> None:
            await save(user_id, **body.model_dump(exclude_unset=True))
        """
    dont_files = {
        "app/schemas.py": """
            from pydantic import BaseModel, ConfigDict


            class UserUpdate(BaseModel):
                model_config = ConfigDict(extra="allow")

                name: str | None = None
            """,
        "app/routes.py": _ROUTES,
    }
    do_files = {
        "app/schemas.py": """
            from pydantic import BaseModel, ConfigDict


            class UserUpdate(BaseModel):
                model_config = ConfigDict(extra="forbid")

                name: str | None = None


            class Passthrough(BaseModel):
                model_config = ConfigDict(extra="allow")  # never a route parameter
            """,
        "app/routes.py": _ROUTES,
    }

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if is_test_path(ctx.path) or not (node.keywords or node.body):
            return
        site = _extra_allow_site(node, ctx)
        if site is None:
            return
        span = ctx.span(site)
        qualname = ctx.qualify(node.name)
        ctx.add_fact(
            EXTRA_ALLOW_FACT, (qualname, span.line, span.column, span.end_line, span.end_column)
        )

    def visit_FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
    ) -> None:
        if ctx.route_decorator(node) is None:
            return
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            for model in _models(arg.annotation, ctx):
                ctx.add_fact(BODY_MODEL_FACT, (model, node.lineno, node.name))

    visit_AsyncFunctionDef = visit_FunctionDef

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        allowing = [
            (path, fact)
            for path in project.python_files
            for fact in file_facts(project, path, EXTRA_ALLOW_FACT)
        ]
        if not allowing:
            return []
        uses: list[tuple[str, str, int, str]] = [
            (model, path, line, name)
            for path in project.python_files
            if not is_test_path(path)
            for model, line, name in file_facts(project, path, BODY_MODEL_FACT)
        ]
        findings = []
        for path, (qualname, line, column, end_line, end_column) in allowing:
            routes = [u for u in uses if same_qualname(u[0], qualname)]
            if not routes:
                continue
            _, route_path, route_line, route_name = routes[0]
            more = f" (and {len(routes) - 1} more)" if len(routes) > 1 else ""
            model = qualname.rpartition(".")[2]
            project.read_text(path)
            finding = project.finding(
                self,
                path,
                line,
                f'`{model}` keeps unknown fields (`extra="allow"`) and is a request parameter '
                f"of `{route_name}` ({route_path}:{route_line}){more}: clients can set fields "
                'the API never declared; use the default `"ignore"` or `"forbid"`',
                column=column,
                end_line=end_line,
                end_column=end_column,
            )
            related = tuple(
                Location(p, ln, f"`{n}` takes `{model}`") for _, p, ln, n in routes[:20]
            )
            findings.append(replace(finding, related=related))
        return findings

"""RTE101 (redundant-response-model): ``response_model=`` repeats the route's return annotation."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fastaudit.engine.context import ROUTE_METHODS, FileContext
from fastaudit.engine.edit_builders import remove_call_argument
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules.base import Rule

# ``typing`` spellings of the builtin generics: ``List[Item]`` is ``list[Item]``.
_TYPING_ALIASES = {
    "typing.List": "builtins.list",
    "typing.Dict": "builtins.dict",
    "typing.Set": "builtins.set",
    "typing.FrozenSet": "builtins.frozenset",
    "typing.Tuple": "builtins.tuple",
    "typing.Type": "builtins.type",
}


def _route_calls(
    node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> Iterator[ast.Call]:
    """Every route decorator call of ``node`` (a function may be both GET and HEAD)."""
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_METHODS
            and ctx.is_app_or_router(decorator.func.value)
        ):
            yield decorator


def _unstring(node: ast.expr) -> ast.expr | None:
    """A string annotation (``-> "Item"``) as the expression it stands for."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return node


def same_type(left: ast.expr | None, right: ast.expr | None, ctx: FileContext) -> bool:
    """Whether two type expressions name the same type, following imports and aliases
    (``schemas.Item`` and ``Item``; ``List[Item]`` and ``list[Item]``). Recurses only
    through the two expressions, which are small."""
    left = _unstring(left) if left is not None else None
    right = _unstring(right) if right is not None else None
    if left is None or right is None:
        return False
    if isinstance(left, (ast.Name, ast.Attribute)) and isinstance(right, (ast.Name, ast.Attribute)):
        resolved_left, resolved_right = ctx.resolve(left), ctx.resolve(right)
        if resolved_left is not None and resolved_right is not None:
            return _TYPING_ALIASES.get(resolved_left, resolved_left) == _TYPING_ALIASES.get(
                resolved_right, resolved_right
            )
        return resolved_left == resolved_right and ast.dump(left) == ast.dump(right)
    if type(left) is not type(right):
        return False
    # From here both are of one type: each test narrows ``right`` for the checker too.
    if isinstance(left, ast.Subscript) and isinstance(right, ast.Subscript):
        return same_type(left.value, right.value, ctx) and same_type(left.slice, right.slice, ctx)
    if isinstance(left, (ast.Tuple, ast.List)) and isinstance(right, (ast.Tuple, ast.List)):
        others = right.elts
        return len(left.elts) == len(others) and all(
            same_type(a, b, ctx) for a, b in zip(left.elts, others, strict=True)
        )
    if isinstance(left, ast.BinOp) and isinstance(right, ast.BinOp):
        return (
            isinstance(left.op, ast.BitOr)
            and isinstance(right.op, ast.BitOr)
            and same_type(left.left, right.left, ctx)
            and same_type(left.right, right.right, ctx)
        )
    if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
        return type(left.value) is type(right.value) and left.value == right.value
    return False


class RedundantResponseModel(Rule):
    id = "RTE101"
    name = "redundant-response-model"
    title = "`response_model=` repeats the route's return annotation"
    severity = Severity.INFO
    peers = ("ruff FAST001",)
    fix_safety = (
        "Safe: since FastAPI 0.89 a route without `response_model=` takes its response "
        "model from the return annotation, which here is the same type, so validation, "
        "filtering and the OpenAPI schema are unchanged. Unsafe while the project's lock "
        "or declared floor admits an older FastAPI."
    )
    rationale = """
    FastAPI reads the response model from the return annotation, so `response_model=X`
    on a route already annotated `-> X` says the same thing twice. Sooner or later one
    copy is edited and the other is not, and the decorator quietly wins over what the
    signature (and your type checker) claims. Keep the annotation and drop the keyword;
    keep `response_model=` only where it differs on purpose, such as returning an ORM
    row that must be filtered through a public schema.
    """
    dont = """
    from fastapi import APIRouter

    from app.catalog.schemas import Product
    from app.catalog.service import load_product

    router = APIRouter()


    @router.get("/products/{product_id}", response_model=Product)
    async def read_product(product_id: int) -> Product:
        return await load_product(product_id)
    """
    dont_fixed = """
    from fastapi import APIRouter

    from app.catalog.schemas import Product
    from app.catalog.service import load_product

    router = APIRouter()


    @router.get("/products/{product_id}")
    async def read_product(product_id: int) -> Product:
        return await load_product(product_id)
    """
    extra_valid = (
        # A different model on purpose: the ORM row is filtered through the schema.
        """
        from fastapi import APIRouter

        from app.catalog.models import ProductRow
        from app.catalog.schemas import ProductPublic

        router = APIRouter()

        @router.get("/products/{product_id}", response_model=ProductPublic)
        def read_product(product_id: int) -> ProductRow:
            return ProductRow.get(product_id)
        """,
        # No return annotation: response_model is the only declaration.
        """
        from fastapi import APIRouter

        from app.catalog.schemas import Product

        router = APIRouter()

        @router.get("/products", response_model=list[Product])
        def list_products():
            return []
        """,
        # Not a route decorator, even if it takes the same keyword.
        """
        from app.cache import cached

        from app.catalog.schemas import Product

        @cached(response_model=Product)
        def product_from_cache(key: str) -> Product:
            return Product.load(key)
        """,
        # Same spelling, different objects: two modules' `Item`.
        """
        from fastapi import FastAPI

        from app import legacy, schemas

        app = FastAPI()

        @app.get("/items/{item_id}", response_model=legacy.Item)
        def read_item(item_id: int) -> schemas.Item:
            return schemas.Item(id=item_id)
        """,
        """
        from fastapi import FastAPI
        from fastapi.responses import Response

        app = FastAPI()

        @app.get("/ping", response_model=None)
        def ping() -> Response:
            return Response("pong")
        """,
    )
    extra_invalid = (
        """
        from typing import List

        from fastapi import APIRouter

        from app.schemas import Item

        router = APIRouter(prefix="/items")

        @router.get(
            "/",
            status_code=200,
            response_model=list[Item],
        )
        def list_items() -> List[Item]:
            return []
        """,
        """
        import fastapi

        from app import schemas
        from app.schemas import Item

        app = fastapi.FastAPI()

        @app.api_route("/items", methods=["PUT"], response_model=schemas.Item)
        async def replace_item(item: Item) -> "Item":
            return item
        """,
        """
        from fastapi import APIRouter

        from app.schemas import Item

        admin_router = APIRouter()

        @admin_router.post("/items", response_model=Item | None)
        async def create_item(item: Item) -> Item | None:
            return item
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self.check(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.check(node, ctx)

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        returns = node.returns
        if returns is None:
            return
        for decorator in _route_calls(node, ctx):
            keyword = next((k for k in decorator.keywords if k.arg == "response_model"), None)
            if keyword is None:
                continue
            value = keyword.value
            if isinstance(value, ast.Constant) and value.value is None:
                continue  # `response_model=None` switches inference off on purpose
            if not same_type(value, returns, ctx):
                continue
            edit = remove_call_argument(ctx, decorator, keyword)
            fix = None
            if edit is not None:
                between = _unwrapped_decorators_below(node, decorator, ctx)
                fix = ctx.fix(
                    "Remove `response_model=`",
                    edit,
                    safe=not between,
                    note=(
                        f"`@{one_line(ctx.text(between[0]), 40)}` sits between the route "
                        "decorator and the function without visibly using `functools.wraps`: "
                        "FastAPI may then not see the return annotation, and the response "
                        "model would be lost"
                    )
                    if between
                    else "",
                )
            ctx.report(
                keyword,
                f"`response_model={one_line(ctx.text(value), 60)}` on route `{node.name}` "
                f"repeats its return annotation `-> {one_line(ctx.text(returns), 60)}`",
                fix=fix,
            )


def _unwrapped_decorators_below(
    node: ast.FunctionDef | ast.AsyncFunctionDef, route: ast.Call, ctx: FileContext
) -> list[ast.expr]:
    """Decorators applied before the route decorator (listed below it) whose wrapper is
    not seen to copy the function's metadata with ``functools.wraps``: FastAPI reads the
    return annotation from what the route decorator receives."""
    below = node.decorator_list[node.decorator_list.index(route) + 1 :]
    local = {
        stmt.name: stmt
        for stmt in ctx.tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    unknown: list[ast.expr] = []
    for decorator in below:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        definition = local.get(target.id) if isinstance(target, ast.Name) else None
        if definition is None or not _uses_wraps(definition, ctx):
            unknown.append(decorator)
    return unknown


def _uses_wraps(definition: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    for inner in walk(definition):
        if inner is definition or not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in inner.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ctx.resolve(call) == "functools.wraps":
                return True
    return False

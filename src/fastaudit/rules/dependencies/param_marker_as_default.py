"""DEP102 param-marker-as-default: `Query`/`Path`/`Body`... used as a parameter default instead
of `Annotated`."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.dependencies._shared import _FIX_SAFETY, MarkerDefaultRule


class ParameterMarkerAsDefault(MarkerDefaultRule):
    id = "DEP102"
    name = "param-marker-as-default"
    title = "`Query`/`Path`/`Body`... used as a parameter default instead of `Annotated`"
    severity = Severity.WARNING
    peers = ("ruff FAST002",)
    kind = "parameter"
    fix_safety = _FIX_SAFETY
    rationale = """
    `q: str | None = Query(None, max_length=40)` puts the real default inside a marker
    call and the marker in the default slot, so the function's actual default is a
    `FieldInfo` object whenever it is called outside FastAPI, and the default and its
    validation live in two different places. With `q: Annotated[str | None,
    Query(max_length=40)] = None` the default is an ordinary Python default, `...` is no
    longer needed to mean "required", and the annotated type can be shared. The same
    holds for `Path`, `Header`, `Cookie`, `Body`, `Form` and `File`.
    """
    dont = """
    from fastapi import APIRouter, Query

    router = APIRouter()


    @router.get("/books")
    async def search_books(
        title: str | None = Query(None, max_length=80),
        page: int = Query(1, ge=1),
    ):
        return {"title": title, "page": page}
    """
    dont_fixed = """
    from typing import Annotated

    from fastapi import APIRouter, Query

    router = APIRouter()


    @router.get("/books")
    async def search_books(
        title: Annotated[str | None, Query(max_length=80)] = None,
        page: Annotated[int, Query(ge=1)] = 1,
    ):
        return {"title": title, "page": page}
    """
    extra_valid = (
        # Somebody else's Query (a GraphQL schema, say).
        """
        from graphene import ObjectType as Query

        def schema_for(root: type = Query):
            return root
        """,
        """
        class Query:
            def __init__(self, text: str = ""):
                self.text = text

        def search(query: Query = Query("all")):
            return query
        """,
        # pathlib's Path as a default is just a path.
        """
        from pathlib import Path

        def export(target: Path = Path("out.csv")):
            return target
        """,
        """
        from typing import Annotated

        from fastapi import Header

        async def agent(user_agent: Annotated[str | None, Header()] = None):
            return user_agent
        """,
    )
    extra_invalid = (
        """
        import fastapi

        async def read_item(item_id: int = fastapi.Path(..., gt=0)):
            return item_id
        """,
        """
        from fastapi import Body as B, UploadFile, File

        async def upload(meta: dict = B(embed=True), blob: UploadFile = File(...)):
            return meta
        """,
        """
        from fastapi.params import Cookie

        async def session_of(session_id=Cookie(None)):
            return session_id
        """,
        """
        from fastapi import Form, Header

        async def login(
            username: str = Form(),
            *,
            x_client: str | None = Header(default=None, alias="X-Client"),
        ):
            return username
        """,
    )

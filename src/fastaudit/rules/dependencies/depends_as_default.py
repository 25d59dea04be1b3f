"""DEP101 depends-as-default: `Depends(...)` used as a parameter default instead of `Annotated`."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.dependencies._shared import _FIX_SAFETY, MarkerDefaultRule


class DependsAsDefault(MarkerDefaultRule):
    id = "DEP101"
    name = "depends-as-default"
    title = "`Depends(...)` used as a parameter default instead of `Annotated`"
    severity = Severity.WARNING
    peers = ("ruff FAST002",)
    kind = "dependency"
    fix_safety = _FIX_SAFETY
    rationale = """
    A dependency written as `user: User = Depends(get_user)` hides a FastAPI marker in
    the default slot. Calling the function yourself (in a test, a script, another
    dependency) silently hands it that marker object instead of a user, and type
    checkers cannot tell the parameter is required. `user: Annotated[User,
    Depends(get_user)]` keeps the wiring in the type, leaves the parameter genuinely
    required, and can be named once (`CurrentUser = Annotated[...]`) and reused by every
    endpoint. `Security(...)` is a `Depends` with scopes and is treated the same way.
    Left alone: `Depends(Provide[Container.service])`, dependency-injector's own idiom.
    Its `@inject` fills the parameter on direct calls too, and before 4.46 it looks for
    its markers in defaults only, so the rewrite would stop the injection.
    """
    dont = """
    from fastapi import APIRouter, Depends

    from app.auth.dependencies import current_member
    from app.auth.schemas import Member

    router = APIRouter()


    @router.get("/members/me")
    async def read_own_profile(member: Member = Depends(current_member)):
        return member
    """
    dont_fixed = """
    from typing import Annotated
    from fastapi import APIRouter, Depends

    from app.auth.dependencies import current_member
    from app.auth.schemas import Member

    router = APIRouter()


    @router.get("/members/me")
    async def read_own_profile(member: Annotated[Member, Depends(current_member)]):
        return member
    """
    do = """
    from typing import Annotated

    from fastapi import APIRouter, Depends

    from app.auth.dependencies import current_member
    from app.auth.schemas import Member

    router = APIRouter()
    CurrentMember = Annotated[Member, Depends(current_member)]


    @router.get("/members/me")
    async def read_own_profile(member: CurrentMember):
        return member
    """
    extra_valid = (
        # A project function that happens to be called Depends is not FastAPI's.
        """
        def Depends(factory):
            return factory()

        def build(settings: dict = Depends(dict)):
            return settings
        """,
        # Depends imported from somewhere else entirely.
        """
        from wiring.markers import Depends

        async def handler(repo: object = Depends("repo")):
            return repo
        """,
        # Route-level dependencies are not parameter defaults.
        """
        from fastapi import APIRouter, Depends

        from app.auth import require_admin

        router = APIRouter()

        @router.delete("/cache", dependencies=[Depends(require_admin)])
        async def clear_cache():
            return None
        """,
        # The modern form, including a class used as its own dependency.
        """
        from typing import Annotated

        from fastapi import Depends

        from app.paging import Paging

        async def list_things(paging: Annotated[Paging, Depends()]):
            return paging
        """,
        # Mentions in strings and comments are not code.
        """
        def explain(text: str = "user: User = Depends(get_user)"):
            # user: User = Depends(get_user)
            return text
        """,
    )
    extra_invalid = (
        """
        from fastapi import Depends as D

        from app.db import open_session

        def list_orders(session=D(open_session)):
            return session
        """,
        """
        import fastapi

        from app.auth import token_claims

        async def whoami(claims: dict = fastapi.Depends(token_claims)):
            return claims
        """,
        """
        from fastapi import params

        from app.auth import token_claims

        async def whoami(*, claims: dict = params.Depends(token_claims)):
            return claims
        """,
        """
        from fastapi import Security

        from app.auth import scoped_user

        async def write_note(user: dict = Security(scoped_user, scopes=["notes:write"])):
            return user
        """,
        # A class dependency's own constructor.
        """
        from fastapi import Depends

        from app.db import open_session

        class OrderService:
            def __init__(self, session: object = Depends(open_session)):
                self.session = session
        """,
    )

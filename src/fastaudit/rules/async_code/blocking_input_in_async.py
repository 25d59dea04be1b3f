"""ASY110 (blocking-input-in-async): `input()` or `getpass()` in async code."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter
from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingInput(BlockingCallRule):
    id = "ASY110"
    kind = "a read of the terminal"
    name = "blocking-input-in-async"
    title = "`input()` or `getpass()` in async code"
    severity = Severity.ERROR
    peers = ("ruff ASYNC250",)
    # A server has no one at the terminal: the answer is not to ask, not a thread.
    has_async_form = False
    rationale = """
    `input()` and `getpass.getpass()` wait for someone to type at the terminal, on the
    event loop thread. A served app has no one there: under a process manager the read
    fails at once or waits forever, and while it waits every request of the worker waits
    too. Real applications rarely write it in a route; it arrives through a confirmation
    prompt in a shared helper first written for a command-line tool, or a debugging line
    left behind, which is why it is worth catching (through helpers too, with ASY108).
    Take the value from configuration or the request instead. Scripts and command-line
    entry points are not served and are not reported. ruff's ASYNC250 is the same check
    for calls written directly in an async function.
    """
    dont = """
    from fastapi import APIRouter

    router = APIRouter()


    @router.delete("/tenants/{tenant_id}")
    async def drop_tenant(tenant_id: int):
        answer = input(f"Really drop tenant {tenant_id}? [y/N] ")
        if answer.lower() != "y":
            return {"dropped": False}
        return {"dropped": True}
    """
    do = """
    from fastapi import APIRouter, Query

    router = APIRouter()


    @router.delete("/tenants/{tenant_id}")
    async def drop_tenant(tenant_id: int, confirm: bool = Query(False)):
        if not confirm:
            return {"dropped": False}
        return {"dropped": True}
    """
    extra_valid = (
        # An HTML builder's `input` element is not the builtin.
        """
        async def search_form(tag):
            with tag.input(name="q", type="search"):
                pass
        """,
        # A local or parameter named `input` shadows the builtin.
        """
        async def echo(input: str) -> str:
            return input.strip()
        """,
        # A command-line tool's sync prompt.
        """
        import getpass

        def ask_password() -> str:
            return getpass.getpass("Password: ")
        """,
    )
    extra_invalid = (
        """
        import getpass

        async def login_admin() -> str:
            return getpass.getpass("Admin password: ")
        """,
        """
        from getpass import getpass as ask

        async def unlock() -> str:
            return ask()
        """,
    )

    blocking = frozenset({"builtins.input", "getpass.getpass"})
    what = "waits for someone to type at the terminal, on the event loop"

    calls = CallFilter.of(callees=blocking)

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # The remedy is not to ask: in a thread the read waits just as long, unseen.
        return False

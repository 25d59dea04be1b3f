"""ASY102 (blocking-sleep-in-async): ``time.sleep`` in async code."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Fix, Severity
from fastaudit.rules._support.threadpool_wrap import wrap_refusal
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingSleep(BlockingCallRule):
    id = "ASY102"
    kind = "a blocking sleep"
    name = "blocking-sleep-in-async"
    title = "`time.sleep` in async code"
    severity = Severity.ERROR
    peers = (
        "ruff ASYNC251",
        "Fixit UseAsyncSleepInAsyncDef",
        "semgrep python.lang.correctness.sync-sleep-in-async-code",
    )
    async_alternative = "`asyncio.sleep`"
    fix_safety = "Safe: the function is already a coroutine, awaiting the sleep keeps its timing."
    rationale = """
    `time.sleep` parks the whole event loop, not just this request: nothing else on the
    worker runs until it returns. `await asyncio.sleep(...)` waits the same time while
    letting other requests proceed.
    """
    dont = """
    import time

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/exports/{export_id}/poll")
    async def poll_export(export_id: int):
        time.sleep(1.5)  # let the exporter catch up
        return {"export": export_id}
    """
    dont_fixed = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/exports/{export_id}/poll")
    async def poll_export(export_id: int):
        await asyncio.sleep(1.5)  # let the exporter catch up
        return {"export": export_id}
    """
    do = """
    import asyncio

    from fastapi import APIRouter

    router = APIRouter()


    @router.post("/exports/{export_id}/poll")
    async def poll_export(export_id: int):
        await asyncio.sleep(1.5)
        return {"export": export_id}
    """
    extra_valid = (
        # A project's own coroutine named sleep is not time.sleep.
        """
        async def sleep(seconds: float) -> None:
            ...

        async def wait_a_bit():
            await sleep(1)
        """,
        """
        import time

        def backoff():
            time.sleep(1)
        """,
    )
    extra_invalid = (
        """
        from time import sleep

        async def wait_a_bit():
            sleep(1)
        """,
    )

    blocking = frozenset({"time.sleep"})
    what = "blocks the event loop"

    calls = CallFilter.of(callees=blocking)

    def make_fix(self, node: ast.Call, ctx: FileContext) -> Fix | None:
        if wrap_refusal(ctx, node) is not None:
            return None  # where ``await`` cannot go, or would change the meaning
        asyncio_name, import_edit = ctx.ensure_import("asyncio")
        call_text = f"await {asyncio_name}.sleep{ctx.text(node)[len(ctx.text(node.func)) :]}"
        parent = ctx.parent
        # ``await`` binds looser than attribute access, subscription and calls.
        if isinstance(parent, (ast.Attribute, ast.Subscript)) or (
            isinstance(parent, ast.Call) and parent.func is node
        ):
            call_text = f"({call_text})"
        return ctx.fix(
            f"Replace with `await {asyncio_name}.sleep(...)`",
            ctx.replace(node, call_text),
            import_edit,
        )

"""RTE103 (critical-work-in-background-tasks): Money-moving work handed to ``BackgroundTasks``."""

from __future__ import annotations

import ast

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Severity
from fastaudit.rules._support.inflect import singular
from fastaudit.rules._support.route_calls import BACKGROUND_TASKS, name_words
from fastaudit.rules.base import Rule

_MONEY_WORDS = frozenset(
    {
        "charge", "payment", "pay", "invoice", "refund", "payout", "billing", "bill",
        "transfer", "withdraw", "withdrawal", "settle", "settlement", "capture", "debit",
        "ledger", "reconcile", "chargeback", "disburse", "disbursement", "remit", "remittance",
    }
)  # fmt: skip
_NOTICE_WORDS = frozenset(
    {"email", "mail", "notify", "notification", "log", "sms", "message", "slack", "receipt",
     "alert", "audit", "push", "track", "metric", "analytics"}
)  # fmt: skip


class CriticalWorkInBackgroundTasks(Rule):
    id = "RTE103"
    name = "critical-work-in-background-tasks"
    title = "Money-moving work handed to `BackgroundTasks`"
    severity = Severity.INFO
    rationale = """
    `BackgroundTasks` run in the same worker process, after the response is sent, once:
    no retry, no record, and nothing survives a restart or a crash. That is fine for a
    welcome e-mail, not for charging a card or issuing a refund. Hand such work to a
    task queue with retries and visibility (Celery, Arq, RQ, Dramatiq). The check is
    deliberately narrow: it looks only at the name of the function given to
    `add_task(...)` on a `BackgroundTasks` parameter, and reports it when a word of that
    name is about moving money (charge, payment, invoice, refund, payout, transfer,
    settlement...) and none is about a notice (email, notify, receipt, log...).
    """
    dont = """
    from fastapi import APIRouter, BackgroundTasks

    from app.billing.service import charge_card

    router = APIRouter()


    @router.post("/subscriptions/{plan}", status_code=202)
    async def subscribe(plan: str, tasks: BackgroundTasks) -> dict:
        tasks.add_task(charge_card, plan)
        return {"plan": plan}
    """
    do = """
    from fastapi import APIRouter

    from app.billing.worker import charge_card  # an Arq/Celery task

    router = APIRouter()


    @router.post("/subscriptions/{plan}", status_code=202)
    async def subscribe(plan: str) -> dict:
        await charge_card.enqueue(plan)
        return {"plan": plan}
    """
    extra_valid = (
        """
        from fastapi import BackgroundTasks

        async def signup(tasks: BackgroundTasks):
            tasks.add_task(send_payment_receipt_email, "a@b.test")
            tasks.add_task(send_welcome_email, "a@b.test")
        """,
        # Not FastAPI's BackgroundTasks.
        """
        async def enqueue(scheduler):
            scheduler.add_task(charge_card, 10)
        """,
    )
    extra_invalid = (
        """
        from starlette.background import BackgroundTasks

        def close_order(bg: BackgroundTasks):
            bg.add_task(billing.issueRefund, 3)
        """,
    )

    calls = CallFilter.of(attrs=["add_task"])

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "add_task" and node.args):
            return
        if ctx.resolve(func.value) not in BACKGROUND_TASKS:
            return
        task = node.args[0]
        if isinstance(task, ast.Name):
            name = task.id
        elif isinstance(task, ast.Attribute):
            name = task.attr
        else:
            return
        words = [singular(w) for w in name_words(name)]
        money = next((w for w in words if w in _MONEY_WORDS), None)
        if money is None or any(w in _NOTICE_WORDS for w in words):
            return
        ctx.report(
            node,
            f"`{ctx.text(func)}({ctx.text(task)}, ...)` runs `{name}` as a background task; "
            f"its name contains `{money}`, which reads like moving money: background tasks "
            "are not retried and are lost if the worker stops; use a task queue",
        )

"""Shared by the DOC rules: reading a route decorator's methods and path for messages."""

from __future__ import annotations

import ast

from fastaudit.rules._support.route_calls import route_label, route_methods

__all__ = ["QUEUE_METHODS", "FunctionNode", "has_splat", "route_label", "route_methods"]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def has_splat(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


# Calls that hand work to a task queue: Celery, RQ, Arq, Dramatiq, TaskIQ...
QUEUE_METHODS = frozenset(
    {"delay", "apply_async", "send_task", "enqueue", "enqueue_job", "enqueue_call", "kiq"}
)

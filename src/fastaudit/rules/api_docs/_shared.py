"""Shared by the DOC rules: reading a route decorator's methods and path for messages."""

from __future__ import annotations

import ast

from fastaudit.rules._support.route_calls import keyword_arg

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def has_splat(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def route_methods(route: ast.Call) -> list[str]:
    func = route.func
    assert isinstance(func, ast.Attribute)  # a route decorator: ``owner.verb(...)``
    verb = func.attr
    if verb != "api_route":
        return [verb.upper()]
    methods = keyword_arg(route, "methods")
    if methods is not None and isinstance(methods.value, (ast.List, ast.Tuple, ast.Set)):
        return [
            e.value.upper()
            for e in methods.value.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return ["GET"]


def route_label(route: ast.Call, node: FunctionNode) -> str:
    path_node = route.args[0] if route.args else getattr(keyword_arg(route, "path"), "value", None)
    if isinstance(path_node, ast.Constant) and isinstance(path_node.value, str):
        path = path_node.value or '""'
    else:
        path = "..."
    return f"`{'/'.join(route_methods(route))} {path}` (`{node.name}`)"


# Calls that hand work to a task queue: Celery, RQ, Arq, Dramatiq, TaskIQ...
QUEUE_METHODS = frozenset(
    {"delay", "apply_async", "send_task", "enqueue", "enqueue_job", "enqueue_call", "kiq"}
)

"""Reading route decorators and their arguments: shared by the route, docs, async and test
rules."""

from __future__ import annotations

import ast
import re

# What a parameter default or ``Annotated`` marker resolves to when it injects a dependency.
DEPENDS_MARKERS = frozenset(
    {"fastapi.Depends", "fastapi.Security", "fastapi.param_functions.Security"}
)
# ``HTTPException`` as raised in a route: an error answer (DOC103), and a call that does
# no I/O (ASY106/ASY107).
HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
# What a ``BackgroundTasks`` parameter resolves to: its ``add_task(...)`` runs work after
# the response (DOC101, DOC102, RTE103).
BACKGROUND_TASKS = frozenset(
    {"fastapi.BackgroundTasks()", "starlette.background.BackgroundTasks()"}
)


def keyword_arg(call: ast.Call, name: str) -> ast.keyword | None:
    """The keyword argument ``name=`` of ``call``, if given."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword
    return None


def status_number(node: ast.expr | None) -> int | None:
    """200 for ``200``, ``"200"`` and ``status.HTTP_200_OK``."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str) and node.value.isdigit():
            return int(node.value)
    if isinstance(node, ast.Attribute):
        match = re.match(r"HTTP_(\d{3})(?:_|$)", node.attr)
        if match:
            return int(match.group(1))
    return None


def name_words(name: str) -> list[str]:
    """``createOrder`` / ``create_order`` -> ``["create", "order"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w.lower() for w in re.split(r"[_\W]+", spaced) if w]

"""Helpers several SEC rules share: a call's keyword argument, and the constant a name
stands for when this module binds it once to a literal (``ORIGINS = ["*"]``)."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as ``name=`` to ``call``, if any."""
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    """Whether ``**kwargs`` may pass more keywords than the call spells out."""
    return any(item.arg is None for item in call.keywords)


def module_literal(ctx: FileContext, node: ast.expr) -> ast.expr:
    """``node`` itself, or for a bare name bound exactly once at the top of this module
    (and not shadowed where it is read), the expression it was bound to. Anything else
    (a setting, a parameter, a name assigned twice) is returned unchanged: it is not a
    literal the code fixes."""
    if not isinstance(node, ast.Name) or not ctx.is_module_binding(node.id):
        return node
    bound: list[ast.expr] = []
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == node.id for t in stmt.targets):
                bound.append(stmt.value)
        elif (
            isinstance(stmt, (ast.AnnAssign, ast.AugAssign))
            and isinstance(stmt.target, ast.Name)
            and stmt.target.id == node.id
        ):
            if stmt.value is None:
                continue
            bound.append(stmt.value)
            if isinstance(stmt, ast.AugAssign):
                bound.append(stmt.value)  # a second binding: not one literal
    return bound[0] if len(bound) == 1 else node


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def string_value(node: ast.expr | None) -> str | None:
    """The text of a plain string literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None

"""Helpers two or more LIB rules use: an expression shown in a message, a module-name
test, and whether a ``jwt.decode`` call names its algorithms (LIB101 and LIB104)."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FileContext


def _shown(ctx: FileContext, node: ast.AST, limit: int = 60) -> str | None:
    """The node's source as `code` for a message, when it is short and on one line."""
    text = ctx.text(node)
    return f"`{text}`" if len(text) <= limit and "\n" not in text else None


def _is_module(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def _missing_algorithms(call: ast.Call) -> str | None:
    """How a decode call fails to name its algorithms: "without" (not passed),
    "none" (``algorithms=None``), or None when they are given (or may be, through
    ``*args``/``**kwargs``, or are not needed because nothing is verified)."""
    if len(call.args) >= 3 or any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    given = None
    for keyword in call.keywords:
        if keyword.arg is None:
            return None  # **kwargs may carry algorithms
        if keyword.arg == "algorithms":
            given = keyword.value
    if given is not None and not (isinstance(given, ast.Constant) and given.value is None):
        return None
    if _skips_signature(call):
        return None
    return "none" if given is not None else "without"


def _skips_signature(call: ast.Call) -> bool:
    """True for ``options={"verify_signature": False}`` (or PyJWT 1's ``verify=False``):
    nothing is verified, so no algorithm is needed (SEC103 reports the unverified read)."""
    for keyword in call.keywords:
        if (
            keyword.arg == "verify"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is False
        ):
            return True
        if keyword.arg == "options" and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "verify_signature"
                    and isinstance(value, ast.Constant)
                    and value.value is False
                ):
                    return True
    return False

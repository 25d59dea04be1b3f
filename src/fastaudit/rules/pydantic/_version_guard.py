"""Code that runs only under Pydantic v1: the branch of a version check.

Libraries that support both majors keep the v1 API on purpose, behind a test:
``if is_v2_model(m): m.model_dump_json() else: m.json()``, ``if PYDANTIC_V2: ...``,
``if hasattr(m, "model_dump"): ...``, ``if pydantic.VERSION.startswith("1."): ...``.
:func:`v1_only_parts` names the parts of an ``if`` (or a conditional expression) that
such a test confines to v1, so a rule about the v1 API can leave them alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from fastaudit.engine.context import FileContext
from fastaudit.engine.walk import walk

# ``is_v2_model``, ``_is_pydantic_v2``, ``IS_PYDANTIC_V2``, ``PYDANTIC_V1``.
_MAJOR_WORD = re.compile(r"(?:^|_)v([12])(?:_|$)", re.IGNORECASE)
_PYDANTIC_FLAG = re.compile(r"pydantic_?(?:v|version_?)?([12])(?:_|$)", re.IGNORECASE)

# What a test says when true: "v2" (every v2 passes it) or "v1" (only v1 passes it).
_Claim = str | None


def v1_only_parts(node: ast.If | ast.IfExp, ctx: FileContext) -> list[ast.AST]:
    """The branches of ``node`` that run only under Pydantic v1, and, for an ``if``
    whose v2 branch ends in ``return``/``raise`` with no ``else``, the statements after
    it in the same block (``if is_v2(m): return m.model_dump()`` then ``return m.dict()``)."""
    test = node.test
    parts: list[ast.AST] = []
    # Each single test's claim, worked out once for both questions.
    claims: dict[int, _Claim] = {}

    def claim_of(single: ast.expr) -> _Claim:
        key = id(single)
        if key not in claims:
            claims[key] = _claim(single, ctx)
        return claims[key]

    when_true, when_false = _implies(test, claim_of, "v1"), _implies(test, claim_of, "v2")
    if isinstance(node, ast.IfExp):
        if when_true:
            parts.append(node.body)
        if when_false:
            parts.append(node.orelse)
        return parts
    if when_true:
        parts.extend(node.body)
    if when_false:
        parts.extend(node.orelse)
        if not node.orelse and node.body and isinstance(node.body[-1], ast.Return | ast.Raise):
            parts.extend(_following(node, ctx.parent))
    return parts


def _following(node: ast.stmt, parent: ast.AST | None) -> list[ast.stmt]:
    """The statements after ``node`` in the block of ``parent`` that holds it."""
    if parent is None:
        return []
    for _, value in ast.iter_fields(parent):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if item is node:
                    return value[index + 1 :]
    return []


def _implies(test: ast.expr, claim_of: Callable[[ast.expr], _Claim], claim: str) -> bool:
    """Whether ``test`` lets only Pydantic v1 through when true (``claim`` "v1"), or
    every Pydantic v2 (``claim`` "v2": where it fails, v1 is running). ``claim_of``:
    what a single test says when true."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _implies(test.operand, claim_of, "v2" if claim == "v1" else "v1")
    if isinstance(test, ast.BoolOp):
        # ``a and b`` confines to v1 when one operand does; ``a or b`` when all do; and
        # the other way round for letting every v2 through.
        check = any if isinstance(test.op, ast.And) == (claim == "v1") else all
        return check(_implies(value, claim_of, claim) for value in test.values)
    return claim_of(test) == claim


def _claim(test: ast.expr, ctx: FileContext) -> _Claim:
    """What a single version test says when true."""
    if isinstance(test, ast.Name | ast.Attribute):
        name = test.id if isinstance(test, ast.Name) else test.attr
        flag = _PYDANTIC_FLAG.search(name)
        return f"v{flag.group(1)}" if flag else None
    if isinstance(test, ast.Call):
        return _call_claim(test, ctx)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _compare_claim(test.left, test.ops[0], test.comparators[0], ctx)
    return None


def _call_claim(call: ast.Call, ctx: FileContext) -> _Claim:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name == "hasattr" and len(call.args) == 2:
        attribute = call.args[1]
        if (
            isinstance(attribute, ast.Constant)
            and isinstance(attribute.value, str)
            and attribute.value.startswith("model_")
        ):
            return "v2"  # only v2 models have the ``model_`` API
        return None
    if name == "startswith" and isinstance(func, ast.Attribute) and len(call.args) == 1:
        major = _major(call.args[0])
        if major is not None and _is_version(func.value, ctx):
            return "v2" if major == 2 else "v1" if major == 1 else None
        return None
    word = _MAJOR_WORD.search(name)
    return f"v{word.group(1)}" if word else None


_FLIPPED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt,
    ast.Gt: ast.Lt,
    ast.LtE: ast.GtE,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}


def _compare_claim(left: ast.expr, op: ast.cmpop, right: ast.expr, ctx: FileContext) -> _Claim:
    """``PYDANTIC_VERSION >= "2"``, ``pydantic.VERSION < (2,)``, ``2 <= MAJOR``..."""
    kind = type(op)
    if _major(left) is not None and kind in _FLIPPED:
        left, right, kind = right, left, _FLIPPED[kind]
    major = _major(right)
    if major is None or not _is_version(left, ctx):
        return None
    # v2 for every v2 (and maybe later majors), v1 for v1 alone (or earlier ones).
    if (kind is ast.GtE and major == 2) or (kind is ast.Gt and major == 1):
        return "v2"
    if (kind is ast.Eq and major == 2) or (kind is ast.NotEq and major == 1):
        return "v2"
    if (kind is ast.Lt and major == 2) or (kind is ast.Eq and major == 1):
        return "v1"
    if kind is ast.NotEq and major == 2:
        return "v1"
    return None


def _major(node: ast.expr) -> int | None:
    """The major version a constant names exactly: ``2``, ``"2"``, ``"2."``, ``"2.0"``,
    ``(2, 0)``, ``Version("2.0")`` (not ``"2.5"``: 2.0 to 2.4 fall on the other side)."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if isinstance(node, ast.Tuple) and node.elts:
        parts: list[object] = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts = [int(p) if p.isdigit() else p for p in node.value.rstrip(".").split(".")]
    elif isinstance(node, ast.Constant):
        parts = [node.value]
    else:
        return None
    major, rest = parts[0], parts[1:]
    if isinstance(major, bool) or not isinstance(major, int) or any(p != 0 for p in rest):
        return None
    return major


def _is_version(node: ast.expr, ctx: FileContext) -> bool:
    """An expression about Pydantic's version: ``pydantic.VERSION``,
    ``PYDANTIC_MAJOR_VERSION``, ``int(VERSION.split(".")[0])`` after ``from pydantic
    import VERSION``."""
    if not _spells_pydantic(ctx):
        return False  # neither the expression's text nor a name it reads can say it
    if _spells_version(node) and _names_version(ast.unparse(node)):
        return True
    return any(
        isinstance(inner, ast.Name | ast.Attribute) and _names_version(ctx.resolve(inner) or "")
        for inner in walk(node)
    )


def _spells_pydantic(ctx: FileContext) -> bool:
    """Whether the word is in the file's text or its module's name (which names the
    file's own definitions and its relative imports resolve under), in any case: kept
    per file, as every comparison with a number in an ``if`` asks."""
    key = ("spells-pydantic",)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = "pydantic" in ctx.source.folded or "pydantic" in ctx.module.lower()
    return bool(found)


def may_guard_versions(ctx: FileContext) -> bool:
    """Whether any test in the file could say which Pydantic runs: each test
    ``v1_only_parts`` reads spells ``pydantic`` (in the text or the module's name),
    ``model_`` (``hasattr(m, "model_dump")``) or ``v1``/``v2`` in some case (``IS_V2``,
    ``is_v1()``). Kept per file."""
    key = ("may-guard-versions",)
    found = ctx.memo.get(key)
    if found is None:
        folded = ctx.source.folded
        found = ctx.memo[key] = (
            _spells_pydantic(ctx) or "model_" in ctx.source.text or "v1" in folded or "v2" in folded
        )
    return bool(found)


def _spells_version(node: ast.expr) -> bool:
    """Whether the word ``version`` is in some piece of ``node`` its written form could
    hold it in (a name, an attribute, a keyword, a parameter, a string): asked before
    ``ast.unparse``, which costs far more, of every comparison with a small number."""
    for inner in walk(node):
        if isinstance(inner, ast.Name):
            piece = inner.id
        elif isinstance(inner, ast.Attribute):
            piece = inner.attr
        elif isinstance(inner, ast.keyword | ast.arg):
            piece = inner.arg or ""
        elif isinstance(inner, ast.Constant) and isinstance(inner.value, str | bytes):
            value = inner.value
            piece = value if isinstance(value, str) else value.decode("latin-1")
        else:
            continue
        if "version" in piece.lower():
            return True
    return False


def _names_version(text: str) -> bool:
    lowered = text.lower()
    return "pydantic" in lowered and "version" in lowered

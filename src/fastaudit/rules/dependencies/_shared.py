"""What the two DEP rules share: finding the markers written as defaults (`conversions`),
the signature rewrite that moves them into ``Annotated`` (`Signature`), the detector
base `MarkerDefaultRule`, and the fix-safety text both rules document."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

from fastaudit.engine.context import FileContext, shared_visitor
from fastaudit.engine.edit_builders import (
    indentation_of_line,
    insert_before,
    insert_line_before,
    line_prefix,
    reindented,
    remove_call_argument,
    with_subscript_element,
)
from fastaudit.model import Edit, Fix, Safety
from fastaudit.rules._support.direct_calls import DIRECT_CALL, MARKER_FIX
from fastaudit.rules._support.messages import one_line
from fastaudit.rules.base import Rule

_DEPENDENCY_MARKERS = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.params.Depends",
        "fastapi.params.Security",
        "fastapi.param_functions.Depends",
        "fastapi.param_functions.Security",
    }
)
_PARAMETER_KINDS = ("Query", "Path", "Header", "Body", "Cookie", "Form", "File")
_PARAMETER_MARKERS = frozenset(
    f"{module}.{kind}"
    for module in ("fastapi", "fastapi.params", "fastapi.param_functions")
    for kind in _PARAMETER_KINDS
)
_GAP = re.compile(r"\s*=\s*")
_SHORT = 60


def shown_call(ctx: FileContext, call: ast.Call, text: str | None = None) -> str:
    """A call as a message shows it: whole when short and on one line, else
    ``Depends(...)``."""
    text = ctx.text(call) if text is None else text
    if "\n" in text or "#" in text or len(text) > _SHORT:
        return f"{one_line(ctx.text(call.func))}(...)"
    return text


# --------------------------------------------------------------------- the analysis
@dataclass(slots=True)
class Conversion:
    """One parameter whose default is a FastAPI marker, and how to rewrite it."""

    arg: ast.arg
    call: ast.Call  # the marker call in the default slot
    callee: str  # its qualified name
    kind: str  # "dependency" | "parameter"
    positional: int | None  # index among positional parameters, None if keyword-only
    marker: str | None  # marker text for Annotated[...], None when it cannot be built
    default: str | None  # the plain default kept after the rewrite
    has_default_after: bool  # whether the parameter still has a default afterwards


def _marker_of(ctx: FileContext, call: ast.Call) -> tuple[str | None, str | None, bool]:
    """For ``Query(None, max_length=5)``: the marker text without its default, the
    default text, and whether a plain default remains (``...`` means required; a
    ``default_factory=`` stays in the marker and leaves no plain default)."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None, None, False  # *args/**kwargs could hold the default: unknown
    keyword = next((k for k in call.keywords if k.arg == "default"), None)
    if keyword is not None and call.args:
        return None, None, False  # both forms at once: FastAPI would reject it anyway
    holder: ast.keyword | ast.expr | None = (
        keyword if keyword is not None else (call.args[0] if call.args else None)
    )
    if holder is None:
        return ctx.text(call), None, False
    value = holder.value if isinstance(holder, ast.keyword) else holder
    edit = remove_call_argument(ctx, call, holder)
    if edit is None:
        return None, None, False
    start, _ = ctx.offsets(call)
    whole = ctx.text(call)
    marker = whole[: edit.start - start] + edit.text + whole[edit.end - start :]
    required = (isinstance(value, ast.Constant) and value.value is Ellipsis) or (
        isinstance(value, ast.Name) and ctx.resolve(value) == "builtins.Ellipsis"
    )
    if required:
        return marker, None, False
    return marker, ctx.text(value), True


def conversions(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> list[Conversion]:
    """Every parameter of ``node`` with a FastAPI marker as its default (asked by DEP101
    and DEP102 of every function: worked out once)."""
    args = node.args
    if not args.defaults and not any(args.kw_defaults):
        return []
    key = ("marker-conversions", id(node))
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _conversions(node, ctx)
    return list(found)


def _conversions(
    node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> list[Conversion]:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    found: list[Conversion] = []
    # (parameter, its default, its index among the positional ones: None if keyword-only)
    pairs: list[tuple[ast.arg, ast.expr | None, int | None]] = [
        (arg, default, i) for i, (arg, default) in enumerate(zip(positional, defaults, strict=True))
    ]
    pairs += [
        (arg, default, None) for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    for arg, default, index in pairs:
        if not isinstance(default, ast.Call):
            continue
        callee = ctx.resolve(default.func)
        if callee in _DEPENDENCY_MARKERS:
            found.append(
                Conversion(
                    arg, default, callee, "dependency", index, ctx.text(default), None, False
                )
            )
        elif callee in _PARAMETER_MARKERS:
            marker, plain, keeps = _marker_of(ctx, default)
            found.append(Conversion(arg, default, callee, "parameter", index, marker, plain, keeps))
    return found


@dataclass(slots=True)
class Rewrite:
    """The edits that put one parameter's marker into ``Annotated[...]``."""

    edits: list[Edit | None]
    notes: list[str]


def rewrite(conversion: Conversion, ctx: FileContext) -> Rewrite | None:
    """Edits for one parameter on its own (the ``Annotated`` import included), or None
    when the text around it is too unusual to rewrite with confidence."""
    arg, call, marker = conversion.arg, conversion.call, conversion.marker
    if marker is None:
        return None
    notes: list[str] = []
    annotated, import_edit = ctx.ensure_import("typing", "Annotated")
    edits: list[Edit | None] = [import_edit]
    annotation = arg.annotation
    call_start, call_end = ctx.offsets(call)
    if annotation is not None:
        start, annotation_end = ctx.offsets(annotation)
        merged = merge_into_annotated(annotation, marker, ctx)
        if merged is False:
            return None
        new = (
            merged
            or ("\n" in marker and _exploded(ctx, conversion, annotation, marker, annotated))
            or f"{annotated}[{ctx.text(annotation)}, {marker}]"
        )
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            notes.append(
                f"`{arg.arg}` has a string annotation: check FastAPI resolves it inside `Annotated`"
            )
    else:
        if not call.args and not call.keywords and conversion.kind == "dependency":
            return None  # a bare Depends() builds its annotation: there is none to keep
        start = annotation_end = ctx.offsets(arg)[1]
        any_name, any_edit = ctx.ensure_import("typing", "Any")
        edits.append(any_edit)
        new = f": {annotated}[{any_name}, {marker}]"
        notes.append(f"`{arg.arg}` had no annotation: replace `{any_name}` with its type")
    if not _GAP.fullmatch(ctx.source.text[annotation_end:call_start]):
        return None  # parentheses or comments around the default: leave it to a person
    if conversion.default is not None:
        new += f" = {conversion.default}"
        if (
            conversion.default == "None"
            and annotation is not None
            and not _admits_none(annotation, ctx)
        ):
            # ``x: str = Query(None)`` type-checks (a marker is ``Any``); ``x: str = None``
            # does not. Writing ``str | None`` would change the OpenAPI schema instead.
            notes.append(
                f"the default `None` moves into the signature while `{ctx.text(annotation)}` "
                "does not admit None: type checkers and ruff's RUF013 (implicit Optional) "
                "report it there; add `| None` if None is a value the route accepts"
            )
        if _MUTABLE_DEFAULT.match(conversion.default):
            notes.append(
                f"the default `{conversion.default}` moves into the signature: FastAPI "
                "copies it for each request, but linters report a mutable argument default "
                "there (ruff's B006)"
            )
    edits.append(Edit(start, call_end, new))
    return Rewrite(edits, notes)


def _exploded(
    ctx: FileContext, conversion: Conversion, annotation: ast.expr, marker: str, annotated: str
) -> str | None:
    """A marker call that spanned lines, laid out one item a line with trailing commas,
    as black and ``ruff format`` keep it (a trailing comma holds a bracket open)::

        name: Annotated[
            str,
            Query(
                description="...",
            ),
        ]

    Seen on real code (lnbits): moving a multi-line ``Query(...)`` into ``Annotated[``
    as it was written left a layout the project's formatter rejected. None when the
    parameter does not start its own line, or the type, an argument or a comment spans
    or sits among the lines (then the marker moves as written).

    The call laid out must be the marker, argument for argument: a session of this
    layout once dropped the dependency of a multi-line ``Depends(get_x)`` (taking its
    first argument for a default), and prefect's server answered 422."""
    arg, call = conversion.arg, conversion.call
    if line_prefix(ctx, arg).strip() or _has_comment(ctx.text(call)):
        return None
    outer = indentation_of_line(ctx, arg.lineno)
    if outer.strip(" "):
        return None  # tabs: not a layout to build on
    kept: list[ast.keyword | ast.expr] = [*call.args, *call.keywords]
    if conversion.kind == "parameter":
        # ``Query(None, ...)`` / ``Query(default=None, ...)``: the default leaves the
        # marker (``_marker_of``). A dependency's first argument is what it calls.
        default = next((k for k in call.keywords if k.arg == "default"), None)
        if default is not None:
            kept.remove(default)
        elif call.args:
            kept.remove(call.args[0])
    kept.sort(key=lambda item: (item.lineno, item.col_offset))
    one, two = outer + " " * 4, outer + " " * 8
    # An argument over several lines (``description=(...)``) moves in one level deeper.
    arguments = [reindented(ctx, item, two) for item in kept]
    kind, callee = ctx.text(annotation), ctx.text(call.func)
    if "\n" in kind + callee or any(argument is None for argument in arguments):
        return None
    lines = "".join(f"{two}{argument},\n" for argument in arguments if argument is not None)
    laid_out = f"{callee}(\n{lines}{one})" if lines else f"{callee}()"
    if not _same_expression(laid_out, marker):
        return None
    return f"{annotated}[\n{one}{kind},\n{one}{laid_out},\n{outer}]"


def _same_expression(one: str, other: str) -> bool:
    """Whether two texts are the same expression, whatever their layout."""
    try:
        first = ast.parse(f"({one.strip()})", mode="eval")
        second = ast.parse(f"({other.strip()})", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return ast.dump(first) == ast.dump(second)


def _has_comment(text: str) -> bool:
    import io
    import tokenize

    try:
        return any(
            token.type == tokenize.COMMENT
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
        )
    except (tokenize.TokenError, SyntaxError, ValueError):
        return True


def _admits_none(annotation: ast.expr, ctx: FileContext) -> bool:
    """Whether ``annotation`` lets None through (``X | None``, ``Optional[X]``, a
    ``Union`` with None, ``Any``, ``None``); a string annotation is not read (it gets
    its own note) and counts as admitting."""
    if isinstance(annotation, ast.Constant):
        return annotation.value is None or isinstance(annotation.value, str)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _admits_none(annotation.left, ctx) or _admits_none(annotation.right, ctx)
    if isinstance(annotation, ast.Subscript):
        outer = ctx.resolve(annotation.value) or ""
        inner = annotation.slice
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if outer in ("typing.Optional", "typing_extensions.Optional"):
            return True
        if outer in ("typing.Union", "typing_extensions.Union"):
            return any(_admits_none(item, ctx) for item in items)
        if outer in ("typing.Annotated", "typing_extensions.Annotated") and items:
            return _admits_none(items[0], ctx)
        return False
    return ctx.resolve(annotation) in ("typing.Any", "typing_extensions.Any", "builtins.object")


# A default that is a new mutable value: a list, dict or set display or constructor.
_MUTABLE_DEFAULT = re.compile(r"\s*(\[|\{|(list|dict|set)\(\s*\)\s*$)")


@dataclass(slots=True)
class Signature:
    """What one signature's rewrites must agree on to keep it valid together.

    Python wants every positional parameter after the first one with a default
    (``first_default``) to have a default too. A rewrite that drops the default of a
    later positional parameter ``k`` therefore either takes along every parameter
    between ``first_default`` and ``k`` (when all of them lose their default anyway:
    the usual run of several ``Depends``), or, when one of them keeps a default,
    inserts a bare ``*`` before ``point``, the first such parameter. Every rewrite of
    the signature uses the same edits for the same parameter and the same ``*``
    insertion, so identical edits are applied once, and any subset of the fixes, in
    one round or over several, leaves a valid signature.
    """

    node: ast.FunctionDef | ast.AsyncFunctionDef
    found: list[Conversion]
    first_default: int
    point: int | None
    star_possible: bool
    _rewrites: dict[int, Rewrite | None]

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef, found: list[Conversion]) -> Signature:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        first_default = len(positional) - len(args.defaults)
        losing = sorted(
            c.positional
            for c in found
            if c.positional is not None and not c.has_default_after and c.positional > first_default
        )
        point = losing[0] if losing else None
        possible = (
            point is not None
            and args.vararg is None
            and not args.kwonlyargs  # a bare ``*`` is already there
            and point >= len(args.posonlyargs)
        )
        return cls(node, found, first_default, point, possible, {})

    def rewrite(self, conversion: Conversion, ctx: FileContext) -> Rewrite | None:
        key = id(conversion)
        if key not in self._rewrites:
            self._rewrites[key] = rewrite(conversion, ctx)
        return self._rewrites[key]

    def fix(self, conversion: Conversion, description: str, ctx: FileContext) -> Fix | None:
        own = self.rewrite(conversion, ctx)
        if own is None:
            return None
        edits, notes = list(own.edits), list(own.notes)
        index = conversion.positional
        if index is not None and not conversion.has_default_after and index > self.first_default:
            by_index = {c.positional: c for c in self.found if c.positional is not None}
            earlier = [by_index.get(i) for i in range(self.first_default, index)]
            taken = [
                self.rewrite(c, ctx) if c is not None and not c.has_default_after else None
                for c in earlier
            ]
            rewrites = [r for r in taken if r is not None]
            if len(rewrites) == len(taken):
                for r in rewrites:
                    edits.extend(r.edits)
                    notes.extend(r.notes)
                # Each one rewrites, so each is a conversion (the test tells the checker).
                names = ", ".join(f"`{c.arg.arg}`" for c in earlier if c is not None)
                description += f", with {names} before it"
            elif self.star_possible and self.point is not None:  # possible implies a point
                edits.append(self.star_edit(self.point, ctx))
                first = self.positional[self.point].arg
                notes.append(
                    f"a `*` goes before `{first}`, so it and the parameters after it "
                    "become keyword-only (a parameter without a default cannot follow "
                    "one with a default): calls passing them by position must name them"
                )
            else:
                return None
        notes = list(dict.fromkeys(notes))
        unique = dict.fromkeys(e for e in edits if e is not None)  # one import, not two
        return ctx.fix(description, *unique, safe=not notes, note="; ".join(notes))

    @property
    def positional(self) -> list[ast.arg]:
        return [*self.node.args.posonlyargs, *self.node.args.args]

    def star_edit(self, point: int, ctx: FileContext) -> Edit:
        """A bare ``*`` before the parameter at ``point``; on its own line when that
        parameter starts a line, so one-per-line signatures keep their shape."""
        target = self.positional[point]
        return insert_line_before(ctx, target, "*,") or insert_before(ctx, target, "*, ")


def merge_into_annotated(
    annotation: ast.expr, marker: str, ctx: FileContext
) -> str | Literal[False] | None:
    """``Annotated[int, Gt(0)]`` gets the marker appended inside it. False when it
    already holds a FastAPI marker (two markers: no safe rewrite), None when the
    annotation is not an ``Annotated[...]``."""
    if not (
        isinstance(annotation, ast.Subscript)
        and ctx.resolve(annotation.value) == "typing.Annotated"
        and isinstance(annotation.slice, ast.Tuple)
        and annotation.slice.elts
    ):
        return None
    elements = annotation.slice.elts
    for element in elements[1:]:
        if isinstance(element, ast.Call) and ctx.resolve(element.func) in (
            _DEPENDENCY_MARKERS | _PARAMETER_MARKERS
        ):
            return False
    return with_subscript_element(ctx, annotation, marker)


# --------------------------------------------------------------------- the rules
class MarkerDefaultRule(Rule):
    """Shared detector for a FastAPI marker used as a parameter's default."""

    kind: ClassVar[str] = ""

    def __init__(self) -> None:
        self._calls: set[str] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self.check(node, ctx)

    @shared_visitor
    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        """Note direct calls of the project's own functions: a route whose markers move
        into ``Annotated`` loses its parameter defaults, which a direct call may rely on
        (settled across files by ``direct_call_vetoes``)."""
        func = node.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return
        target = ctx.resolve(func)
        if target is None:
            # ``self.list_items()``, ``view.list_items()``: a method of some object, known
            # by its name only; a bare name: a function of this module, most likely.
            target = f".{func.attr}" if isinstance(func, ast.Attribute) else ctx.qualify(func.id)
        elif not ctx.is_own(target):
            return  # a library's function: it cannot be one of ours
        else:
            target = target.replace("().", ".")  # ``self.f()`` resolves as ``mod.C().f``
        if target not in self._calls:
            self._calls.add(target)
            ctx.add_fact(DIRECT_CALL, (target, node.lineno))

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self.check(node, ctx)

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        # Visited before the body is entered: defaults and annotations resolve in the
        # enclosing scope, exactly where Python evaluates them.
        found = conversions(node, ctx)
        if not any(c.kind == self.kind for c in found):
            return
        signature = Signature.of(node, found)
        for conversion in found:
            if conversion.kind == self.kind:
                self.report(node, conversion, signature, ctx)

    def report(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        conversion: Conversion,
        signature: Signature,
        ctx: FileContext,
    ) -> None:
        arg, call = conversion.arg, conversion.call
        if _wraps_injector_provider(call, ctx):
            # ``Depends(Provide[Container.service])``: dependency-injector's idiom, whose
            # ``@inject`` fills the parameter on direct calls too; before 4.46 it reads
            # its markers from defaults only, so the rewrite would stop the injection.
            return
        name = arg.arg
        written = shown_call(ctx, call)
        if arg.annotation is not None:
            annotation = one_line(ctx.text(arg.annotation))
            before = f"{name}: {annotation} = {written}"
            wanted_type = annotation
        else:
            before = f"{name}={written}"
            wanted_type = "<type>"
        marker_shown = shown_call(ctx, call, conversion.marker)
        merged = (
            merge_into_annotated(arg.annotation, marker_shown, ctx)
            if arg.annotation is not None
            else None
        )
        if isinstance(merged, str):
            after = f"{name}: {one_line(merged)}"  # already an Annotated[...]: one more item
        else:
            after = f"{name}: Annotated[{wanted_type}, {marker_shown}]"
        if conversion.default is not None:
            after += f" = {one_line(conversion.default, _SHORT)}"
        what = f"`{_short_name(call)}(...)`"
        fix = signature.fix(conversion, f"Move {what} of `{name}` into `Annotated[...]`", ctx)
        if fix is not None:
            injector = _injector_marker(node, call, ctx)
            if injector:
                fix = _unsafe(fix, injector)
            elif fix.safety is Safety.SAFE and not conversion.has_default_after:
                owner = f"{ctx.class_name}." if ctx.class_name else ""
                qualname = f"{ctx.module}.{owner}{node.name}"
                ctx.add_fact(MARKER_FIX, (arg.lineno, qualname, bool(ctx.class_name)))
        ctx.report(arg, f"`{before}` in `{node.name}`: use `{after}`", end=call, fix=fix)


_INJECTOR = "dependency_injector."


def _wraps_injector_provider(call: ast.Call, ctx: FileContext) -> bool:
    """``Depends(Provide[...])``: the marker hands dependency-injector's provider over."""
    provided = call.args[0] if call.args else None
    if isinstance(provided, ast.Subscript):
        provided = provided.value
    return provided is not None and (ctx.resolve(provided) or "").startswith(_INJECTOR)


def _injector_marker(
    node: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, ctx: FileContext
) -> str:
    """Why the rewrite may break dependency-injector's wiring, or ""."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (ctx.resolve(target) or "").startswith(_INJECTOR):
            return (
                "the function is wired by dependency-injector's `@inject`, which in "
                "releases before 4.46 reads its markers from parameter defaults only"
            )
    return ""


def _unsafe(fix: Fix, reason: str) -> Fix:
    note = f"{fix.note}; {reason}" if fix.note else reason
    return replace(fix, safety=Safety.UNSAFE, note=note)


def _short_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return "marker"


_FIX_SAFETY = (
    "Safe when the parameter has an annotation and the signature stays valid: FastAPI "
    "reads `Annotated[T, marker] = default` exactly as it read the default-argument form "
    "(FastAPI >= 0.95, Python >= 3.9). When the parameter loses its default and earlier "
    "ones that also lose theirs would otherwise come first with a default, the fix "
    "rewrites those too. Unsafe, with a note, when the parameter had no annotation "
    "(`Any` is written in its place), when the annotation is a string, or when a bare `*` "
    "must be inserted because a parameter before it keeps a default (the parameters from "
    "there on become keyword-only). No fix when the default is wrapped in parentheses or "
    "comments, when `*args` or a bare `*` already stands where the new `*` would go, or "
    "for a bare `Depends()` without annotation. Unsafe while the project's lock or "
    "declared floor admits a FastAPI older than 0.95."
)

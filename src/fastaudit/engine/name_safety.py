"""Does a fix keep every name meaning what it meant? A check on the fixed source.

A fix can produce valid syntax and still break a program at run time: the STR102 fix
once added ``from app.user import repository as user_repository`` and rewrote uses to
``user_repository.UserRepository`` inside functions that have a local variable called
``user_repository``, which then raised ``UnboundLocalError``. Re-parsing cannot see
that; comparing the scopes of the file before and after can.

Both versions are read into the same scope model (module, class, function, lambda,
comprehension), keyed by where each scope sits (``function:get_user#0``), and compared:

* a reference that existed before must resolve to the same scope after;
* a reference the fix adds must resolve somewhere, and not to a local that shadows a
  module-level name of the same spelling (the import the fix meant);
* no scope gains a second binding of a name it already bound (a duplicated import, an
  import over a function of the same name).

Anything the model cannot follow (deep nesting, a file that no longer parses) is a
problem too: a fix that cannot be proved safe is not safe.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import warnings
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fastaudit.engine.edits import apply_edits
from fastaudit.engine.walk import own_statements, walk
from fastaudit.model import Edit, Finding, Fix, Safety
from fastaudit.project.source import LINE_END, SourceText

# Names every module has without binding them.
_MODULE_DUNDERS = frozenset(
    {
        "__name__",
        "__file__",
        "__doc__",
        "__spec__",
        "__loader__",
        "__package__",
        "__builtins__",
        "__path__",
        "__annotations__",
        "__dict__",
        "__debug__",
    }
)
_BUILTINS = frozenset(dir(builtins)) | _MODULE_DUNDERS
BUILTIN = "builtin"
UNDEFINED = "undefined"


@dataclass(slots=True, eq=False)
class ScopeFacts:
    key: str
    kind: str  # "module" | "class" | "function" | "comprehension"
    name: str
    line: int
    parent: ScopeFacts | None
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    # How many statements bind each name here (an import, a def, an assignment...).
    binding_sites: Counter[str] = field(default_factory=Counter)
    # (local name, what it imports) -> how many import statements bind it.
    imports: Counter[tuple[str, str]] = field(default_factory=Counter)
    loads: Counter[str] = field(default_factory=Counter)
    has_star_import: bool = False
    children: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        if self.kind == "module":
            return "the module"
        label = {"function": "function", "class": "class"}.get(self.kind, self.kind)
        return f"{label} `{self.name}` (line {self.line})"


class _ScopeBuilder(ast.NodeVisitor):
    """One pass that files every binding and every read under the scope it belongs to."""

    def __init__(self, declares: bool = True) -> None:
        # False when the text has no ``global`` or ``nonlocal`` statement to look for
        # (``may_declare``): each function's body then needs no walk of its own first.
        self.declares = declares
        self.module = ScopeFacts(key="module", kind="module", name="", line=1, parent=None)
        self.scopes: dict[str, ScopeFacts] = {"module": self.module}
        self.current = self.module
        # Added to the line of each scope opened (``scopes_of``'s ``shifts``).
        self.line_shift = 0

    # What ``ast.NodeVisitor`` does, without its per-node string building and
    # ``iter_fields`` generator: a proof walks the file twice (before and after the fix)
    # for every file with a safe fix, in the scan's hot path.
    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        method = _VISITORS.get(kind) or _visitor(kind)
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        kind = type(node)
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            # Expression contexts and operators hold nothing to file.
            fields = _CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f not in _LEAF_FIELDS)
        ast_type = ast.AST
        visitors = _VISITORS
        # Each child's visitor called here, not through ``visit``: a call less a node.
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast_type):
                        child = type(item)
                        (visitors.get(child) or _visitor(child))(self, item)
            elif isinstance(value, ast_type):
                child = type(value)
                (visitors.get(child) or _visitor(child))(self, value)

    # --------------------------------------------------------------- scopes
    def _open(self, kind: str, name: str, line: int) -> ScopeFacts:
        parent = self.current
        tag = f"{kind}:{name}"
        ordinal = parent.children[tag]
        parent.children[tag] += 1
        scope = ScopeFacts(
            key=f"{parent.key}/{tag}#{ordinal}",
            kind=kind,
            name=name,
            line=line + self.line_shift,
            parent=parent,
        )
        self.scopes[scope.key] = scope
        return scope

    def _bind(self, name: str, *, site: bool = True) -> None:
        scope = self.current
        if name in scope.declared_global:
            scope = self.module
        elif name in scope.declared_nonlocal:
            scope = _enclosing_binder(scope, name) or scope
        scope.bound.add(name)
        if site:
            scope.binding_sites[name] += 1

    def _walk_in(self, scope: ScopeFacts, nodes: list[ast.AST]) -> None:
        saved = self.current
        self.current = scope
        for node in nodes:
            self.visit(node)
        self.current = saved

    def _visit_all(self, nodes: Sequence[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    # ----------------------------------------------------------- definitions
    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, body: bool = True
    ) -> None:
        """``body``: False to file the def's header alone (what its statement binds and
        reads where it stands) and leave its body unread (``scopes_of``'s ``headers``)."""
        args = node.args
        # Decorators, defaults and annotations are evaluated where the def stands.
        self._visit_all([*args.defaults, *args.kw_defaults])
        if not isinstance(node, ast.Lambda):
            self._visit_all(node.decorator_list)
            for arg in _all_args(args):
                if arg.annotation is not None:
                    self.visit(arg.annotation)
            if node.returns is not None:
                self.visit(node.returns)
            self._bind(node.name)
            name = node.name
        else:
            name = "lambda"
        scope = self._open("function", name, node.lineno)
        for arg in _all_args(args):
            scope.bound.add(arg.arg)
            scope.binding_sites[arg.arg] += 1
        if not body:
            return
        statements = node.body if isinstance(node.body, list) else [node.body]
        saved = self.current
        self.current = scope
        if self.declares and not isinstance(node, ast.Lambda):
            self._declare(node.body)
        for stmt in statements:
            self.visit(stmt)
        self.current = saved

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function
    visit_Lambda = _function

    def _declare(self, body: list[ast.stmt]) -> None:
        """``global``/``nonlocal`` apply to the whole function, wherever they stand."""
        for node in own_statements(body):
            if isinstance(node, ast.Global):
                self.current.declared_global.update(node.names)
            elif isinstance(node, ast.Nonlocal):
                self.current.declared_nonlocal.update(node.names)

    def visit_ClassDef(self, node: ast.ClassDef, body: bool = True) -> None:
        self._visit_all(node.decorator_list)
        self._visit_all(node.bases)
        self._visit_all([k.value for k in node.keywords])
        self._bind(node.name)
        scope = self._open("class", node.name, node.lineno)
        if not body:
            return
        saved = self.current
        self.current = scope
        if self.declares:
            self._declare(node.body)
        for stmt in node.body:
            self.visit(stmt)
        self.current = saved

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        first, *rest = node.generators
        self.visit(first.iter)  # evaluated in the enclosing scope
        scope = self._open("comprehension", "", node.lineno)
        saved = self.current
        self.current = scope
        self.visit(first.target)
        self._visit_all(first.ifs)
        for generator in rest:
            self.visit(generator.iter)
            self.visit(generator.target)
            self._visit_all(generator.ifs)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.current = saved

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_GeneratorExp = _comprehension
    visit_DictComp = _comprehension

    # -------------------------------------------------------------- bindings
    def visit_Constant(self, node: ast.Constant) -> None:
        """Nothing to file (``NodeVisitor``'s own looks for long-gone visitors first)."""

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.current.loads[node.id] += 1
        else:
            self._bind(node.id)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        # An assignment expression in a comprehension binds in the enclosing function.
        saved = self.current
        while self.current.kind == "comprehension" and self.current.parent is not None:
            self.current = self.current.parent
        self._bind(node.target.id)
        self.current = saved

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.current.loads[node.target.id] += 1
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            target = alias.name if alias.asname else local
            self._bind(local)
            self.current.imports[(local, target)] += 1

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.current.has_star_import = True
                continue
            local = alias.asname or alias.name
            self._bind(local)
            self.current.imports[(local, f"{module}.{alias.name}")] += 1

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self._bind(node.rest)
        self.generic_visit(node)


# The unbound visitor of each node type (``_ScopeBuilder.visit``), filled as met.
_VISITORS: dict[type[ast.AST], Callable[[_ScopeBuilder, Any], None]] = {}
# The fields ``generic_visit`` reads, by node type, filled as met.
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})


def _visitor(kind: type[ast.AST]) -> Callable[[_ScopeBuilder, Any], None]:
    method: Callable[[_ScopeBuilder, Any], None] = getattr(
        _ScopeBuilder, f"visit_{kind.__name__}", _ScopeBuilder.generic_visit
    )
    _VISITORS[kind] = method
    return method


def _all_args(args: ast.arguments) -> list[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        found.append(args.vararg)
    if args.kwarg:
        found.append(args.kwarg)
    return found


def _enclosing_binder(scope: ScopeFacts, name: str) -> ScopeFacts | None:
    parent = scope.parent
    while parent is not None and parent.kind != "module":
        if parent.kind == "function" and name in parent.bound:
            return parent
        parent = parent.parent
    return None


def resolve(scope: ScopeFacts, name: str, module: ScopeFacts) -> str:
    """The key of the scope whose binding a read of ``name`` in ``scope`` finds,
    ``"builtin"``, or ``"undefined"``."""
    if name in scope.declared_global:
        return _module_or_builtin(module, name)
    if name in scope.declared_nonlocal:
        binder = _enclosing_binder(scope, name)
        return binder.key if binder is not None else UNDEFINED
    if name in scope.bound:
        return scope.key
    parent = scope.parent
    while parent is not None and parent.kind != "module":
        # Class bodies are not enclosing scopes for the functions inside them.
        if parent.kind != "class" and name in parent.bound:
            if name in parent.declared_global:
                break
            return parent.key
        parent = parent.parent
    return _module_or_builtin(module, name)


def _module_or_builtin(module: ScopeFacts, name: str) -> str:
    if name in module.bound:
        return module.key
    if name in _BUILTINS:
        return BUILTIN
    if module.has_star_import:
        return module.key  # ``from x import *`` may have bound it
    return UNDEFINED


class Unprovable(Exception):
    """The scopes could not be read (the text does not parse, or nests too deep)."""


def may_declare(text: str) -> bool:
    """Whether ``text`` may hold a ``global`` or ``nonlocal`` statement: neither can be
    written without its keyword, so a text lacking both words holds none (``global_x``
    is not the word). The substring tests first: the word-bounded search is slow."""
    if "global" not in text and "nonlocal" not in text:
        return False
    return _DECLARATION_WORD.search(text) is not None


_DECLARATION_WORD = re.compile(r"\b(?:global|nonlocal)\b")


def scopes_of(
    source: str | ast.Module,
    declares: bool | None = None,
    headers: Collection[int] = (),
    shifts: dict[int, int] | None = None,
) -> dict[str, ScopeFacts]:
    """The scopes of ``source``. ``declares``: whether its text may hold ``global`` or
    ``nonlocal`` (``may_declare``), when ``source`` is a tree; a text is asked itself.
    ``headers``: the indices of top-level defs and classes whose bodies are left unread
    (``_Kept``): their statements' own bindings and reads are filed, not the scopes
    inside them. ``shifts``: by index, the lines to add to the scopes such a statement
    opens (one taken from the text before the edits stands lower after them)."""
    tree, declares = _tree_of(source, declares)
    try:
        builder = _ScopeBuilder(declares is not False)
        for index, stmt in enumerate(tree.body):
            if index in headers and isinstance(stmt, _HEADED):
                builder.line_shift = shifts.get(index, 0) if shifts else 0
                if isinstance(stmt, ast.ClassDef):
                    builder.visit_ClassDef(stmt, body=False)
                else:
                    builder._function(stmt, body=False)
                builder.line_shift = 0
            else:
                builder.visit(stmt)
    except (RecursionError, MemoryError, ValueError) as exc:
        raise Unprovable("the file nests too deeply to check what names refer to") from exc
    return builder.scopes


def _tree_of(source: str | ast.Module, declares: bool | None) -> tuple[ast.Module, bool | None]:
    """``source`` parsed, and whether its text may declare names (``may_declare``)."""
    if not isinstance(source, str):
        return source, declares
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError as exc:
        raise Unprovable(f"the result does not parse (line {exc.lineno}: {exc.msg})") from exc
    except (RecursionError, MemoryError, ValueError) as exc:
        raise Unprovable("the file nests too deeply to check what names refer to") from exc
    return tree, may_declare(source)


def name_problems(
    before: str | ast.Module,
    after: str,
    before_declares: bool | None = None,
    *,
    text: str | None = None,
    edits: Sequence[Edit] = (),
) -> list[str]:
    """Why ``after`` may not behave like ``before`` as far as names go; empty if none.

    ``before`` may be given as its parsed tree (the scan already has it), with
    ``before_declares`` saying whether its text may hold ``global`` or ``nonlocal``.
    Given ``before``'s ``text`` and the ``edits`` that made ``after`` of it, the defs
    and classes they leave alone are neither parsed again nor their bodies read
    (``_Kept``): the answer is the same, for less work."""
    try:
        old_tree, old_declares = _tree_of(before, before_declares)
        scopes = None
        if text is not None and edits and old_declares is False and not may_declare(after):
            kept = _Kept.of(text, old_tree, after, edits)
            if kept is not None:
                old = scopes_of(old_tree, False, kept.before)
                new = scopes_of(kept.tree, False, kept.after, kept.shifts)
                if not kept.read_in(old["module"], new["module"]):
                    scopes = old, new
        if scopes is None:
            new_tree, new_declares = _tree_of(after, None)
            scopes = scopes_of(old_tree, old_declares), scopes_of(new_tree, new_declares)
    except Unprovable as exc:
        return [str(exc)]
    old, new = scopes
    old_module = old["module"]
    new_module = new["module"]
    problems: list[str] = []
    for key, scope in new.items():
        was = old.get(key)
        for name, count in scope.loads.items():
            now = resolve(scope, name, new_module)
            before_count = was.loads.get(name, 0) if was is not None else 0
            then = resolve(was, name, old_module) if was is not None and before_count else None
            if then is not None and then != now and then != UNDEFINED:
                problems.append(_changed(name, scope, then, now, new))
                continue
            if count <= before_count:
                continue
            if now == UNDEFINED:
                problems.append(f"`{name}` would be undefined in {scope.describe()}")
            elif now not in (new_module.key, BUILTIN) and name in new_module.bound:
                owner = new[now]
                problems.append(
                    f"`{name}` is a local name in {owner.describe()}: the new reference there "
                    f"would read it instead of the module-level `{name}`"
                )
        for (name, target), count in scope.imports.items():
            if count > 1 and (was is None or was.imports.get((name, target), 0) < count):
                problems.append(f"`{target}` would be imported twice as `{name}`")
        for name, count in scope.binding_sites.items():
            before_sites = was.binding_sites.get(name, 0) if was is not None else 0
            if count > before_sites > 0 and not any(
                n == name and c > 1 for (n, _), c in scope.imports.items()
            ):
                problems.append(
                    f"`{name}` is already defined in {scope.describe()}; "
                    "the fix would bind it a second time"
                )
    # One message per distinct problem, in a stable order.
    return list(dict.fromkeys(problems))


def _changed(
    name: str, scope: ScopeFacts, then: str, now: str, scopes: dict[str, ScopeFacts]
) -> str:
    if now == UNDEFINED:
        return f"`{name}` would be undefined in {scope.describe()} (the fix removes its binding)"

    def where(key: str) -> str:
        if key == BUILTIN:
            return "the builtin"
        if key == UNDEFINED:
            return "nothing"
        found = scopes.get(key)
        return found.describe() if found is not None else "a scope the fix removes"

    return f"`{name}` in {scope.describe()} would refer to {where(now)} instead of {where(then)}"


def unprovable(text: str, fixes: list[Fix], tree: ast.Module | None = None) -> dict[Fix, str]:
    """The fixes among ``fixes`` whose names could change behaviour, each with a reason.

    All of them are tried together first (one parse in the common case where nothing is
    wrong); only when that fails, or some could not be applied with the rest, is each
    tried on its own to find which."""
    if not fixes:
        return {}
    before: str | ast.Module = tree if tree is not None else text
    declares = may_declare(text)
    together, applied = apply_edits(text, fixes)
    if len(applied) == len(fixes) and not name_problems(
        before, together, declares, text=text, edits=[e for f in applied for e in f.edits]
    ):
        return {}
    found: dict[Fix, str] = {}
    for fix in fixes:
        alone, _ = apply_edits(text, [fix])
        problems = name_problems(before, alone, declares, text=text, edits=fix.edits)
        if problems:
            found[fix] = problems[0]
    return found


def attribute_renames(
    text: str, tree: ast.Module, fixes: Sequence[Fix], offset: Callable[[int, int], int]
) -> frozenset[Fix]:
    """The fixes among ``fixes`` whose every edit replaces the name of an attribute
    (``.dict`` of ``item.dict()``) with another identifier: they change no name the
    scopes hold (an attribute's name is none of them), so they cannot change what a
    name refers to, with or without the others. ``offset`` maps an AST position (line,
    UTF-8 column) to a character offset of ``text``."""
    candidates = [
        fix
        for fix in fixes
        if fix.edits
        and all(edit.text.isidentifier() and not keyword.iskeyword(edit.text) for edit in fix.edits)
    ]
    if not candidates:
        return frozenset()  # no fix writes identifiers only: no walk of the tree
    # An attribute an edit renames stands in a top-level statement holding the edit's
    # line: only those are walked.
    source = SourceText(text)
    lines = sorted({source.position(edit.start)[0] for fix in candidates for edit in fix.edits})
    holding = [
        statement
        for statement in tree.body
        if (at := bisect_left(lines, _first_line(statement))) < len(lines)
        and lines[at] <= (statement.end_lineno or 0)
    ]
    spans: set[tuple[int, int]] = set()
    for node in (inner for statement in holding for inner in walk(statement)):
        if type(node) is ast.Attribute and node.end_lineno is not None:
            end = offset(node.end_lineno, node.end_col_offset or 0)
            start = end - len(node.attr)
            if text[start:end] == node.attr:  # as written (no NFKC-normalized name)
                spans.add((start, end))
    return frozenset(
        fix for fix in candidates if all((edit.start, edit.end) in spans for edit in fix.edits)
    )


# Top-level statements with a body of their own scope.
_HEADED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Kept:
    """The top-level defs and classes a set of edits leaves as they were, by index in
    the body of the module before (``before``) and after (``after``), with their text,
    and the tree of the text after the edits (``tree``) that holds them as they were
    parsed before: only the rest of that text is parsed again.

    Their bodies are the same text, so they hold the same scopes with the same reads and
    bindings (``global`` and ``nonlocal`` aside: texts that may hold either are never
    narrowed). What a read in them finds can change only through the module: a name
    the edits bind or unbind there. ``read_in`` says when such a name is spelled in one
    of them; the whole files are compared then."""

    before: frozenset[int]
    after: frozenset[int]
    texts: tuple[str, ...]
    tree: ast.Module
    shifts: dict[int, int]  # by index after: the lines the edits above it add

    @classmethod
    def of(cls, text: str, old: ast.Module, after: str, edits: Sequence[Edit]) -> _Kept | None:
        """The top-level defs and classes of ``old`` (the tree of ``text``) no edit
        touches, each found in ``after`` on the same lines shifted by the lines the edits
        above it add or remove, with the same text. A statement an edit touches, even by
        its first or last line, is read in full. ``after`` is parsed with a placeholder
        line (``__kept_N__``) for each, and its old node put in the placeholder's place:
        a placeholder found elsewhere than as a top-level statement on its line (the
        text around it changed how it reads), a text that does not parse that way, or
        no statement kept: None, and the caller parses ``after`` whole."""
        source = SourceText(text)
        spans: list[tuple[int, int, int]] = []  # (first line, last line, lines added)
        for edit in edits:
            first = source.position(edit.start)[0]
            last = source.position(edit.end)[0] if edit.end > edit.start else first
            added = len(LINE_END.findall(edit.text))
            added -= len(LINE_END.findall(text, edit.start, edit.end))
            spans.append((first, last, added))
        new_source = SourceText(after)
        # (index before, shift, where its text starts and ends after, its text)
        found: list[tuple[int, int, int, int, str]] = []
        for index, node in enumerate(old.body):
            if not isinstance(node, _HEADED) or node.end_lineno is None:
                continue
            first, last = _first_line(node), node.end_lineno
            if any(a <= last and b >= first for a, b, _ in spans):
                continue
            shift = sum(added for _, b, added in spans if b < first)
            if first + shift < 1 or last + shift > len(new_source.starts):
                continue
            start, end = new_source.lines_span(first + shift, last + shift)
            kept = text[slice(*source.lines_span(first, last))]
            if after[start:end] != kept:
                continue
            found.append((index, shift, start, end, kept))
        if not found:
            return None
        pieces: list[str] = []
        at = 0
        for number, (index, _, start, end, _) in enumerate(found):
            if start < at:
                return None  # the kept texts overlap after the edits: read it whole
            # One line for the placeholder, then blank ones: the lines below keep
            # their numbers.
            lines = old.body[index].end_lineno or 0
            lines -= _first_line(old.body[index]) - 1
            pieces += [after[at:start], f"__kept_{number}__", "\n" * lines]
            at = end
        pieces.append(after[at:])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse("".join(pieces))
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            return None
        places = {
            stmt.value.id: (place, stmt.lineno)
            for place, stmt in enumerate(tree.body)
            if isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Name)
            and stmt.value.id.startswith("__kept_")
        }
        body = list(tree.body)
        shifts: dict[int, int] = {}
        for number, (index, shift, _, _, _) in enumerate(found):
            place, line = places.get(f"__kept_{number}__", (-1, 0))
            node = old.body[index]
            if place < 0 or line != _first_line(node) + shift:
                return None
            body[place] = node
            shifts[place] = shift
        tree.body = body
        return cls(
            frozenset(index for index, *_ in found),
            frozenset(shifts),
            tuple(kept for *_, kept in found),
            tree,
            shifts,
        )

    def read_in(self, old: ScopeFacts, new: ScopeFacts) -> bool:
        if old.has_star_import != new.has_star_import:
            return True
        changed = old.bound ^ new.bound
        if not changed:
            return False
        for text in self.texts:
            if not text.isascii():
                return True  # the parser's NFKC names may be spelled otherwise here
            if not changed.isdisjoint(_WORD.findall(text)):
                return True
        return False


def _first_line(node: ast.stmt) -> int:
    """Where a statement starts: its first decorator's line, if any."""
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno


UNPROVEN = "not provably safe: "


def demote(finding: Finding, reason: str) -> Finding:
    """The finding with its fix marked unsafe, the reason first in its note."""
    fix = finding.fix
    assert fix is not None
    note = UNPROVEN + reason
    if fix.note:
        note = f"{note}; {fix.note}"
    return replace(finding, fix=replace(fix, safety=Safety.UNSAFE, note=note))


def prove_file(text: str, findings: list[Finding], tree: ast.Module | None = None) -> list[Finding]:
    """``findings`` of one Python file, with each safe fix that cannot be proved to keep
    what names mean turned unsafe, the reason shown."""
    safe = [f.fix for f in findings if f.fix is not None and f.fix.safety is Safety.SAFE]
    reasons = unprovable(text, safe, tree)
    if not reasons:
        return findings
    return [
        demote(f, reasons[f.fix]) if f.fix is not None and f.fix in reasons else f for f in findings
    ]

"""Request data in one route: which expressions of a route's body hold what the client sent.

SEC106-SEC110 ask the same question at a sink (a path handed to ``FileResponse``, a URL
handed to ``RedirectResponse``, bytes handed to ``pickle.loads``): does this value come
from the request? The answer is local on purpose, and errs towards "no":

- the sources are the route's own parameters that FastAPI fills from the request (path,
  query, header, cookie, form and body values typed as text, ``bytes``, a path, a URL,
  or left untyped; ``UploadFile``), and what a ``Request`` parameter reads from the
  client (``request.query_params``, ``.headers``, ``.cookies``, ``.path_params``,
  ``await request.body()`` / ``.json()`` / ``.form()`` / ``.stream()``). A parameter
  filled by ``Depends``/``Security``, or typed as anything else (a number, a model, a
  project type or alias), is not a source;
- data flows through the route body's assignments, f-strings, ``+``/``%``/``/``,
  subscripts and attributes of request data, methods called on it, and a few known
  functions (``str``, ``os.path.join``, ``Path``, ``urljoin``, ``unquote``...). Any other
  call (a project helper, a database lookup, ``os.path.basename``) ends the flow;
- code in nested functions and lambdas is not the route's.

The rules decide what counts as a check (a containment test, an allow-list) with
:meth:`RouteData.conditions`, :meth:`RouteData.effect_calls` and
:meth:`RouteData.reads`, which see data through every call.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING

from fastaudit.engine.names import parameter_defaults
from fastaudit.engine.walk import child_nodes
from fastaudit.rules._support.route_calls import DEPENDS_MARKERS, keyword_arg

if TYPE_CHECKING:
    from fastaudit.engine.context import FileContext

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class Flow(Enum):
    """How much of a value the request data must make up to count at a sink."""

    ANY = "any"  # any part of it (bytes to deserialise)
    # Any part that can hold a "/": a path (a plain ``{name}`` path segment cannot, and
    # ``.name``/``.stem``/``.suffix`` keep no directory).
    PATH = "path"
    LEADING = "leading"  # its start, where a URL's scheme and host are (a redirect)


# Parameter annotations FastAPI fills with client text (or bytes) as they came.
_TEXT_TYPES = frozenset(
    {
        "builtins.str",
        "builtins.bytes",
        "typing.Any",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "pydantic.AnyUrl",
        "pydantic.AnyHttpUrl",
        "pydantic.HttpUrl",
        "pydantic.networks.AnyUrl",
        "pydantic.networks.AnyHttpUrl",
        "pydantic.networks.HttpUrl",
    }
)
UPLOAD_TYPES = frozenset(
    {
        "fastapi.UploadFile",
        "fastapi.datastructures.UploadFile",
        "starlette.datastructures.UploadFile",
    }
)
REQUEST_TYPES = frozenset(
    {
        "fastapi.Request",
        "fastapi.requests.Request",
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
    }
)
# Containers a parameter's type may wrap its element type in.
_WRAPPERS = frozenset(
    {
        "typing.Optional",
        "typing.List",
        "typing.Sequence",
        "builtins.list",
        "builtins.tuple",
        "builtins.set",
        "collections.abc.Sequence",
    }
)
# Where a parameter's value comes from, by its marker.
_MARKER_KINDS = {
    "fastapi.Query": "query parameter",
    "fastapi.Header": "header",
    "fastapi.Cookie": "cookie",
    "fastapi.Form": "form field",
    "fastapi.Body": "body field",
    "fastapi.File": "uploaded file",
    "fastapi.Path": "path parameter",
    "fastapi.param_functions.Query": "query parameter",
    "fastapi.param_functions.Header": "header",
    "fastapi.param_functions.Cookie": "cookie",
    "fastapi.param_functions.Form": "form field",
    "fastapi.param_functions.Body": "body field",
    "fastapi.param_functions.File": "uploaded file",
    "fastapi.param_functions.Path": "path parameter",
}
# What a ``Request`` holds of the client's: attributes, and methods that read the body.
REQUEST_PARTS = {
    "query_params": "the query string",
    "headers": "the request headers",
    "cookies": "the request cookies",
    "path_params": "the path parameters",
}
REQUEST_READS = {
    "body": "the request body",
    "json": "the request body",
    "form": "the submitted form",
    "stream": "the request body",
}
# Functions whose result carries their arguments along.
_CARRIERS = frozenset(
    {
        "builtins.str",
        "builtins.bytes",
        "builtins.bytearray",
        "os.path.join",
        "os.path.normpath",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.expanduser",
        "os.fspath",
        "posixpath.join",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "urllib.parse.unquote",
        "urllib.parse.unquote_plus",
        "urllib.parse.urljoin",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "bytes.fromhex",
        "io.BytesIO",
        "io.StringIO",
    }
)
# Methods on anything whose result carries their arguments (``"/".join(parts)``,
# ``base.joinpath(name)``, ``"{}".format(url)``).
_CARRYING_METHODS = frozenset({"join", "joinpath", "format", "format_map", "with_name"})
# Attributes of a path that hold no directory.
_LEAF_ATTRIBUTES = frozenset({"name", "stem", "suffix", "suffixes"})
_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_]+))?\}")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(nodes: list[ast.stmt] | list[ast.AST]) -> Iterator[ast.AST]:
    """Every node under ``nodes`` outside nested functions, lambdas and classes."""
    stack: list[ast.AST] = list(reversed(nodes))
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed([c for c in child_nodes(current) if not isinstance(c, _SCOPES)]))


def _targets(node: ast.AST) -> Iterator[str]:
    """The names an assignment target binds (``a``, ``a, b``, ``*rest``)."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)


def _assignments(body: list[ast.stmt]) -> list[tuple[list[str], ast.expr, bool]]:
    """(names bound, value, whether each name gets an element of the value) for every
    binding in a route's own body."""
    found: list[tuple[list[str], ast.expr, bool]] = []
    for node in own_nodes(body):
        if isinstance(node, ast.Assign):
            names = [n for t in node.targets for n in _targets(t)]
            found.append((names, node.value, False))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            found.append((list(_targets(node.target)), node.value, False))
        elif isinstance(node, ast.NamedExpr):
            found.append(([node.target.id], node.value, False))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            found.append((list(_targets(node.target)), node.iter, True))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    found.append((list(_targets(item.optional_vars)), item.context_expr, False))
    return found


class RouteData:
    """What the client sent, as one route's body sees it."""

    def __init__(self, ctx: FileContext, node: FunctionNode, route: ast.Call) -> None:
        self.ctx = ctx
        self.node = node
        # Parameter -> (how it is described, whether it can hold a "/").
        self.params: dict[str, tuple[str, bool]] = {}
        # ``Request`` parameters: the request itself is not data, what it reads is.
        self.requests: set[str] = set()
        self._flows: dict[Flow, dict[str, str]] = {}
        self._derived: set[str] | None = None
        self._assignments = _assignments(node.body)
        self._read_parameters(route)

    # ------------------------------------------------------------- sources
    def _read_parameters(self, route: ast.Call) -> None:
        path = route.args[0] if route.args else None
        given = keyword_arg(route, "path")
        if given is not None:
            path = given.value
        in_path: dict[str, str] = {}
        if isinstance(path, ast.Constant) and isinstance(path.value, str):
            in_path = {m.group(1): m.group(2) or "" for m in _PATH_PARAM.finditer(path.value)}
        args = self.node.args
        positional = [*args.posonlyargs, *args.args]
        defaults = parameter_defaults(args)
        parameters = [*positional, *args.kwonlyargs]
        # A route written as a method (class-based views): its instance is not request
        # data. Known by name: a route nested in a method may take the request first.
        if positional and positional[0].arg in ("self", "cls") and not positional[0].annotation:
            parameters.remove(positional[0])
        for arg in parameters:
            kind = self._parameter_kind(arg, defaults.get(arg.arg))
            if kind is None:
                continue
            if kind == "request":
                self.requests.add(arg.arg)
                continue
            if arg.arg in in_path:
                converter = in_path[arg.arg]
                whole = converter == "path"
                shown = "path parameter" + (" (`:path`)" if whole else "")
                self.params[arg.arg] = (f"the {shown} `{arg.arg}`", whole)
            else:
                self.params[arg.arg] = (f"the {kind} `{arg.arg}`", True)

    def _parameter_kind(self, arg: ast.arg, default: ast.expr | None) -> str | None:
        """ "request" for a ``Request``, how a request-filled parameter is described
        ("query parameter", "header", ...), None for anything else."""
        resolve = self.ctx.resolve
        kind = "query parameter"
        if isinstance(default, ast.Call):
            marker = resolve(default.func)
            if marker in DEPENDS_MARKERS:
                return None
            kind = _MARKER_KINDS.get(marker or "", kind)
        annotation = arg.annotation
        if annotation is None:
            return kind
        for _ in range(6):
            if isinstance(annotation, ast.Subscript):
                outer = resolve(annotation.value)
                inner = annotation.slice
                elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                if outer == "typing.Annotated" and elements:
                    for extra in elements[1:]:
                        marker = resolve(extra.func) if isinstance(extra, ast.Call) else None
                        if marker in DEPENDS_MARKERS:
                            return None
                        kind = _MARKER_KINDS.get(marker or "", kind)
                    annotation = elements[0]
                    continue
                if outer in _WRAPPERS and elements:
                    annotation = elements[0]
                    continue
                if outer == "typing.Union":
                    kept = [e for e in elements if not _is_none(e)]
                    if len(kept) != 1:
                        return None
                    annotation = kept[0]
                    continue
                return None
            if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
                if _is_none(annotation.right):
                    annotation = annotation.left
                    continue
                if _is_none(annotation.left):
                    annotation = annotation.right
                    continue
                return None
            break
        target = resolve(annotation)
        if target in REQUEST_TYPES:
            return "request"
        if target in UPLOAD_TYPES:
            return "uploaded file"
        return kind if target in _TEXT_TYPES else None

    # ---------------------------------------------------------------- flow
    def origin(self, node: ast.expr | None, flow: Flow = Flow.ANY) -> str | None:
        """Where the client data in ``node`` comes from ("the query parameter `next`",
        "the request body"), or None when it holds none that matters for ``flow``."""
        if node is None:
            return None
        return self._origin(node, flow, self._names(flow))

    def _names(self, flow: Flow) -> dict[str, str]:
        names = self._flows.get(flow)
        if names is not None:
            return names
        names = {
            name: shown
            for name, (shown, slashes) in self.params.items()
            if slashes or flow is not Flow.PATH
        }
        self._flows[flow] = names
        changed = True
        while changed:
            changed = False
            for targets, value, _ in self._assignments:
                fresh = [t for t in targets if t not in names]
                if not fresh:
                    continue
                shown = self._origin(value, flow, names)
                if shown is not None:
                    names.update(dict.fromkeys(fresh, shown))
                    changed = True
        return names

    def _origin(self, node: ast.AST, flow: Flow, names: dict[str, str]) -> str | None:
        leading = flow is Flow.LEADING
        if isinstance(node, (ast.Await, ast.FormattedValue, ast.Starred)):
            return self._origin(node.value, flow, names)
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in self.requests:
                return REQUEST_PARTS.get(node.attr)
            if flow is Flow.PATH and node.attr in _LEAF_ATTRIBUTES:
                return None
            return self._origin(node.value, flow, names)
        if isinstance(node, ast.Subscript):
            return self._origin(node.value, flow, names)
        if isinstance(node, ast.Call):
            return self._call_origin(node, flow, names)
        if isinstance(node, ast.JoinedStr):
            parts = node.values[:1] if leading else node.values
            return self._first(parts, flow, names)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod, ast.Div)):
            sides = [node.left] if leading else [node.left, node.right]
            return self._first(sides, flow, names)
        if isinstance(node, ast.IfExp):
            return self._first([node.body, node.orelse], flow, names)
        if isinstance(node, ast.BoolOp):
            return self._first(node.values, flow, names)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and not leading:
            return self._first(node.elts, flow, names)
        return None

    def _call_origin(self, node: ast.Call, flow: Flow, names: dict[str, str]) -> str | None:
        func = node.func
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name) and receiver.id in self.requests:
                return REQUEST_READS.get(func.attr)
            shown = self._origin(receiver, flow, names)
            if shown is not None:
                return shown
            if func.attr in _CARRYING_METHODS:
                return self._first(arguments, flow, names)
        callee = self.ctx.resolve(func)
        if callee not in _CARRIERS:
            return None
        if flow is Flow.LEADING and callee == "urllib.parse.urljoin":
            # An absolute URL as the second argument replaces the base.
            return self._first(arguments[1:2], flow, names)
        if flow is Flow.LEADING:
            return self._first(arguments[:1], flow, names)
        return self._first(arguments, flow, names)

    def _first(self, nodes: list[ast.expr], flow: Flow, names: dict[str, str]) -> str | None:
        for part in nodes:
            shown = self._origin(part, flow, names)
            if shown is not None:
                return shown
        return None

    # -------------------------------------------------------------- checks
    def derived(self) -> set[str]:
        """Names holding anything computed from request data, through any call."""
        if self._derived is None:
            derived = set(self.params)
            changed = True
            while changed:
                changed = False
                for targets, value, _ in self._assignments:
                    fresh = [t for t in targets if t not in derived]
                    if fresh and self._reads(value, derived):
                        derived.update(fresh)
                        changed = True
            self._derived = derived
        return self._derived

    def reads(self, node: ast.AST) -> bool:
        """Whether ``node`` reads request data at all, through any computation."""
        return self._reads(node, self.derived())

    def _reads(self, node: ast.AST, derived: set[str]) -> bool:
        for inner in own_nodes([node]):
            if isinstance(inner, ast.Name) and inner.id in derived:
                return True
            if (
                isinstance(inner, ast.Attribute)
                and isinstance(inner.value, ast.Name)
                and inner.value.id in self.requests
                and (inner.attr in REQUEST_PARTS or inner.attr in REQUEST_READS)
            ):
                return True
        return False

    def conditions(self) -> Iterator[ast.expr]:
        """The conditions the route's body decides on: ``if``, ``while``, ``assert``,
        conditional expressions, comprehension filters, ``match`` subjects."""
        for node in own_nodes(self.node.body):
            if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
                yield node.test
            elif isinstance(node, ast.comprehension):
                yield from node.ifs
            elif isinstance(node, ast.Match):
                yield node.subject

    def effect_calls(self) -> Iterator[ast.Call]:
        """The calls the route's body makes as statements, for their effect (a
        ``validate(url)`` that raises)."""
        for node in own_nodes(self.node.body):
            if isinstance(node, ast.Expr):
                value = node.value.value if isinstance(node.value, ast.Await) else node.value
                if isinstance(value, ast.Call):
                    yield value


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def route_data(ctx: FileContext) -> RouteData | None:
    """The request data of the route whose body is being walked; None outside a route's
    own body (module level, a helper, a function nested in a route)."""
    function = ctx.function
    if function is None or function.route is None or isinstance(function.node, ast.Lambda):
        return None
    return RouteData(ctx, function.node, function.route)


def call_name(node: ast.expr) -> str:
    """The last name of a call's callee: ``is_relative_to`` for ``p.is_relative_to(b)``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""

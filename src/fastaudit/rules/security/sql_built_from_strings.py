"""SEC105 sql-built-from-strings: SQL assembled with f-strings, `%`, `+` or `.format`."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.names import BUILTIN_NAMES
from fastaudit.engine.walk import walk
from fastaudit.model import Severity
from fastaudit.rules.base import Rule

_TEXT = frozenset(
    {
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        "sqlmodel.text",
    }
)
# Methods that run a SQL string: DB-API cursors, SQLAlchemy connections and sessions,
# asyncpg, databases.
_RUNNERS = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "exec_driver_sql",
        "fetch",
        "fetchrow",
        "fetchval",
        "fetch_all",
        "fetch_one",
        "fetch_val",
    }
)
_SQL = re.compile(
    r"\b(select\s[\s\S]*\sfrom|delete\s+from|insert\s+into|update\s[\s\S]*\sset|"
    r"where|join|order\s+by|group\s+by|set\s+search_path|set\s+local|set\s+role|"
    r"(create|alter|drop|truncate)\s+(table|index|schema|database|role|user|view|type)|"
    r"grant|revoke)\b",
    re.IGNORECASE,
)


# Where a value formatted into SQL is data, not a name: in quotes, after a comparison,
# in an IN/VALUES list, a LIKE pattern, a LIMIT/OFFSET.
_VALUE_POSITION = re.compile(
    r"""(['=<>]|\bin\s*\(|\bvalues\s*\(|\blike|\bbetween|\blimit|\boffset|,)\s*$""",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")
_BRACES = re.compile(r"\{(\w*)[^{}]*\}")

# A string assembled at run time: its static text, and each interpolated value with the
# text before it.
_Parts = tuple[str, list[tuple[str, ast.expr]]]


def _parts(node: ast.expr) -> _Parts | None:
    """The static text and the interpolated values of a string assembled at run time;
    None for anything else (a plain literal included)."""
    if isinstance(node, ast.JoinedStr):
        text, values = "", []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                values.append((text, part.value))
                text += " ? "
            elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                text += part.value
        return (text, values) if values else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = node.left
        if isinstance(template, ast.Constant) and isinstance(template.value, str):
            return _percent(template.value, node.right)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces: list[ast.expr] = []
        _flatten(node, pieces)
        text, values, stringy = "", [], False
        for piece in pieces:
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                text += piece.value
                stringy = True
            elif (inner := _parts(piece)) is not None:
                values.extend((text + before, value) for before, value in inner[1])
                text += inner[0]
                stringy = True
            elif isinstance(piece, ast.JoinedStr):
                text += "".join(
                    p.value
                    for p in piece.values
                    if isinstance(p, ast.Constant) and isinstance(p.value, str)
                )
                stringy = True
            else:
                values.append((text, piece))
                text += " ? "
        return (text, values) if stringy and values else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        return _format(node.func.value.value, node)
    return None


def _percent(template: str, right: ast.expr) -> _Parts | None:
    """``"... %s ..." % values``: each value with the text before its placeholder."""
    slots = list(_PERCENT.finditer(template))
    if isinstance(right, ast.Dict):
        named = {
            key.value: value
            for key, value in zip(right.keys, right.values, strict=True)
            if isinstance(key, ast.Constant)
        }
        values = [
            (template[: slot.start()], named[slot.group(1)])
            for slot in slots
            if slot.group(1) in named
        ]
    else:
        items = right.elts if isinstance(right, ast.Tuple) else [right]
        values = [
            (template[: slot.start()], item) for slot, item in zip(slots, items, strict=False)
        ]
    return (template, values) if values else None


def _format(template: str, call: ast.Call) -> _Parts | None:
    """``"... {} ...".format(...)``: each value with the text before its field."""
    named = {k.arg: k.value for k in call.keywords if k.arg}
    values: list[tuple[str, ast.expr]] = []
    position = 0
    for field in _BRACES.finditer(template):
        name = field.group(1)
        if name.isdigit() and int(name) < len(call.args):
            value: ast.expr | None = call.args[int(name)]
        elif not name and position < len(call.args):
            value = call.args[position]
            position += 1
        else:
            value = named.get(name)
        if value is not None:
            values.append((template[: field.start()], value))
    return (template, values) if values else None


def _flatten(node: ast.expr, into: list[ast.expr]) -> None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        _flatten(node.left, into)
        _flatten(node.right, into)
    else:
        into.append(node)


class SqlBuiltFromStrings(Rule):
    id = "SEC105"
    name = "sql-built-from-strings"
    title = "SQL built from strings"
    severity = Severity.ERROR
    peers: ClassVar[tuple[str, ...]] = (
        "ruff S608",
        "semgrep python.sqlalchemy.security.sqlalchemy-execute-raw-query",
    )
    rationale = """
    A value formatted into SQL (`text(f"... WHERE email = '{email}'")`, `"..." % x`,
    `"..." + x`, `"...".format(x)`, the same handed to `execute()`) becomes part of
    the statement: a quote in it ends the string and the rest runs as SQL. Pass values
    as bound parameters instead (`text("... WHERE email = :email")` with
    `{"email": email}`, or the driver's `%s`/`$1` placeholders), or build the query with
    SQLAlchemy's expression language. Identifiers cannot be bound: pick them from a
    fixed set in code.

    Reported when a value that is not fixed by the code is formatted into a value's
    place (in quotes, after a comparison, in an `IN (...)` or `VALUES (...)` list, a
    `LIKE` pattern, a `LIMIT`) of a string that reads as SQL, and the string reaches
    `text()` or an `execute`-like method (`execute`, `exec_driver_sql`, asyncpg's
    `fetch*`, `databases`' `fetch_*`), directly or through a variable of the same
    function. Values fixed by the code are left alone: literals, module constants and
    imports (`settings`, `Model.__tablename__`), and locals assigned or iterated only
    from those. A name put where SQL wants a name (a table, a schema, a column list, a
    dialect's type) is not reported either: it cannot be bound, and real code fills
    those places from its own constants (a value the client picks there still needs
    checking against a fixed set). Only files the app serves are looked at (not tests,
    migrations or scripts it never imports). ruff's S608 reports any SQL-looking
    string built with formatting, wherever it goes and whatever it holds; semgrep's
    `sqlalchemy-execute-raw-query` any formatted string passed straight to `execute`.
    No automatic fix: the placeholder style depends on the driver.
    """
    dont = """
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession


    async def find_user(session: AsyncSession, email: str):
        query = text(f"SELECT id, name FROM users WHERE email = '{email}'")
        return (await session.execute(query)).first()
    """
    do = """
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession


    async def find_user(session: AsyncSession, email: str):
        query = text("SELECT id, name FROM users WHERE email = :email")
        return (await session.execute(query, {"email": email})).first()
    """
    extra_valid = (
        # Tables named in the function, or by the models' metadata.
        """
        from sqlalchemy import text

        from app.models import Base

        async def reset(session):
            for table in ("orders", "users"):
                await session.execute(text(f"DELETE FROM {table}"))
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            await session.execute(text(f"TRUNCATE {names} CASCADE"))
        """,
        # Identifiers fixed by the code: a module constant, settings, a model's table.
        """
        from sqlalchemy import text

        from app.config import settings
        from app.models import User

        SCHEMA = "tenant"

        def queries(conn):
            conn.execute(text(f'set search_path to "{SCHEMA}"'))
            conn.execute(text(f"SELECT count(*) FROM {settings.DB_SCHEMA}.events"))
            table = User.__tablename__
            conn.execute(text(f"DELETE FROM {table} WHERE archived"))
        """,
        # Names in a name's place, and the connection's own dialect fragments.
        """
        async def drop(conn, schema, columns, table):
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            await conn.execute(f"SELECT {columns} FROM {table}")
            now = conn.timestamp_now
            await conn.execute(f"UPDATE jobs SET seen_at = {now} WHERE id = :id", {"id": 1})
        """,
        # Not SQL, or not run as SQL.
        """
        from sqlalchemy import text

        def labels(page, log):
            log.info(f"SELECT page {page}")
            return text("literal only"), f"Page {page}"
        """,
        # A plain literal, and bound parameters.
        """
        def rows(cursor, user_id):
            cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))
            cursor.execute("SELECT * FROM users WHERE " + "active")
        """,
    )
    extra_invalid = (
        # %-formatting and concatenation into a DB-API cursor.
        """
        def rows(cursor, user_id, name):
            cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)
            cursor.execute("DELETE FROM users WHERE name = '" + name + "'")
        """,
        # .format, through a variable, into asyncpg.
        """
        async def orders(conn, status):
            sql = "SELECT * FROM orders WHERE status = '{}'".format(status)
            return await conn.fetch(sql)
        """,
    )

    calls = CallFilter.of(callees=_TEXT, attrs=_RUNNERS)
    # Every runner's name holds "exec" or "fetch"; ``text`` resolves to SQLAlchemy's or
    # SQLModel's only when the file names the package.
    needs_text = ("exec", "fetch", "sqlalchemy", "sqlmodel")

    def __init__(self) -> None:
        # Per function (or module), names assigned in it: {scope id: {name: [values]}}.
        self._assigned: dict[int, dict[str, list[ast.expr]]] = {}

    def _scope_key(self, ctx: FileContext) -> int:
        function = ctx.function
        return id(function.node) if function is not None else 0

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        names = self._assigned.setdefault(self._scope_key(ctx), {})
        for target in node.targets:
            if type(target) is ast.Name:  # the common case, without a walk
                names.setdefault(target.id, []).append(node.value)
                continue
            for name in walk(target):
                if isinstance(name, ast.Name):
                    value = node.value if target is name else None
                    names.setdefault(name.id, []).append(value or name)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if isinstance(node.target, ast.Name) and node.value is not None:
            names = self._assigned.setdefault(self._scope_key(ctx), {})
            names.setdefault(node.target.id, []).append(node.value)

    def visit_For(self, node: ast.For, ctx: FileContext) -> None:
        # ``for table in TABLES``: each name holds an item of what is iterated.
        names = self._assigned.setdefault(self._scope_key(ctx), {})
        for name in walk(node.target):
            if isinstance(name, ast.Name):
                names.setdefault(name.id, []).append(node.iter)

    def visit_AsyncFor(self, node: ast.AsyncFor, ctx: FileContext) -> None:
        self.visit_For(node, ctx)  # type: ignore[arg-type]  # read alike

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.args:
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _RUNNERS:
            sink = f"`.{func.attr}()`"
            # The connection's own SQL fragments (``db.timestamp_now``) are its dialect's.
            receiver = {n.id for n in walk(func.value) if isinstance(n, ast.Name)}
        elif ctx.resolve(func) in _TEXT:
            sink = f"`{ctx.text(func)}()`"
            receiver = set()
        else:
            return
        query = node.args[0]
        built_at = query
        if isinstance(query, ast.Name):
            values = self._assigned.get(self._scope_key(ctx), {}).get(query.id, [])
            if len(values) != 1:
                return
            built_at = values[0]
        parts = _parts(built_at)
        if parts is None:
            return
        text, interpolated = parts
        if not _SQL.search(text):
            return
        unsafe = [
            value
            for before, value in interpolated
            if _VALUE_POSITION.search(before) and not self._fixed(value, ctx, 0, receiver)
        ]
        if not unsafe:
            return
        shown = ctx.text(unsafe[0])
        shown = f"`{shown}`" if len(shown) <= 40 and "\n" not in shown else "a value"
        how = "through `" + query.id + "`" if isinstance(query, ast.Name) else "directly"
        ctx.report(
            built_at,
            f"SQL built from {shown} reaches {sink} ({how}): a quote in it ends the "
            "string and the rest runs as SQL; pass it as a bound parameter "
            '(`text("... = :value")` with `{"value": ...}`)',
        )

    def _fixed(
        self, node: ast.expr, ctx: FileContext, depth: int, known: set[str] | None = None
    ) -> bool:
        """Whether every name the expression reads is fixed by the code: a constant,
        a module-level name (import, class, constant), one of ``known`` (the connection
        running the SQL, whose dialect fragments it is), or a local assigned once from
        such values."""
        if depth > 4:
            return False
        # Names a comprehension binds hold items of what it iterates.
        items: set[str] = set()
        for comprehension in walk(node):
            if isinstance(comprehension, ast.comprehension):
                if not self._fixed(comprehension.iter, ctx, depth + 1, known):
                    return False
                items.update(n.id for n in walk(comprehension.target) if isinstance(n, ast.Name))
        for name in walk(node):
            if not isinstance(name, ast.Name):
                continue
            if name.id in items or name.id in (known or ()) or name.id.isupper():
                continue
            if ctx.is_module_binding(name.id):
                continue
            found, _ = ctx.lookup(name.id)
            if not found and name.id in BUILTIN_NAMES:
                continue
            values = self._assigned.get(self._scope_key(ctx), {}).get(name.id, [])
            if (
                len(values) == 1
                and values[0] is not name
                and self._fixed(values[0], ctx, depth + 1, known)
            ):
                continue
            return False
        return True

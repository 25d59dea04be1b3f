"""Helpers shared by DBS rules: the walk that finds which ``MetaData`` holds the app's
models (DBS102, DBS104), and the SQLAlchemy/SQLModel names of tables and columns."""

from __future__ import annotations

import ast

from fastaudit.engine.context import FILE_DONE, FileContext, Visited
from fastaudit.engine.project_index import MODEL_METADATA
from fastaudit.rules._support.project_walk import text_contains

METADATA = frozenset({"sqlalchemy.MetaData", "sqlalchemy.schema.MetaData", "sqlmodel.MetaData"})

DECLARATIVE_FACTORIES = frozenset(
    {"sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base"}
)
# What a ``metadata=`` argument hands the models to: a declarative base or a registry.
_METADATA_TAKERS = DECLARATIVE_FACTORIES | {
    "sqlalchemy.orm.registry",
    "sqlalchemy.orm.decl_api.registry",
    "sqlalchemy.orm.as_declarative",
    "sqlalchemy.ext.declarative.as_declarative",
}


# The keywords ``ModelMetadata._note_metadata_call`` reads: a ``visit_Call`` calling it
# acts on calls passing one of them (its rule's ``calls``), besides its own callees.
METADATA_KEYWORDS = ("target_metadata", "metadata")


class ModelMetadata:
    """Walk state shared by DBS102 and DBS104: which ``MetaData`` objects the app's
    models are declared on.

    A ``MetaData`` only creates anything in the database when the models are declared
    on it (a declarative base's ``metadata``, ``declarative_base(metadata=m)``,
    ``registry(metadata=m)``, ``SQLModel.metadata = m``), when Alembic compares against
    it (``target_metadata``) or when ``m.create_all(...)`` runs. One made to reflect a
    table, to build an ad-hoc ``Table`` for one insert, or to mirror another datastore
    for queries names no constraint and declares no model. Uses seen in a file are
    noted as ``MODEL_METADATA`` facts (the name, project-wide), so a module-level
    ``metadata = MetaData()`` is judged once every file has been walked; a function's
    own ``MetaData()`` can only be used in that function, and is judged in the file.
    """

    def __init__(self) -> None:
        self._metadata_wanted: bool | None = None
        self._made: dict[int, tuple[int | None, str]] = {}  # id(call) -> (function, name)
        self._local_made: set[tuple[int, str]] = set()  # (id(function), name)
        self._local_uses: set[tuple[int, str]] = set()
        self._used_calls: set[int] = set()  # MetaData() calls used in place

    def _wants_metadata(self, ctx: FileContext) -> bool:
        wanted = self._metadata_wanted
        if wanted is None:
            # A revision's own MetaData is history, and its uses are steps of that
            # revision, not the app's models.
            in_revision = "versions" in ctx.path.split("/")[:-1]
            wanted = not in_revision and text_contains(ctx, "metadata", "MetaData", "create_all")
            self._metadata_wanted = wanted
        return wanted

    def _note_metadata_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not self._wants_metadata(ctx):
            return
        for keyword in node.keywords:
            # ``context.configure(target_metadata=m)``, ``declarative_base(metadata=m)``
            takes = keyword.arg == "target_metadata" or (
                keyword.arg == "metadata" and ctx.resolve(node.func) in _METADATA_TAKERS
            )
            if takes:
                self._note_use(keyword.value, ctx)

    def _note_metadata_assign(
        self, targets: list[ast.expr], value: ast.expr, ctx: FileContext
    ) -> None:
        if not self._wants_metadata(ctx):
            return
        function = ctx.function
        in_class_body = ctx.class_name is not None and function is None
        for target in targets:
            if isinstance(target, ast.Name):
                if target.id == "target_metadata" or (
                    in_class_body and target.id == "metadata"
                ):  # Alembic's env.py; ``class Base(DeclarativeBase): metadata = m``
                    self._note_use(value, ctx)
                elif isinstance(value, ast.Call) and ctx.resolve(value.func) in METADATA:
                    if function is not None:
                        self._made[id(value)] = (id(function.node), target.id)
                        self._local_made.add((id(function.node), target.id))
                    elif ctx.class_name is None:
                        self._made[id(value)] = (None, target.id)
            elif isinstance(target, ast.Attribute) and target.attr == "metadata":
                self._note_use(value, ctx)  # ``SQLModel.metadata = MetaData(...)``

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> Visited | None:
        if not self._wants_metadata(ctx):
            return FILE_DONE  # settled by the file's path and text
        # ``m.create_all(engine)``, or ``conn.run_sync(m.create_all)``.
        if node.attr == "create_all":
            self._note_use(node.value, ctx)
        return None

    def _note_use(self, value: ast.expr, ctx: FileContext) -> None:
        if isinstance(value, (ast.List, ast.Tuple)):  # ``target_metadata = [a, b]``
            for element in value.elts:
                self._note_use(element, ctx)
        elif isinstance(value, ast.Call):
            if ctx.resolve(value.func) in METADATA:
                self._used_calls.add(id(value))
        elif isinstance(value, ast.Name) and (local := self._local_key(value, ctx)):
            self._local_uses.add(local)
        else:
            name = _project_name(value, ctx)
            if name is not None:
                ctx.add_fact(MODEL_METADATA, name)

    def _local_key(self, node: ast.Name, ctx: FileContext) -> tuple[int, str] | None:
        """(function, name) when ``node`` is a ``MetaData()`` made in this function."""
        function = ctx.function
        if function is None:
            return None
        key = (id(function.node), node.id)
        return key if key in self._local_made else None

    def _holds_models(self, call: ast.Call, ctx: FileContext) -> tuple[bool, str | None]:
        """For a ``MetaData()`` call: (known to hold the models, or else the project-wide
        name to settle that by once every file is seen)."""
        if id(call) in self._used_calls:
            return True, None
        made = self._made.get(id(call))
        if made is None:
            return False, None  # not kept under a name (or kept on an object): unused
        function, name = made
        if function is None:
            return False, module_name(name, ctx)
        return (function, name) in self._local_uses, None


def module_name(name: str, ctx: FileContext) -> str:
    return ctx.qualify(name)


def _project_name(node: ast.expr, ctx: FileContext) -> str | None:
    """The project-wide name of what ``node`` refers to: ``app.db.metadata`` for a name
    imported from there or written ``db.metadata``, ``<this module>.metadata`` for one
    assigned here; None for a parameter or a local."""
    if isinstance(node, ast.Name):
        if not ctx.is_module_binding(node.id):
            return None
        resolved = ctx.resolve(node)
        if resolved is None or resolved.endswith(")"):
            return module_name(node.id, ctx)  # bound in this module (to a call's result)
        return resolved
    if isinstance(node, ast.Attribute):
        resolved = ctx.resolve(node)
        return resolved if resolved and not resolved.endswith(")") else None
    return None


TABLE = frozenset({"sqlalchemy.Table", "sqlalchemy.schema.Table", "sqlmodel.Table"})

# What a file must contain for DBS102/DBS104 to note or report anything (their
# ``needs_text``): every name they check is SQLAlchemy's or SQLModel's, and a name resolves
# to one only in a file importing it; ``ModelMetadata`` notes the app's ``MetaData`` uses
# (``target_metadata = Base.metadata``, ``m.create_all(...)``) in any file.
SQLALCHEMY_TEXT = ("sqlalchemy", "sqlmodel", "metadata", "MetaData", "create_all")

COLUMN_FACTORIES = frozenset(
    {"sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.orm.mapped_column"}
)
SQLMODEL_FIELD = "sqlmodel.Field"


def named(call: ast.Call) -> bool:
    """A column call that names its column first: ``Column("created_at", DateTime)``."""
    first = call.args[0] if call.args else None
    return isinstance(first, ast.Constant) and isinstance(first.value, str)

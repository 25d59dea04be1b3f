"""Facts about the whole project that single-file rules can ask about.

A rule that sees ``user.dict()`` cannot know, from one file, whether ``user``'s class
is a Pydantic model declared elsewhere. It files a deferred finding ("holds if
``app.schemas.UserOut`` is a Pydantic model"); once every file has been walked the
index built from all class definitions settles it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from fastaudit.engine.context import ClassInfo, Deferred
from fastaudit.engine.names import same_qualname
from fastaudit.model import Finding

PYDANTIC_ROOTS = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.v1.BaseModel",
        "pydantic.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic.RootModel",
        "sqlmodel.SQLModel",
    }
)

# The settings bases: a class deriving from one reads its fields from the environment.
SETTINGS_ROOTS = frozenset({"pydantic.BaseSettings", "pydantic_settings.BaseSettings"})
# Qualname of a class that is a settings class if it derives from one (SEC104).
SETTINGS_CLASS = "settings-class"

UNPUBLISHED_APP = "unpublished-app"  # qualname of ``X = FastAPI(openapi_url=None)``
MOUNTED = "mounted"  # qualname of an object passed to ``.mount()`` / ``.host()``
INCLUDED = "included"  # (into, router) of ``into.include_router(router)``
# Qualname of a router whose routes get error responses declared above them:
# ``APIRouter(responses=...)``, or ``include_router(router, responses=...)``.
DOCUMENTED_ROUTER = "documented-router"
# Qualname of a ``MetaData`` the app's models are declared on: given to a declarative
# base (``declarative_base(metadata=m)``, ``class Base: metadata = m``, ``registry``),
# to Alembic as ``target_metadata``, or used for ``m.create_all(...)``.
MODEL_METADATA = "model-metadata"
# (qualname, carries a dependency) of a module-level ``X = Annotated[T, ...]``.
ANNOTATED_ALIAS = "annotated-alias"
# Name of an environment variable the project's own code (not its tests) sets for itself
# or a child process: ``os.environ["X"] = ...``, ``env={"X": ...}`` (SET102).
ENVIRON_WRITTEN = "environ-written"
# Noted (True) by a non-test file that deals in credentials a browser attaches by itself:
# cookies (``set_cookie``, ``Cookie()``, ``request.cookies``, ``APIKeyCookie``, a
# ``SessionMiddleware``) or HTTP Basic/Digest auth (SEC101).
AMBIENT_CREDENTIALS = "ambient-credentials"
# Deferred kind: holds when the variable named is never set by the project (SET102).
ENVIRON_UNWRITTEN = "environ-unwritten"


# Deferred kind (DOC103): "router code code...": the route's finding holds if the router
# is published, and says only the codes no router above it lists in ``responses=``.
ROUTE_DOCS = "route-docs"


def errors_clause(codes: Iterable[int]) -> str:
    """DOC103's words for status codes raised but not documented."""
    return f"raises {', '.join(map(str, codes))} without listing it in `responses=`"


class ProjectIndex:
    def __init__(self) -> None:
        # class name -> [(module, bases)]
        self._classes: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        self._memo: dict[str, bool] = {}
        # Functions that hand out a sync database session (``get_db`` yielding
        # ``SessionLocal()``), for parameters filled by ``Depends(get_db)``.
        self._session_providers: set[str] = set()
        # Where routers go: apps built with ``openapi_url=None``, objects mounted into
        # another app, and (into, router) pairs of ``include_router``.
        self._unpublished_apps: set[str] = set()
        self._mounted: set[str] = set()
        self._included: dict[str, set[str]] = defaultdict(set)
        self._hidden: set[str] | None = None
        # (router, the codes its responses list; None: built elsewhere, trusted)
        self._documented: list[tuple[str, frozenset[int] | None]] = []
        self._model_metadata: set[str] = set()
        # ``Annotated`` aliases by their last name -> [(qualname, carries Depends)].
        self._aliases: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        self._environ_written: set[str] = set()
        self._ambient_credentials = False

    def add_classes(self, classes: Iterable[ClassInfo]) -> None:
        for info in classes:
            module, _, name = info.qualname.rpartition(".")
            self._classes[name].append((module, info.bases))
        self._memo.clear()

    def _definitions(self, qualname: str) -> list[list[str]]:
        module, _, name = qualname.rpartition(".")
        found = []
        for defined_in, bases in self._classes.get(name, ()):
            if not module or same_qualname(defined_in, module):
                found.append(bases)
        return found

    def is_pydantic_model(self, qualname: str, _depth: int = 0) -> bool:
        qualname = qualname.removesuffix("()")
        if qualname in PYDANTIC_ROOTS:
            return True
        if _depth > 20:
            return False
        if qualname in self._memo:
            return self._memo[qualname]
        self._memo[qualname] = False  # cycles resolve to "no"
        answer = any(
            self.is_pydantic_model(base, _depth + 1)
            for bases in self._definitions(qualname)
            for base in bases
            if base
        )
        self._memo[qualname] = answer
        return answer

    def is_settings_class(self, qualname: str, _depth: int = 0) -> bool:
        """Whether the class derives, directly or through project classes, from
        ``BaseSettings``."""
        qualname = qualname.removesuffix("()")
        if qualname in SETTINGS_ROOTS:
            return True
        if _depth > 20:
            return False
        return any(
            self.is_settings_class(base, _depth + 1)
            for bases in self._definitions(qualname)
            for base in bases
            if base
        )

    def add_session_providers(self, qualnames: Iterable[str]) -> None:
        self._session_providers.update(qualnames)

    def is_session_provider(self, qualname: str) -> bool:
        """``src.db.get_db`` and ``db.get_db`` name one function in a src layout."""
        if qualname in self._session_providers:
            return True
        return any(same_qualname(p, qualname) for p in self._session_providers)

    def add_router_facts(self, facts: dict[str, list[Any]]) -> None:
        self._unpublished_apps.update(facts.get(UNPUBLISHED_APP, ()))
        self._mounted.update(facts.get(MOUNTED, ()))
        for router, codes in facts.get(DOCUMENTED_ROUTER, ()):
            self._documented.append((router, None if codes is None else frozenset(codes)))
        for into, router in facts.get(INCLUDED, ()):
            self._included[router].add(into)
        self._hidden = None

    def in_published_schema(self, router: str) -> bool:
        """False for a router that only reaches apps with no OpenAPI document: a
        sub-app built with ``openapi_url=None`` and mounted into another (a back office
        serving HTML), directly or through routers included into routers."""
        if self._hidden is None:
            hidden = {
                app
                for app in self._unpublished_apps
                if any(same_qualname(app, m) for m in self._mounted)
            }
            changed = True
            while changed:
                changed = False
                for included, targets in self._included.items():
                    if included in hidden:
                        continue
                    if all(any(same_qualname(t, h) for h in hidden) for t in targets):
                        hidden.add(included)
                        changed = True
            self._hidden = hidden
        return not any(same_qualname(router, h) for h in self._hidden)

    def add_model_metadata(self, qualnames: Iterable[str]) -> None:
        self._model_metadata.update(qualnames)

    def is_model_metadata(self, qualname: str) -> bool:
        """Whether the ``MetaData`` named ``qualname`` is one the app's models (or its
        Alembic environment, or a ``create_all``) are built on, anywhere in the project."""
        return any(same_qualname(qualname, used) for used in self._model_metadata)

    def add_annotated_aliases(self, aliases: Iterable[tuple[str, bool]]) -> None:
        for qualname, carries in aliases:
            self._aliases[qualname.rpartition(".")[2]].append((qualname, carries))

    def are_plain_aliases(self, qualnames: str) -> bool:
        """Whether every name of ``qualnames`` (space-separated) is an ``Annotated``
        alias with no ``Depends``/``Security`` in it (``Annotated[int, Query()]``): a
        parameter typed with it holds request data, never a row a dependency loaded.
        A name that is no known alias (a class, a re-export) is not plain."""
        for qualname in qualnames.split():
            found = [
                carries
                for known, carries in self._aliases.get(qualname.rpartition(".")[2], ())
                if same_qualname(known, qualname)
            ]
            if not found or any(found):
                return False
        return True

    def undocumented_codes(self, subject: str) -> list[int] | None:
        """``subject`` is a router and the status codes a route of it raises: those no
        router above it (nor an inclusion with ``responses=``) lists, in the order
        given; None when the router is in no published schema."""
        router, *raised = subject.split()
        if not self.in_published_schema(router):
            return None
        left = {int(code) for code in raised}
        seen: set[str] = set()
        pending = [router]
        while pending and left:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for documented, codes in self._documented:
                if same_qualname(current, documented):
                    if codes is None:
                        return []
                    left -= codes
            for included, targets in self._included.items():
                if same_qualname(included, current):
                    pending.extend(targets)
        return [int(code) for code in raised if int(code) in left]

    def _route_docs(self, finding: Finding, subject: str) -> Finding | None:
        """DOC103's finding with its error-response clause narrowed to the codes no
        router above lists (dropped when none is left): None when nothing is left to
        report, or the router is in no published schema."""
        left = self.undocumented_codes(subject)
        if left is None:
            return None
        raised = [int(code) for code in subject.split()[1:]]
        if left == raised:
            return finding
        clause = errors_clause(raised)
        message = finding.message
        if left:
            message = message.replace(clause, errors_clause(left))
        elif message.endswith("; " + clause):
            message = message.removesuffix("; " + clause)
        else:
            return None  # the codes were all it said
        return replace(finding, message=message)

    def add_ambient_credentials(self, noted: Iterable[bool]) -> None:
        self._ambient_credentials = self._ambient_credentials or any(noted)

    def browser_credentials(self, subject: str) -> bool:
        """Whether some file of the project uses credentials a browser sends by itself."""
        return self._ambient_credentials

    def add_environ_writes(self, names: Iterable[str]) -> None:
        self._environ_written.update(names)

    def environ_unwritten(self, name: str) -> bool:
        """Whether no file of the project (tests aside) sets the variable ``name``."""
        return name not in self._environ_written

    def predicates(self) -> dict[str, Callable[[str], bool]]:
        return {
            "pydantic-model": self.is_pydantic_model,
            SETTINGS_CLASS: self.is_settings_class,
            "sync-session-provider": self.is_session_provider,
            "published-router": self.in_published_schema,
            MODEL_METADATA: self.is_model_metadata,
            "plain-annotated-aliases": self.are_plain_aliases,
            ENVIRON_UNWRITTEN: self.environ_unwritten,
            AMBIENT_CREDENTIALS: self.browser_credentials,
        }

    def settle(self, deferred: Iterable[Deferred]) -> list[Finding]:
        predicates = self.predicates()
        settled = []
        for item in deferred:
            if item.kind == ROUTE_DOCS:
                narrowed = self._route_docs(item.finding, item.subject)
                if narrowed is not None:
                    settled.append(narrowed)
            elif predicates[item.kind](item.subject):
                settled.append(item.finding)
        return settled

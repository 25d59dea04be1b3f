"""What a rule is.

A rule is one class: its id, title, family, default severity, why it matters, a Do and a
Don't example, and ``visit_<NodeType>`` methods the engine calls as it walks each file
(``leave_<NodeType>`` runs when a function or class body has been walked). A rule that
can fix what it finds also gives ``dont_fixed``: the Don't example after its fix. That
example is what makes it "fixable" in listings, and it is checked by the test-suite,
like Fixit's VALID/INVALID cases.
"""

from __future__ import annotations

import ast
import textwrap
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from fastaudit.model import Severity
from fastaudit.rules.families import BY_PREFIX, name_of, prefix_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fastaudit.engine.context import CallFilter, FileContext
    from fastaudit.engine.project_view import ProjectView
    from fastaudit.model import Finding


class Rule:
    id: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, names the bad pattern: "blocking-sleep-in-async"
    title: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    rationale: ClassVar[str] = ""
    do: ClassVar[str] = ""
    dont: ClassVar[str] = ""
    # The Don't example after the rule's fix: present exactly when the rule can fix.
    dont_fixed: ClassVar[str | None] = None
    # Fix safety shown in docs; each Fix carries its own safety too.
    fix_safety: ClassVar[str] = ""
    # Further examples the test-suite checks: must not trigger / must trigger.
    extra_valid: ClassVar[tuple[str, ...]] = ()
    extra_invalid: ClassVar[tuple[str, ...]] = ()
    # The peer rules this one corresponds to, each "<tool> <code>": "ruff FAST003",
    # "semgrep python.fastapi.security.wildcard-cors", "flake8-pydantic PYD001".
    peers: ClassVar[tuple[str, ...]] = ()
    # Low-value or opinionated rules can be off unless selected.
    default_enabled: ClassVar[bool] = True
    # The `fastaudit learn` area, when not its family's (see rules/families.py).
    learn_area: ClassVar[str] = ""

    # The calls ``visit_Call`` acts on, when it can say (see ``CallFilter``): the engine
    # then skips it on every other call. None: every call.
    calls: ClassVar[CallFilter | None] = None
    # Strings one of which any file the rule can report on (or note a fact for) must
    # contain, e.g. the module every name it looks for is imported from: the engine does
    # not run the rule on a file holding none of them. Empty: every file.
    needs_text: ClassVar[tuple[str, ...]] = ()
    # True when the rule's own checks leave test files (``is_test_path``) alone: it
    # neither reports nor notes a fact there, so the engine does not run it on them.
    skips_tests: ClassVar[bool] = False
    # A rule about the FastAPI app itself (its settings), not about any Python code: it
    # says nothing in a monorepo's library package whose dependencies leave FastAPI out
    # (``audit.scan.library_paths``).
    app_only: ClassVar[bool] = False

    _handlers: ClassVar[dict[object, str]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[object, str] = {}
        # The visit_/leave_ functions the class has, its own and inherited (what
        # ``inspect.getmembers`` gives, without its getattr of every name: this runs for
        # each of the ~90 rules at every start-up).
        names = {name for klass in cls.__mro__ for name in vars(klass)}
        for attr in sorted(names):
            if not attr.startswith(("visit_", "leave_")) or not isinstance(
                getattr(cls, attr, None), types.FunctionType
            ):
                continue
            prefix, _, node_name = attr.partition("_")
            if prefix not in ("visit", "leave") or not node_name:
                continue
            node_type = getattr(ast, node_name, None)
            if not (isinstance(node_type, type) and issubclass(node_type, ast.AST)):
                raise TypeError(f"{cls.__name__}.{attr}: ast has no node type {node_name!r}")
            handlers[node_type if prefix == "visit" else ("leave", node_type)] = attr
        cls._handlers = handlers
        for example in ("do", "dont", "dont_fixed"):
            value = getattr(cls, example)
            if isinstance(value, str) and value:
                setattr(cls, example, textwrap.dedent(value).strip("\n") + "\n")
        # A rule that fixes teaches its fixed Don't as the Do, unless it gives a Do of
        # its own (a better teaching example than the mechanical fix).
        if "do" not in cls.__dict__ and "dont_fixed" in cls.__dict__ and cls.dont_fixed:
            cls.do = cls.dont_fixed
        if isinstance(cls.rationale, str):
            cls.rationale = textwrap.dedent(cls.rationale).strip()

    @property
    def family(self) -> str:
        return prefix_of(self.id)

    @classmethod
    def family_name(cls) -> str:
        return name_of(prefix_of(cls.id))

    @classmethod
    def learn_area_key(cls) -> str:
        """The key of the learn area this rule is taught in; "" for none."""
        family = BY_PREFIX.get(prefix_of(cls.id))
        return cls.learn_area or (family.learn_area if family is not None else "")

    @classmethod
    def fixable(cls) -> bool:
        return cls.dont_fixed is not None

    @classmethod
    def merge(cls, findings: list[Finding]) -> list[Finding]:
        """The rule's findings sharing one ``Finding.decision`` key, once the scan's
        filters (served code, per-file ignores) have kept them: as reported. A rule whose
        findings repeat one remedy at many places reports them as one here."""
        return findings

    def handlers(self) -> list[tuple[object, Callable[[ast.AST, FileContext], None]]]:
        return [(key, getattr(self, attr)) for key, attr in self._handlers.items()]

    def finish(self, ctx: FileContext) -> None:
        """Called once after the whole file has been walked."""


class ProjectRule(Rule):
    """A rule that looks at the whole project at once: dependency files, layout,
    settings shared across domains. It runs after every Python file has been walked,
    and sees them through :class:`~fastaudit.engine.project_view.ProjectView`.

    Its examples are still checked by the test-suite: ``dont`` and ``do`` are then
    small projects written as ``{relative path: file text}`` in ``dont_files`` /
    ``do_files`` (``dont``/``do`` stay as the text shown to people).
    """

    dont_files: ClassVar[dict[str, str]] = {}
    do_files: ClassVar[dict[str, str]] = {}
    dont_fixed_files: ClassVar[dict[str, str] | None] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for attr in ("dont_files", "do_files", "dont_fixed_files"):
            files = getattr(cls, attr)
            if files:
                setattr(
                    cls,
                    attr,
                    {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()},
                )

    @classmethod
    def fixable(cls) -> bool:
        return cls.dont_fixed is not None or cls.dont_fixed_files is not None

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        raise NotImplementedError

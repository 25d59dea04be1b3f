"""The scan: each Python file read and parsed once, every enabled rule run in one walk.

``analyze`` is a pure function of (path, bytes, rule ids), so it can run in worker
processes and its result can be cached by content hash. Everything that needs the whole
project (deferred findings, configuration, suppressions) happens in ``scan``.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import gc
import hashlib
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, is_dataclass, replace
from pathlib import Path
from typing import NamedTuple

from fastaudit import settings
from fastaudit.audit.route_classes import fingerprint, importers, project_route_classes
from fastaudit.audit.selection import enabled_rules, is_known_selector
from fastaudit.config import Config, load_config, severity_for
from fastaudit.engine.cache import ResultCache
from fastaudit.engine.context import (
    NO_OPTIONS,
    CallDispatch,
    CallTable,
    Dispatch,
    FileContext,
    Visited,
    WalkOptions,
    call_filter,
    module_name,
)
from fastaudit.engine.edits import apply_edits
from fastaudit.engine.layout import CLI_COMMAND_FACT, LayoutFacts, is_test_path
from fastaudit.engine.name_safety import attribute_renames, demote, unprovable
from fastaudit.engine.outcome import FileOutcome, Proof
from fastaudit.engine.parallel import WorkerPool, analyze_paths
from fastaudit.engine.project_index import (
    AMBIENT_CREDENTIALS,
    ANNOTATED_ALIAS,
    ENVIRON_WRITTEN,
    MODEL_METADATA,
    ProjectIndex,
)
from fastaudit.engine.project_view import ProjectView
from fastaudit.engine.serving import off_loop, on_loop, reachable, serves
from fastaudit.engine.suppress import Suppressions, parse_suppressions
from fastaudit.model import Finding, Fix, Location, Safety, Severity, Span
from fastaudit.project.deps.policy import applies, fix_policy, pinned_note
from fastaudit.project.derived import Derived
from fastaudit.project.discovery import Discovery, discover
from fastaudit.project.since import changed_lines, only_changed
from fastaudit.project.source import (
    SourceError,
    SourceText,
    decode,
    digest_bytes,
    read_bytes,
    split_lines,
)
from fastaudit.rules import all_rules
from fastaudit.rules._support.direct_calls import direct_call_vetoes, direct_calls
from fastaudit.rules.async_code._startup import blocking_rules, startup_spans
from fastaudit.rules.base import ProjectRule, Rule

# Rules whose fixes the cross-file vetoes apply to.
VETOED_RULES = frozenset({"DEP101", "DEP102"})


@dataclass(slots=True)
class ScanResult:
    root: Path
    config: Config
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, FileOutcome] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Quiet lines for the user, not problems (broken symlinks skipped).
    notes: list[str] = field(default_factory=list)
    discovery: Discovery | None = None
    enabled: tuple[str, ...] = ()
    index: ProjectIndex | None = None
    # Findings of project-level rules (dependency files, layout), before filtering.
    project_findings: list[Finding] = field(default_factory=list)
    # Digests of non-Python files that project rules read (for stale-write checks).
    digests: dict[str, str] = field(default_factory=dict)
    cache_hits: int = 0
    # Rule-id prefix -> why its fixes are unsafe in this project (see deps.policy).
    fix_policy: dict[str, str] = field(default_factory=dict)
    # (path, line) of a finding -> why its fix is unsafe, settled across files
    # (a route's markers moved into Annotated while code calls the route directly).
    fix_vetoes: dict[tuple[str, int], str] = field(default_factory=dict)
    direct_calls: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    # Files that never run on the server's event loop (scripts, tests, migrations), with
    # the evidence: the serving rules (ASY*, DBS101, ...) say nothing there.
    off_loop: dict[str, str] = field(default_factory=dict)
    # Files kept for the serving rules -> why they count as served (shown in the detail).
    on_loop: dict[str, str] = field(default_factory=dict)
    # Files of a library package beside the app (a monorepo's package whose dependencies
    # leave FastAPI out) -> why: the app-only rules (``Rule.app_only``) say nothing there.
    outside_app: dict[str, str] = field(default_factory=dict)
    # (first line, last line) of the functions only start-up or shutdown runs, by path:
    # the blocking rules say nothing inside them (``rules.async_code._startup``).
    startup: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # Only findings on lines changed since this git ref (``--since``), kept through
    # every refresh.
    since: str | None = None
    # What the project rules read (other than the Python files) and warned about: what a
    # kept project pass depends on and repeats (see ``ProjectPass``).
    read_paths: list[str] = field(default_factory=list)
    project_warnings: list[str] = field(default_factory=list)
    # Dependency files parsed for this result, by content (see ``project.derived``).
    derived: Derived | None = None
    # What every walk of a file of this result is given: the configuration's part and
    # the project's own route classes (``WalkOptions``); a rescan of one file asks it.
    options: WalkOptions = NO_OPTIONS

    def digest_of(self, path: str) -> str:
        outcome = self.files.get(path)
        return outcome.digest if outcome is not None else self.digests.get(path, "")

    @property
    def file_count(self) -> int:
        return len(self.files)

    def counts(self) -> dict[Severity, int]:
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


def _scan_problem(path: str, error: SourceError) -> Finding:
    rule_id = {"syntax": "SCN001", "template": "SCN003"}.get(error.kind, "SCN002")
    rule = all_rules()[rule_id]
    return Finding(
        rule=rule_id,
        severity=rule.severity,
        path=path,
        span=Span(error.line, error.column, error.line, error.column),
        message=error.message,
        family="SCN",
        title=rule.title,
    )


def parse(source: SourceText, path: str) -> ast.Module:
    try:
        # The audited code's own SyntaxWarnings ("is" with a literal...) are not ours
        # to print.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source.text, filename=path)
    except SyntaxError as exc:
        line = exc.lineno or 1
        # ``offset`` is already a 1-based character column (not UTF-8 bytes).
        column = max(exc.offset or 1, 1) if exc.lineno else 1
        raise SourceError("syntax", f"syntax error: {exc.msg}", line, column) from exc
    except (RecursionError, MemoryError) as exc:
        raise SourceError("syntax", "the file is too deeply nested for Python's parser") from exc
    except ValueError as exc:  # e.g. NUL bytes the decoder let through
        raise SourceError("syntax", f"cannot parse: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _text_gated(rule_ids: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(id, needles) of the rules among ``rule_ids`` that declare ``needs_text``."""
    registry = all_rules()
    return tuple(
        (r, registry[r].needs_text) for r in rule_ids if r in registry and registry[r].needs_text
    )


@functools.lru_cache(maxsize=64)
def _test_gated(rule_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The rules among ``rule_ids`` with nothing to do in a test file: those that
    declare ``skips_tests``, and the serving rules (``serves``). A test never runs on
    the server's loop, so ``finalize`` drops every serving finding in one (``off_loop``
    says "a test file"). The facts a serving rule would note there are read for
    findings in that file alone (ASY106's pure functions, ASY112's and ASY114's
    candidates: dropped too), or to settle the app's own code, which never names a
    test's function (ASY114's costly functions, ASY104's and DBS101's session
    providers, DBS101's dependency aliases, ASY107's ``Annotated`` aliases), or not at
    all for a test (DBS101's working routes). On a large app's tests that is a tenth of
    the walk's CPU. ``tests/test_engine.py`` lists those facts and holds the walk to
    them."""
    registry = all_rules()
    return tuple(r for r in rule_ids if r in registry and (registry[r].skips_tests or serves(r)))


def _not_needed(rule_ids: tuple[str, ...], text: str, path: str = "") -> tuple[str, ...]:
    """The rules that cannot report anything in ``text`` at ``path``: none of their
    ``needs_text`` strings is in it (a substring test each, far cheaper than their
    handlers), or it is a test file and they skip those."""
    # Several rules share needles: each is searched for once, and a rule's search stops
    # at its first needle found (a needle missing costs a pass over the whole text).
    found: dict[str, bool] = {}

    def holds(needle: str) -> bool:
        answer = found.get(needle)
        if answer is None:
            answer = found[needle] = needle in text
        return answer

    skipped = tuple(rule for rule, needles in _text_gated(rule_ids) if not any(map(holds, needles)))
    if is_test_path(path):
        skipped += _test_gated(rule_ids)
    return skipped


# Per node type (or ``("leave", type)``), the handlers to call: the indices into the rule
# classes of their rules, and the functions as the classes hold them, in the same order;
# for ``ast.Call``, the table of their call filters too.
_Plan = list[
    tuple[object, tuple[int, ...], tuple[Callable[..., Visited | None], ...], CallTable | None]
]


class _RulePlan(NamedTuple):
    """How a rule set walks a file, worked out once per rule set (``_dispatch_plan``),
    not once per file."""

    classes: tuple[type[Rule], ...]  # the rule classes with handlers
    plan: _Plan
    finishing: tuple[int, ...]  # the classes with a ``finish`` of their own
    layout: int | None  # the first layout rule, which notes the layout's facts


@functools.lru_cache(maxsize=256)
def _dispatch_plan(rule_ids: tuple[str, ...], skipped: tuple[str, ...] = ()) -> _RulePlan:
    """The rule classes with handlers among ``rule_ids`` (less ``skipped``); per node
    type the handlers to call, as (index into those classes, function), with the table
    of the ``visit_Call`` handlers' filters; the indices of the classes with a
    ``finish`` of their own (the others' does nothing); and the index of the first
    layout rule."""
    registry = all_rules()
    classes = [
        registry[r]
        for r in rule_ids
        if r in registry and registry[r]._handlers and r not in skipped
    ]
    if any(serves(r) for r in rule_ids) and not any(issubclass(c, LayoutFacts) for c in classes):
        # Where code runs needs to know which files create the app, whatever is
        # selected: walk with a layout rule too (its findings are not enabled, so
        # ``finalize`` drops them).
        classes.append(next(c for c in registry.values() if issubclass(c, LayoutFacts)))
    plan: dict[object, list[tuple[int, Callable[..., Visited | None]]]] = {}
    shared: dict[object, set[object]] = {}
    for index, cls in enumerate(classes):
        for key, attr in cls._handlers.items():
            handler = getattr(cls, attr)
            if getattr(handler, "shared_visitor", False):
                # Inherited by several rules and the same whichever runs it: once a node.
                seen = shared.setdefault(key, set())
                if handler in seen:
                    continue
                seen.add(handler)
            plan.setdefault(key, []).append((index, handler))
    tables: _Plan = []
    for key, entries in plan.items():
        table = None
        if key is ast.Call:
            filters = [call_filter(classes[index]) for index, _ in entries]
            table = CallTable.of(filters) if any(filters) else None
        indices = tuple(index for index, _ in entries)
        tables.append((key, indices, tuple(handler for _, handler in entries), table))
    finishing = tuple(i for i, cls in enumerate(classes) if cls.finish is not Rule.finish)
    layout = next((i for i, cls in enumerate(classes) if issubclass(cls, LayoutFacts)), None)
    return _RulePlan(tuple(classes), tables, finishing, layout)


def walk_options(config: Config) -> WalkOptions:
    """What of ``config`` a file's walk reads (see ``WalkOptions``)."""
    return WalkOptions(blocking_calls=tuple(sorted(config.blocking_calls)))


def analyze(
    path: str, data: bytes, rule_ids: Iterable[str], options: WalkOptions = NO_OPTIONS
) -> FileOutcome:
    """Read, parse and walk one file. Never raises for bad input."""
    outcome = FileOutcome(path=path)
    lowered = False
    try:
        source = decode(data)
        outcome.digest = source.digest
        try:
            tree = parse(source, path)
        except SourceError as error:
            if error.kind != "syntax" or not error.message.startswith("syntax error"):
                raise  # unreadable, or nested too deep for any parser
            source, tree = _parse_newer(source, path, error)
            lowered = True
    except SourceError as error:
        outcome.parsed = False
        if not outcome.digest:
            outcome.digest = digest_bytes(data)
        outcome.findings.append(_scan_problem(path, error))
        return outcome
    ids = tuple(rule_ids)
    classes, plan, finishing, layout = _dispatch_plan(ids, _not_needed(ids, source.text, path))
    rules = [cls() for cls in classes]
    rule_at = rules.__getitem__
    dispatch: Dispatch = {}
    for key, indices, functions, table in plan:
        # Paired in C: ten thousand small files make this set-up a cost of its own.
        handlers = list(zip(map(rule_at, indices), functions, strict=True))
        dispatch[key] = handlers if table is None else CallDispatch.of(table, handlers)
    module, is_package = module_name(path)
    ctx = FileContext(path, source, tree, module, is_package, options)
    ctx.rule_classes = classes
    if layout is not None:
        owner = rules[layout]
        assert isinstance(owner, LayoutFacts)  # ``_dispatch_plan`` picked it so
        owner.claim_layout(ctx)
    try:
        ctx.run(dispatch, [rules[index] for index in finishing])
    except (RecursionError, MemoryError):
        # MemoryError: the parser's answer when a rule parses a string annotation
        # nested too deep (``x: "----...1"``).
        outcome.findings.append(
            _scan_problem(path, SourceError("syntax", "the file is too deeply nested to analyse"))
        )
        outcome.parsed = False
        return outcome
    # Only the lines findings are on can be silenced (``Suppressions.covers``).
    lines = {n for f in ctx.findings for n in (f.span.line, f.span.end_line)}
    lines.update(n for d in ctx.deferred for n in (d.finding.span.line, d.finding.span.end_line))
    suppressions = suppressions_in(source, lines)
    if suppressions.skip_file:
        return outcome
    for line, rule_id in suppressions.unknown:
        outcome.warnings.append(f"{path}:{line}: suppression names unknown rule `{rule_id}`")
    covers = suppressions.covers
    outcome.findings = [f for f in ctx.findings if not covers(f.rule, f.span.line, f.span.end_line)]
    outcome.deferred = [
        d
        for d in ctx.deferred
        if not covers(d.finding.rule, d.finding.span.line, d.finding.span.end_line)
    ]
    outcome.classes = ctx.classes
    outcome.imports = ctx.imports
    outcome.facts = ctx.facts
    if lowered:
        _without_fixes(outcome)
    else:
        outcome.proof = _proof(source, tree, outcome)
    outcome.summary = project_summary(outcome)
    return outcome


def _proof(source: SourceText, tree: ast.Module, outcome: FileOutcome) -> Proof | None:
    """The proof of the file's safe fixes (``FileOutcome.proof``), worked out here, in a
    worker, from the tree the walk read: after the walk it would cost a parse of the file
    in the parent, one file after another. The set is the one ``prove_fixes`` most often
    asks about; when the project pass changes it (a fix made unsafe by policy, a deferred
    finding dropped), it asks again, unless what went only renamed attributes."""
    fixes = [
        finding.fix
        for finding in (*outcome.findings, *(d.finding for d in outcome.deferred))
        if finding.fix is not None and finding.fix.safety is Safety.SAFE
    ]
    if not fixes or not outcome.path.endswith(".py"):
        return None
    unique = list(dict.fromkeys(fixes))
    text = source.text
    renames = attribute_renames(text, tree, unique, source.offset)
    if len(renames) == len(unique):
        # Every fix renames an attribute (``item.dict()`` -> ``item.model_dump()``):
        # none changes a name the scopes hold, alone or with the others, so none can
        # change what a name refers to; nor can any set of them the project pass leaves.
        return Proof(frozenset(unique), {}, renames)
    reasons = unprovable(text, unique, tree)
    if not outcome.deferred or reasons or len(apply_edits(text, unique)[1]) != len(unique):
        # Deferred findings may be dropped by the project pass: which of the fixes
        # leave the scopes as they are answers for the set it leaves (``Proof.answer``),
        # once all of them apply together with no problem.
        renames = frozenset()
    return Proof(frozenset(unique), reasons, renames)


def project_summary(outcome: FileOutcome) -> str:
    """The digest of what the project pass reads of ``outcome`` (see
    ``FileOutcome.summary``): its facts, classes and imports, whether it parsed, and
    whether a serving rule reports in it (which files count as served)."""
    serving = any(serves(f.rule) for f in outcome.findings) or any(
        serves(d.finding.rule) for d in outcome.deferred
    )
    material = repr((outcome.facts, outcome.classes, outcome.imports, outcome.parsed, serving))
    return hashlib.sha256(material.encode()).hexdigest()


# Tools whose findings are silenced with a noqa comment naming a code: their codes, in such a
# comment, also silence our rules that name them as peers.
_NOQA_TOOLS = ("ruff", "flake8-async", "flake8-fastapi", "flake8-pydantic")


def suppressions_in(text: str | SourceText, lines: Collection[int] | None = None) -> Suppressions:
    """The suppression comments of a Python file's ``text`` that can matter on ``lines``
    (see ``parse_suppressions``), our rules and their peers' codes known: what the walk,
    the project pass and the auditor's ``i`` all ask. A ``SourceText`` lends the lower
    case text the rules may have made already."""
    if isinstance(text, SourceText):
        return parse_suppressions(
            text.text, _rule_ids(), noqa_peer_codes(), lines, folded=text.folded
        )
    return parse_suppressions(text, _rule_ids(), noqa_peer_codes(), lines)


@functools.cache
def _rule_ids() -> frozenset[str]:
    return frozenset(all_rules())


@functools.cache
def noqa_peer_codes() -> dict[str, frozenset[str]]:
    """A peer tool's code -> the ids of our rules corresponding to it (``RUF006`` ->
    ASY111, ``FAST002`` -> DEP101 and DEP102)."""
    found: dict[str, set[str]] = {}
    for rule_id, rule in all_rules().items():
        for peer in rule.peers:
            tool, _, code = peer.partition(" ")
            if tool in _NOQA_TOOLS and code:
                found.setdefault(code.upper(), set()).add(rule_id)
    return {code: frozenset(ids) for code, ids in found.items()}


def _parse_newer(
    source: SourceText, path: str, error: SourceError
) -> tuple[SourceText, ast.Module]:
    """A file this interpreter's parser rejects: newer syntax lowered for it (same
    lines), or the error kept; a template named ``.py`` gets its own kind."""
    if _template_in_code(source.text, error.line):
        # No grammar reads it; lowering would try LibCST's parse of the whole file (tens
        # of milliseconds, and LibCST's import) to find that out.
        raise SourceError("template", TEMPLATE_MESSAGE, error.line, error.column) from None
    # Here, not at the top: lowering needs libcst, slow to import and only wanted for a
    # file this interpreter cannot parse.
    from fastaudit.engine.lowering import lower

    # Where the parser stopped, as lowering's own parse says it: its first round is then
    # not one more parse.
    cause = error.__cause__
    stop = (cause.lineno or 0) if isinstance(cause, SyntaxError) else None
    lowered = lower(source.text, stop)
    if lowered is None:
        if "{{" in source.text or "{%" in source.text:
            raise SourceError("template", TEMPLATE_MESSAGE, error.line, error.column) from None
        raise error
    if lowered.tree is None:
        raise error from None
    return SourceText(lowered.text, source.encoding, source.bom, source.digest), lowered.tree


TEMPLATE_MESSAGE = "not Python source: looks like a template (`{{ }}` / `{% %}`)"


def _template_in_code(text: str, line: int) -> bool:
    """Whether a template's marks stand where the parser reads code, ``line`` being
    where it stopped:
    - that line starts with a tag (``{% if x %}``, ``{# note #}``). Newer syntax cannot
      have put it outside a string: the constructs that read otherwise on this
      interpreter (an f-string nesting its own quotes) stop the parser on their own
      line, before it;
    - a ``{%`` anywhere in code, outside strings and comments: no Python reads one;
    - a ``{{`` in code on that line (``from app.{{ version }}.client import x``;
      elsewhere, ``{{1}}`` is a set in a set).
    The strings are read (``lowering_fstrings``) only when the text holds such a mark."""
    lines = split_lines(text)
    stopped = lines[line - 1] if 0 < line <= len(lines) else ""
    if stopped.lstrip().startswith(("{%", "{#")):
        return True
    if "{%" not in text and "{{" not in stopped:
        return False
    from fastaudit.engine.lowering_fstrings import code_spans

    spans = code_spans(text)
    if spans is None:
        return False  # a string the reader leaves to LibCST: lowering decides
    first = SourceText(text).line_start(line) if stopped else len(text)
    last = first + len(stopped)
    for start, end in spans:
        if "{%" in text[start:end]:
            return True
        if start < last and end > first and "{{" in text[max(start, first) : min(end, last)]:
            return True
    return False


def _without_fixes(outcome: FileOutcome) -> None:
    """A lowered file's positions are the lowered text's: no fix may edit by them."""
    outcome.findings = [replace(f, fix=None) if f.fix else f for f in outcome.findings]
    outcome.deferred = [
        replace(d, finding=replace(d.finding, fix=None)) if d.finding.fix else d
        for d in outcome.deferred
    ]
    # Facts may carry a fix for a project rule to offer (STR102's ``CrossImport``). Facts
    # are plain values, never classes: the isinstance test only narrows for the type checker.
    outcome.facts = {
        kind: [
            replace(v, fix=None)
            if is_dataclass(v) and not isinstance(v, type) and getattr(v, "fix", None)
            else v
            for v in values
        ]
        for kind, values in outcome.facts.items()
    }


def unreadable(path: str, error: SourceError) -> FileOutcome:
    """The outcome of a file that cannot be read: its scan finding says why."""
    outcome = FileOutcome(path=path, parsed=False)
    outcome.findings.append(_scan_problem(path, error))
    return outcome


def analyze_file(
    root: Path,
    path: str,
    rule_ids: Iterable[str],
    max_bytes: int,
    options: WalkOptions = NO_OPTIONS,
) -> FileOutcome:
    try:
        data = read_bytes(root / path, max_bytes)
    except SourceError as error:
        return unreadable(path, error)
    return analyze(path, data, rule_ids, options)


def build_index(outcomes: Iterable[FileOutcome]) -> ProjectIndex:
    index = ProjectIndex()
    for outcome in outcomes:
        index.add_classes(outcome.classes)
        index.add_session_providers(outcome.facts.get("sync-session-provider", ()))
        index.add_router_facts(outcome.facts)
        index.add_model_metadata(outcome.facts.get(MODEL_METADATA, ()))
        index.add_annotated_aliases(outcome.facts.get(ANNOTATED_ALIAS, ()))
        index.add_environ_writes(outcome.facts.get(ENVIRON_WRITTEN, ()))
        index.add_ambient_credentials(outcome.facts.get(AMBIENT_CREDENTIALS, ()))
    return index


def finalize(
    outcomes: Iterable[FileOutcome],
    config: Config,
    enabled: set[str],
    index: ProjectIndex | None = None,
    extra: Iterable[Finding] = (),
    fix_policy: dict[str, str] | None = None,
    fix_vetoes: dict[tuple[str, int], str] | None = None,
    off_loop: dict[str, str] | None = None,
    on_loop: dict[str, str] | None = None,
    outside_app: dict[str, str] | None = None,
    startup: dict[str, list[tuple[int, int]]] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Settle deferred findings and apply per-file ignores, severity overrides and the
    fixes' safety: the project's policy demotes first, then the user's
    ``extend-safe-fixes`` / ``extend-unsafe-fixes`` have the last word."""
    outcomes = list(outcomes)
    if index is None:
        index = build_index(outcomes)
    candidates: list[Finding] = list(extra)
    warnings: list[str] = []
    for outcome in outcomes:
        warnings.extend(outcome.warnings)
        candidates.extend(outcome.findings)
        candidates.extend(index.settle(outcome.deferred))
    # Defs registered as command-line commands, by file: their own loop, not the server's.
    commands = {
        outcome.path: spans
        for outcome in outcomes
        if (spans := outcome.facts.get(CLI_COMMAND_FACT))
    }
    findings: list[Finding] = []
    ignores: dict[str, set[str]] = {}
    only_in_app = app_only_rules() if outside_app else frozenset()
    for finding in candidates:
        if finding.rule not in enabled:
            continue
        if outside_app and finding.path in outside_app and finding.rule in only_in_app:
            continue
        if serves(finding.rule):
            if off_loop and finding.path in off_loop:
                continue
            spans = commands.get(finding.path)
            if spans and any(first <= finding.line <= last for first, last in spans):
                continue
            spans = startup.get(finding.path) if startup else None
            if (
                spans
                and finding.rule in blocking_rules()
                and any(first <= finding.line <= last for first, last in spans)
            ):
                continue  # start-up runs before any request is served
            if on_loop and finding.path in on_loop:
                finding = with_evidence(finding, on_loop[finding.path])
        ignored = ignores.get(finding.path)
        if ignored is None:
            ignored = ignores[finding.path] = config.ignored_for(finding.path)
        if any(finding.rule.startswith(i) for i in ignored):
            continue
        waits = pinned_note(fix_policy, finding.rule) if fix_policy else None
        if waits is not None:
            # Upgrade work, not a defect of the pinned release.
            finding = replace(
                finding, message=f"{finding.message} ({waits})", severity=Severity.INFO
            )
        level = severity_for(config, finding.rule, finding.severity)
        if level != finding.severity:
            finding = replace(finding, severity=level)
        if fix_policy and finding.fix is not None:
            # Every reason the project gives, on unsafe fixes too: they say what to check.
            reasons = [r for p, r in fix_policy.items() if applies(p, finding.rule)]
            if reasons:
                note = "; ".join([finding.fix.note, *reasons] if finding.fix.note else reasons)
                finding = replace(
                    finding, fix=replace(finding.fix, safety=Safety.UNSAFE, note=note)
                )
        if finding.fix is not None and config.fix_overrides:
            override = config.fix_override(finding.rule)
            if override is not None and override.safety is not finding.fix.safety:
                note = "; ".join(p for p in (finding.fix.note, override.reason) if p)
                finding = replace(
                    finding, fix=replace(finding.fix, safety=override.safety, note=note)
                )
        if fix_vetoes and finding.fix is not None and finding.fix.safety is Safety.SAFE:
            veto = fix_vetoes.get((finding.path, finding.span.line))
            if veto is not None and finding.rule in VETOED_RULES:
                note = f"{finding.fix.note}; {veto}" if finding.fix.note else veto
                finding = replace(
                    finding, fix=replace(finding.fix, safety=Safety.UNSAFE, note=note)
                )
        findings.append(finding)
    findings = _merged_by_key(findings)
    findings = [shorten(f) for f in _one_per_decision(_templates_by_folder(findings))]
    findings.sort(key=Finding.sort_key)
    return findings, warnings


@functools.cache
def app_only_rules() -> frozenset[str]:
    """Ids of the rules about the app itself (``Rule.app_only``)."""
    return frozenset(r for r, cls in all_rules().items() if cls.app_only)


# Distributions whose presence among a package's dependencies makes it the app (or part
# of it): a package depending on neither is a library beside it.
_APP_DISTRIBUTIONS = frozenset({"fastapi", "starlette"})


def library_paths(view: ProjectView, paths: Iterable[str]) -> dict[str, str]:
    """Of ``paths``, the files of a library package beside the app: the nearest folder
    above them holding a dependency file (not the root) declares neither FastAPI nor
    Starlette, while another of the project's dependency files does (a monorepo's
    integrations next to its server). With no such contrast, nothing is set aside."""
    from fastaudit.project.deps.collect import collect  # the parsers: a project pass's

    deps, _ = collect(view)
    declares_app: dict[str, bool] = {}
    for path in deps.declaring_files:
        declares_app.setdefault(path.rpartition("/")[0], False)
    for declaration in deps.declarations:
        folder = declaration.where.file.rpartition("/")[0]
        declares_app[folder] = declares_app.get(folder, False) or (
            declaration.name in _APP_DISTRIBUTIONS
        )
    if not any(declares_app.values()) or all(declares_app.values()):
        return {}
    found: dict[str, str] = {}
    for path in paths:
        folders = [f for f in declares_app if not f or path.startswith(f + "/")]
        if not folders:
            continue
        nearest = max(folders, key=len)
        # The root is never a library beside the app: its dependency files may well be
        # tooling only, with the app's in a requirements folder.
        if nearest and not declares_app[nearest]:
            found[path] = (
                f"a package of its own (`{nearest}/`) whose dependencies leave FastAPI out"
            )
    return found


def with_evidence(finding: Finding, evidence: str) -> Finding:
    """A serving rule's finding with why its file counts as served, for the detail view
    and JSON (a report line stays short)."""
    text = finding.detail or finding.message
    return replace(finding, detail=f"{text}\n\nServed code, as {evidence}.")


# A message is one line of a report: past this many characters it is cut at a clause
# boundary and the whole text moves to ``Finding.detail``.
MESSAGE_LIMIT = 300


def shorten(finding: Finding) -> Finding:
    message = finding.message
    if len(message) <= MESSAGE_LIMIT:
        return finding
    short = _clip(message, MESSAGE_LIMIT) + " … (full text in the detail view and JSON)"
    return replace(finding, message=short, detail=finding.detail or message)


def _clip(message: str, limit: int) -> str:
    """``message`` cut at a clause boundary to leave 40 characters of ``limit`` free."""
    head = message[: limit - 40]
    cut = max(head.rfind("; "), head.rfind(", "), head.rfind(" ("), head.rfind(": "))
    if cut < limit // 2:
        cut = head.rfind(" ")
    return message[:cut].rstrip(" ;,:(")


# Rules whose findings are one project-wide convention: a plural table name in every
# model, an old migration naming scheme across the history, TestClient in every test
# file. A reviewer makes that decision once, so it is one finding listing where.
ONE_DECISION = frozenset({"DBS101", "DBS103", "MIG104", "TST101"})


def _one_per_decision(findings: list[Finding]) -> list[Finding]:
    grouped: dict[str, list[Finding]] = {}
    rest: list[Finding] = []
    for finding in findings:
        if finding.rule in ONE_DECISION and finding.fix is None:
            grouped.setdefault(finding.rule, []).append(finding)
        else:
            rest.append(finding)
    for group in grouped.values():
        group.sort(key=Finding.sort_key)
        first = group[0]
        if len(group) > 1:
            places = [f"{f.path}:{f.span.line}" for f in group]
            others = len(group) - 1
            detail = (
                first.message
                + "\n\nThe same holds at:\n"
                + "\n".join(
                    f"  {p}: {f.message}" for p, f in zip(places[1:], group[1:], strict=True)
                )
            )
            more = (
                f" (and {others} more like it: "
                f"{', '.join(places[1:4])}{', …' if others > 3 else ''})"
            )
            base = first.message
            if len(base) + len(more) > MESSAGE_LIMIT:
                # Keep the count of places: the base message gives way, whole in detail.
                base = _clip(base, MESSAGE_LIMIT - len(more) + 40) + " …"
            related = tuple(Location(f.path, f.span.line, f.message, f.span) for f in group[1:])
            first = replace(first, message=base + more, detail=detail, related=related)
        rest.append(first)
    return rest


def _merged_by_key(findings: list[Finding]) -> list[Finding]:
    """Findings sharing a ``decision`` key, merged as their rule says (``Rule.merge``)."""
    keyed: dict[tuple[str, str], list[Finding]] = {}
    rest: list[Finding] = []
    for finding in findings:
        if finding.decision:
            keyed.setdefault((finding.rule, finding.decision), []).append(finding)
        else:
            rest.append(finding)
    registry = all_rules()
    for (rule_id, _), group in keyed.items():
        group.sort(key=Finding.sort_key)
        rule = registry.get(rule_id)
        rest.extend(rule.merge(group) if rule is not None else group)
    return rest


def _templates_by_folder(findings: list[Finding]) -> list[Finding]:
    """One SCN003 per folder: a generator's template folder holds many such files, and
    one decision (rename or exclude them) covers them all."""
    by_folder: dict[str, list[Finding]] = {}
    rest: list[Finding] = []
    for finding in findings:
        if finding.rule == "SCN003":
            by_folder.setdefault(finding.path.rpartition("/")[0], []).append(finding)
        else:
            rest.append(finding)
    for folder, group in by_folder.items():
        group.sort(key=Finding.sort_key)
        first = group[0]
        if len(group) > 1:
            names = [f.path.rpartition("/")[2] for f in group]
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            where = f"`{folder}/`" if folder else "the project root"
            first = replace(
                first,
                message=f"{len(group)} files in {where} are not Python source but templates "
                f"(`{{{{ }}}}` / `{{% %}}`): {shown}",
            )
        rest.append(first)
    return rest


def project_view(result: ScanResult) -> ProjectView:
    """The view project rules see of a finished scan."""
    assert result.discovery is not None and result.index is not None
    return ProjectView.of(result.root, result.config, result.discovery, result.files, result.index)


# The results of a project pass a kept ``ProjectPass`` holds under the same names as
# ``ScanResult`` (its warnings aside: they are the pass's own, ``project_warnings``).
_KEPT_FIELDS = (
    "project_findings",
    "fix_policy",
    "off_loop",
    "on_loop",
    "outside_app",
    "startup",
    "direct_calls",
    "fix_vetoes",
    "digests",
)


@dataclass(slots=True)
class ProjectPass:
    """What the project rules gave in one run, and what that depended on: kept in the
    result cache and given again while nothing of it changed (a warm run with nothing
    edited skips the project pass, the bulk of its time)."""

    # The Python files with their digests, the other files found, the configuration and
    # the rules: the inputs every project rule reads.
    key: str
    # Every other file the project rules read -> its digest ("" if it could not be read).
    reads: dict[str, str]
    project_findings: list[Finding]
    fix_policy: dict[str, str]
    off_loop: dict[str, str]
    on_loop: dict[str, str]
    outside_app: dict[str, str]
    startup: dict[str, list[tuple[int, int]]]
    direct_calls: dict[str, dict[str, tuple[str, int]]]
    fix_vetoes: dict[tuple[str, int], str]
    digests: dict[str, str]
    warnings: list[str]


def _project_key(result: ScanResult) -> str:
    discovery = result.discovery
    assert discovery is not None
    material = repr(
        (
            # What the pass reads of each Python file: an edit that changes none of it
            # (a comment, a function body, a message) keeps the pass, unless the pass
            # read the file's text itself (``ProjectPass.reads``).
            sorted(
                (path, outcome.summary or outcome.digest) for path, outcome in result.files.items()
            ),
            discovery.other_files,
            result.enabled,
            result.config,
            # What has reached its end of life depends on the day (PIN105).
            settings.today(),
        )
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _still_true(result: ScanResult, stored: object, key: str) -> ProjectPass | None:
    """The stored pass when its inputs are what they were: same files, configuration
    and rules, and every other file it read holds the same bytes."""
    if not isinstance(stored, ProjectPass) or stored.key != key:
        return None
    for path, digest in stored.reads.items():
        outcome = result.files.get(path)
        if outcome is not None:
            now = outcome.digest  # a Python file: its bytes were just read and hashed
        else:
            try:
                now = decode(read_bytes(result.root / path, result.config.max_file_size)).digest
            except SourceError:
                now = ""
        if now != digest:
            return None
    return stored


def run_project_rules(
    result: ScanResult, cache: ResultCache | None = None, pool: WorkerPool | None = None
) -> None:
    """Run the enabled project-level rules over the scanned files; with a ``cache``,
    dependency files parsed by an earlier run are not parsed again, and when nothing
    the last pass depended on changed, its results are taken as they are. ``pool``: the
    scan's workers, still running, for the rules' work of several files."""
    key = _project_key(result) if cache is not None else ""
    if cache is not None and (kept := _still_true(result, cache.project, key)) is not None:
        for name in _KEPT_FIELDS:
            setattr(result, name, copy.copy(getattr(kept, name)))
        result.warnings.extend(kept.warnings)
        # Nothing was parsed, and nothing parsed before is stale: keep it for the run
        # that needs the pass again.
        cache.derived.keep()
        return
    _run_project_rules(result, cache, pool)
    if cache is not None:
        view_reads = result.digests
        cache.project = ProjectPass(
            key=key,
            reads={
                p: result.files[p].digest if p in result.files else view_reads.get(p, "")
                for p in result.read_paths
            },
            warnings=result.project_warnings,
            **{name: getattr(result, name) for name in _KEPT_FIELDS},
        )
        cache.dirty = True


def _run_project_rules(
    result: ScanResult, cache: ResultCache | None = None, pool: WorkerPool | None = None
) -> None:
    registry = all_rules()
    view = project_view(result)
    view.workers = pool  # the walk's, when still running: work of several files goes there
    # The cache's parsed dependency files, or (``--no-cache``, the TUI's rescans after a
    # fix) those this result parsed already: a rescan does not parse the lock again.
    if cache is not None:
        result.derived = cache.derived
    elif result.derived is None:
        result.derived = Derived()
    view.derived = result.derived
    found: list[Finding] = []
    for rule_id in result.enabled:
        rule_cls = registry.get(rule_id)
        if rule_cls is None or not issubclass(rule_cls, ProjectRule):
            continue
        found.extend(rule_cls().check_project(view))
    found = _unsuppressed(view, found)
    result.project_findings = found
    result.fix_policy = fix_policy(view)
    serving_paths = {f.path for f in found if serves(f.rule)}
    for outcome in result.files.values():
        serving_paths.update(f.path for f in outcome.findings if serves(f.rule))
        serving_paths.update(d.finding.path for d in outcome.deferred if serves(d.finding.rule))
    served = reachable(view) if serving_paths else None
    result.off_loop = off_loop(view, serving_paths, served)
    result.on_loop = on_loop(serving_paths, result.off_loop, served)
    only_in_app = app_only_rules()
    app_only_paths = {f.path for f in found if f.rule in only_in_app}
    for outcome in result.files.values():
        app_only_paths.update(f.path for f in outcome.findings if f.rule in only_in_app)
        app_only_paths.update(
            d.finding.path for d in outcome.deferred if d.finding.rule in only_in_app
        )
    result.outside_app = library_paths(view, app_only_paths) if app_only_paths else {}
    result.startup = startup_spans(view, result.off_loop) if serving_paths else {}
    result.direct_calls = direct_calls(result.files.values())
    result.fix_vetoes = direct_call_vetoes(result.files.values(), result.direct_calls)
    result.digests = view.digests
    result.read_paths = list(view.read_paths())
    result.project_warnings = list(view.warnings)
    result.warnings.extend(view.warnings)


def _unsuppressed(view: ProjectView, findings: list[Finding]) -> list[Finding]:
    """``findings`` of project rules less those a comment of their Python file silences
    (``# noqa: ASY108`` on the call a blocking chain starts from, ``# fastaudit:
    skip-file``), as the findings of the file's own walk are. Only files holding such a
    finding are read, and only their lines are looked at."""
    lines: dict[str, set[int]] = {}
    for finding in findings:
        outcome = view.outcomes.get(finding.path)
        if outcome is not None and outcome.parsed and finding.path.endswith(".py"):
            lines.setdefault(finding.path, set()).update((finding.span.line, finding.span.end_line))
    if not lines:
        return findings
    by_path: dict[str, Suppressions] = {}
    for path, wanted in lines.items():
        source = view.read_text(path)
        if source is not None:
            by_path[path] = suppressions_in(source, wanted)
    kept: list[Finding] = []
    for finding in findings:
        found = by_path.get(finding.path)
        if found is not None and (
            found.skip_file or found.covers(finding.rule, finding.span.line, finding.span.end_line)
        ):
            continue
        kept.append(finding)
    return kept


ProgressCallback = Callable[[int, int, FileOutcome], None]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a scan. A scan builds many long-lived
    objects (outcomes, cache entries) and next to no reference cycles, so the collector's
    full passes over them found nothing and cost as much as the rest of a warm rescan.
    Worker processes forked meanwhile inherit the pause; they only hold acyclic ASTs."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def scan(
    root: Path,
    config: Config | None = None,
    *,
    progress: ProgressCallback | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    since: str | None = None,
) -> ScanResult:
    """Audit the project at ``root``. ``progress(done, total, outcome)`` runs per file,
    in order of completion. ``use_cache=False`` analyses every file afresh; ``jobs``
    caps the worker processes (default: one per available core); ``since`` keeps only
    findings on lines changed since that git ref."""
    with _collector_paused():
        return _scan(root, config, progress=progress, use_cache=use_cache, jobs=jobs, since=since)


def _scan(
    root: Path,
    config: Config | None,
    *,
    progress: ProgressCallback | None,
    use_cache: bool,
    jobs: int | None,
    since: str | None = None,
) -> ScanResult:
    root = root.resolve()
    config = config if config is not None else load_config(root, is_known_selector)
    discovery = discover(root, config.exclude)
    enabled = set(enabled_rules(config))
    rule_ids = tuple(sorted(enabled))
    result = ScanResult(
        root=root, config=config, discovery=discovery, enabled=rule_ids, since=since
    )
    result.warnings.extend(config.warnings)
    total = len(discovery.python_files)
    cache = ResultCache.open(root, rule_ids, config) if use_cache else None
    options = walk_options(config)
    # Where the project pass finds the dependency files parsed (``_run_project_rules``).
    result.derived = cache.derived if cache is not None else Derived()
    with WorkerPool(jobs) as pool:
        outcomes = analyze_paths(
            root,
            discovery.python_files,
            rule_ids,
            config.max_file_size,
            # A partial of a module-level function: workers can unpickle it.
            analyze=(
                functools.partial(analyze, options=options) if options != NO_OPTIONS else analyze
            ),
            unreadable=unreadable,
            cache=cache,
            stats=discovery.stats,
            pool=pool,
            meanwhile=functools.partial(
                _parse_dependencies, root, config, discovery, result.derived
            ),
        )
        for done, outcome in enumerate(outcomes, start=1):
            result.files[outcome.path] = outcome
            if progress is not None:
                progress(done, total, outcome)
        result.options = options
        _walk_with_route_classes(result, cache, pool)
        # Keep the files in path order whatever order they completed in.
        result.files = dict(sorted(result.files.items()))
        result.index = build_index(result.files.values())
        run_project_rules(result, cache, pool)
    findings, warnings = finalize(
        result.files.values(),
        config,
        enabled,
        result.index,
        result.project_findings,
        result.fix_policy,
        result.fix_vetoes,
        result.off_loop,
        result.on_loop,
        result.outside_app,
        result.startup,
    )
    result.findings = _only_since(result, prove_fixes(result, findings, cache))
    if cache is not None:
        cache.prune(set(result.files))
        cache.save()
        result.cache_hits = cache.hits
    result.warnings.extend(warnings)
    for path, reason in discovery.problems:
        result.warnings.append(f"{path}: {reason}")
    for path in discovery.leftovers:
        result.warnings.append(
            f"{path}: temporary file left by an interrupted fix; `fastaudit check --fix` removes it"
        )
    if discovery.broken_links:
        result.notes.append(broken_links_note([path for path, _ in discovery.broken_links]))
    return result


def _parse_dependencies(root: Path, config: Config, discovery: Discovery, derived: Derived) -> None:
    """Parse the project's dependency files into ``derived`` while the workers walk the
    Python files: the project pass then takes each from there by its digest, as a warm
    run does, instead of parsing it after the walk (a large ``uv.lock`` is a quarter
    of a second of TOML). None of it needs a file's outcome."""
    from fastaudit.project.deps.collect import collect  # here: a warm run parses none

    view = ProjectView.of(root, config, discovery)
    view.derived = derived
    collect(view)


def _walk_with_route_classes(
    result: ScanResult, cache: ResultCache | None, pool: WorkerPool
) -> None:
    """Walk again, knowing the project's own FastAPI/APIRouter subclasses, the files
    importing one (see ``audit.route_classes``); their outcomes replace the first ones.
    The first walk's workers, still running, take them."""
    classes = project_route_classes(result.files.values())
    if not classes:
        if cache is not None and cache.rewalked:
            cache.rewalked = {}
            cache.dirty = True
        return
    result.options = replace(result.options, route_classes=classes)
    paths = importers(result.files.values(), classes)
    if not paths:
        return
    variant = cache.variant(fingerprint(classes)) if cache is not None else None
    for outcome in analyze_paths(
        result.root,
        paths,
        result.enabled,
        result.config.max_file_size,
        analyze=functools.partial(analyze, options=result.options),
        unreadable=unreadable,
        cache=variant,
        pool=pool,
    ):
        result.files[outcome.path] = outcome
    if variant is not None:
        variant.prune(set(paths))


def broken_links_note(paths: list[str], shown: int = 3) -> str:
    """One line for every broken symlink of a scan: ``2 broken symbolic links skipped:
    current, docker.sock``, the first few named (the TUI's ``w`` view lists them all)."""
    count = len(paths)
    names = ", ".join(paths[:shown])
    more = f" and {count - shown} more" if count > shown else ""
    noun = "link" if count == 1 else "links"
    return f"{count} broken symbolic {noun} skipped: {names}{more}"


def refresh(result: ScanResult, paths: Iterable[str]) -> ScanResult:
    """Re-scan some files of a finished scan (after a fix or an edit) in place.

    Python files are re-analysed; project rules run again over the updated files, so
    findings in dependency files move too. Paths that no longer exist drop out.
    """
    with _collector_paused():
        _reanalyse(result, paths)
        before = len(result.warnings)
        run_project_rules(result)
        del result.warnings[before:]  # project warnings were already reported once
        _settle(result)
        return result


def refresh_files(
    result: ScanResult, paths: Iterable[str], before: Mapping[str, bytes] | None = None
) -> ScanResult:
    """The first half of ``refresh``, what a user waits for after a fix: the files are
    re-analysed, and the project rules' last results are kept, moved with the lines of
    the changed files (``before``: the bytes each had when scanned). A project finding
    on a changed line, or in a changed file whose old bytes are unknown, is left out.
    ``project_pass`` and ``adopt_project`` then bring the project rules up to date."""
    paths = list(paths)
    with _collector_paused():
        _reanalyse(result, paths)
        _carry_project(result, paths, before or {})
        _settle(result)
        return result


def project_pass(result: ScanResult) -> ScanResult:
    """The project rules over a snapshot of ``result``, into a copy of it: may run in a
    worker thread while ``result`` stays on screen and further fixes refresh its files.
    Take the snapshot (this call) on the thread that owns ``result``; run the returned
    copy's pass with ``run_project_pass`` anywhere; hand it to ``adopt_project``."""
    return replace(
        result,
        files=dict(result.files),
        warnings=[],
        notes=[],
        findings=[],
        project_findings=[],
        digests={},
    )


def run_project_pass(snapshot: ScanResult) -> ScanResult:
    """The project rules of a ``project_pass`` snapshot (thread-safe: it touches only the
    snapshot and the dependency files' shared parse cache)."""
    _run_project_rules(snapshot)
    return snapshot


def adopt_project(result: ScanResult, snapshot: ScanResult) -> ScanResult:
    """Take the project rules' results of a snapshot that ran ``run_project_pass``, and
    settle ``result``'s findings with them. Files refreshed since the snapshot keep
    their own new outcomes; the next pass (the caller starts one) covers them."""
    for name in _PROJECT_FIELDS:
        setattr(result, name, getattr(snapshot, name))
    with _collector_paused():
        _settle(result)
    return result


# What a project pass sets on its result (see ``_run_project_rules``).
_PROJECT_FIELDS = (
    *_KEPT_FIELDS,
    "read_paths",
    "project_warnings",
    "derived",
)


def _reanalyse(result: ScanResult, paths: Iterable[str]) -> None:
    root = result.root
    for path in paths:
        if path.endswith(".py"):
            if _is_file(root / path):
                result.files[path] = analyze_file(
                    root,
                    path,
                    result.enabled,
                    result.config.max_file_size,
                    result.options,
                )
            else:
                result.files.pop(path, None)
    result.index = build_index(result.files.values())


def _carry_project(result: ScanResult, paths: list[str], before: Mapping[str, bytes]) -> None:
    """Move the last project pass's findings and fix vetoes in ``paths`` with their
    lines (see ``refresh_files``)."""
    maps: dict[str, Callable[[int], int | None]] = {}
    for path in paths:
        maps[path] = _nowhere
        old = before.get(path)
        if old is None:
            continue
        try:
            new = read_bytes(result.root / path, result.config.max_file_size)
            maps[path] = line_map(decode(old).text, decode(new).text)
        except SourceError:
            continue  # gone or unreadable now: its project findings wait for the pass
    if not maps:
        return
    carried: list[Finding] = []
    for finding in result.project_findings:
        moved = maps.get(finding.path)
        if moved is None:
            carried.append(finding)
            continue
        line, end_line = moved(finding.span.line), moved(finding.span.end_line)
        if line is None or end_line is None:
            continue
        span = replace(finding.span, line=line, end_line=end_line)
        # Its fix edits the old text: none until the pass computes it again.
        carried.append(replace(finding, span=span, fix=None))
    result.project_findings = carried
    vetoes: dict[tuple[str, int], str] = {}
    for (path, line), reason in result.fix_vetoes.items():
        moved = maps.get(path)
        now = line if moved is None else moved(line)
        if now is not None:
            vetoes[(path, now)] = reason
    result.fix_vetoes = vetoes


def _nowhere(line: int) -> int | None:
    return None


def line_map(old: str, new: str) -> Callable[[int], int | None]:
    """Old line number -> the same line's number in ``new`` (1-based), or None for a
    line the change removed or rewrote."""
    import difflib  # here: only a fix or an edit maps lines, and a check starts faster

    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]

    def moved(line: int) -> int | None:
        index = line - 1
        for block in blocks:
            if block.a <= index < block.a + block.size:
                return block.b + index - block.a + 1
        return None

    return moved


def _settle(result: ScanResult) -> None:
    findings, _ = finalize(
        result.files.values(),
        result.config,
        set(result.enabled),
        result.index,
        result.project_findings,
        result.fix_policy,
        result.fix_vetoes,
        result.off_loop,
        result.on_loop,
        result.outside_app,
        result.startup,
    )
    result.findings = _only_since(result, prove_fixes(result, findings))


# (path, digest, safe fixes) -> those that could not be proved safe, with why. A rescan
# of the TUI or a warm CLI run asks again for the same files; the answer cannot change.
_PROOFS: dict[tuple[str, str, frozenset[Fix]], dict[Fix, str]] = {}


def prove_fixes(
    result: ScanResult, findings: list[Finding], cache: ResultCache | None = None
) -> list[Finding]:
    """Turn unsafe, with the reason, every safe fix in a Python file that could change
    what a name refers to (see ``name_safety``). Only files with safe fixes are read
    again, and each is checked once per content."""
    by_path: dict[str, list[Fix]] = {}
    for finding in findings:
        fix = finding.fix
        if fix is not None and fix.safety is Safety.SAFE and finding.path.endswith(".py"):
            by_path.setdefault(finding.path, []).append(fix)
    reasons: dict[tuple[str, Fix], str] = {}
    for path, fixes in by_path.items():
        digest = result.digest_of(path)
        checked = frozenset(fixes)
        key = (path, digest, checked)
        found = _PROOFS.get(key)
        outcome = result.files.get(path)
        if (
            found is None
            and outcome is not None
            and outcome.proof is not None
            and outcome.digest == digest
        ):
            found = outcome.proof.answer(checked)
        if found is None and cache is not None and digest:
            found = cache.proof(path, digest, checked)
            if found is not None:
                # Kept for this process too: a rescan after a fix asks again, without
                # the cache (``_settle``), for every file but the one that changed.
                _PROOFS[key] = found
        if found is None:
            try:
                data = read_bytes(result.root / path, result.config.max_file_size)
                source = decode(data)
            except SourceError:
                continue  # the file went away or changed: the fix itself will refuse
            if digest and source.digest != digest:
                continue
            if len(_PROOFS) > 4096:
                _PROOFS.clear()
            found = _PROOFS[key] = unprovable(source.text, list(dict.fromkeys(fixes)))
            if cache is not None and digest:
                cache.store_proof(path, digest, checked, found)
        for fix, reason in found.items():
            reasons[(path, fix)] = reason
    if not reasons:
        return findings
    return [
        demote(f, reasons[(f.path, f.fix)])
        if f.fix is not None and (f.path, f.fix) in reasons
        else f
        for f in findings
    ]


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file to re-read; a path we may no longer even look at still
    is (reading it then gives the SCN002 finding that says why)."""
    try:
        return path.is_file()
    except PermissionError:
        return True
    except OSError:
        return False


def _only_since(result: ScanResult, findings: list[Finding]) -> list[Finding]:
    """With ``since``, keep findings on lines changed since that git ref. Raises
    ``SinceError`` (with a message for the user) when the comparison cannot be made."""
    if result.since is None:
        return findings
    return only_changed(findings, changed_lines(result.root, result.since))


def check_source(
    text: str | bytes, path: str = "example.py", rule_ids: Iterable[str] | None = None
) -> list[Finding]:
    """Findings for one piece of source on its own (rule examples, tests, the TUI)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    ids = list(rule_ids) if rule_ids is not None else list(all_rules())
    outcome = analyze(path, data, ids)
    findings, _ = finalize([outcome], Config(), set(ids))
    return findings

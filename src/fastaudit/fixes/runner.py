"""Fixing a scanned project: rounds of apply-and-rescan per file, then safe writes."""

from __future__ import annotations

import ast
import re
import tomllib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastaudit.audit.scan import ScanResult, analyze, check_source, finalize
from fastaudit.engine.context import module_name
from fastaudit.engine.name_safety import UNPROVEN, name_problems, unprovable
from fastaudit.fixes.apply import (
    FixError,
    Written,
    apply_edits,
    atomic_write,
    ensure_inside,
    remove_leftovers,
)
from fastaudit.fixes.project_facts import (
    LineLimit,
    flags_password_defaults,
    formatter_line_limit,
    import_style,
    long_line_limit,
    mentioned_in_project,
)
from fastaudit.fixes.tidy import ImportStyle, tidy_imports
from fastaudit.model import Finding, Fix, Safety
from fastaudit.project.source import SourceError, decode, digest_bytes, read_bytes
from fastaudit.rules._support.direct_calls import direct_call_vetoes

MAX_ROUNDS = 10
MAX_FIX_MB = 1
MAX_FIX_BYTES = MAX_FIX_MB * 1_000_000


@dataclass(slots=True)
class FileFix:
    path: str
    old: bytes
    new: bytes
    fixed: list[Finding] = field(default_factory=list)
    # Safe fixes left out because they could change what a name means, with why.
    skipped: list[str] = field(default_factory=list)
    # Whether the project's formatter laid the new text out (``rewrapped``).
    formatted: bool = False


@dataclass(slots=True)
class FixReport:
    changed: list[FileFix] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # What was done or held back besides fixing (not failures): a safe fix withheld
    # because it could change what a name means, a leftover temporary file removed.
    notes: list[str] = field(default_factory=list)

    @property
    def fixed_count(self) -> int:
        return sum(len(c.fixed) for c in self.changed)


def verify(path: str, text: str, *, lossless: bool = True) -> None:
    """Refuse a result that no longer parses as what the file is. ``lossless=False``
    skips the LibCST round trip (between rounds; the final text always gets it)."""
    name = path.rsplit("/", 1)[-1]
    try:
        if name.endswith(".py"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text, filename=path)
            if lossless:
                _verify_lossless(path, text)
        elif name.endswith((".toml", ".lock")) or name == "Pipfile":
            tomllib.loads(text)
    except (RecursionError, MemoryError) as exc:
        raise FixError(f"{path}: too deeply nested to check the fix; nothing was written") from exc
    except SyntaxError as exc:
        raise FixError(
            f"{path}: fixing would leave invalid Python (line {exc.lineno}: {exc.msg}); "
            "nothing was written"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise FixError(
            f"{path}: fixing would leave invalid TOML ({exc}); nothing was written"
        ) from exc


def _verify_lossless(path: str, text: str) -> None:
    """The fixed file must also load into LibCST's concrete syntax tree and print back
    byte for byte: a second, stricter parser guarding every write, and the promise that
    the result stays editable by codemod tools. Only files being fixed pay for it."""
    import libcst

    if "\r" in text.replace("\r\n", ""):
        return  # classic-Mac line endings: LibCST does not model them; ast has checked
    try:
        module = libcst.parse_module(text)
    except libcst.ParserSyntaxError as exc:
        raise FixError(
            f"{path}: fixing would leave code LibCST cannot parse (line {exc.raw_line}: "
            f"{exc.message}); nothing was written"
        ) from exc
    if module.code != text:
        raise FixError(f"{path}: the fixed code does not round-trip; nothing was written")


def allowed(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (unsafe or finding.fix.safety is Safety.SAFE)


def fix_file(
    result: ScanResult, path: str, *, unsafe: bool = False, only: set[Finding] | None = None
) -> FileFix | None:
    """New contents of one file with its fixes applied (not written).

    ``only`` limits the first round to those findings (the TUI's "fix this one");
    without it the file is fixed round after round until nothing fixable remains.
    """
    root = result.root
    ensure_inside(root, Path(path))  # relative: its refusals name the file as the others do
    is_python = path.endswith(".py")
    try:
        old = read_bytes(root / path, result.config.max_file_size)
    except SourceError as exc:
        raise FixError(f"{path}: {exc.message}") from exc
    expected = result.digest_of(path)
    if expected and digest_bytes(old) != expected:
        raise FixError(f"{path}: changed on disk since it was scanned; rescan first")
    if is_python and len(old) > MAX_FIX_BYTES:
        # Checking a fix costs several parses of the file (ast, LibCST, scopes): past
        # this size that is minutes and gigabytes. Such files are generated, not edited.
        size = f"{len(old) / 1_000_000:.1f} MB"
        note = (
            f"{path}: not fixed automatically: {size} is over the {MAX_FIX_MB} MB limit for fixes"
        )
        return FileFix(path=path, old=old, new=old, skipped=[note])
    try:
        source = decode(old)
    except SourceError as exc:
        raise FixError(f"{path}: {exc.message}") from exc
    text = source.text
    enabled = set(result.enabled)
    fixed: list[Finding] = []
    skipped: list[str] = []
    formatted = False
    first = True
    for _ in range(MAX_ROUNDS):
        if first:
            candidates = [f for f in result.findings if f.path == path]
        elif not is_python or only is not None:
            # Other files get one round (the next scan shows what remains); so does the
            # auditor's "fix this one", which the rescan after it reads again anyway.
            break
        else:
            current = analyze(path, source.encode(text), result.enabled, result.options)
            candidates, _ = finalize(
                [current],
                result.config,
                enabled,
                result.index,
                fix_policy=result.fix_policy,
                # Lines moved since the scan: settle this file's vetoes afresh.
                fix_vetoes=direct_call_vetoes([current], result.direct_calls),
                off_loop=result.off_loop,
                on_loop=result.on_loop,
            )
        if only is not None:
            candidates = [f for f in candidates if f in only]
        first = False
        fixes = [f for f in candidates if allowed(f, unsafe)]
        if is_python:
            held: list[str] = []
            fixes = _provable(path, text, fixes, held)
            # ``--fix`` (no ``only``) keeps ``ruff check`` clean; a fix picked in the
            # auditor was read in its preview and is applied as asked.
            limit = long_line_limit(result) if only is None else None
            if limit is not None:
                fixes = _within_line_length(path, text, fixes, limit, held)
            if only is None and flags_password_defaults(result):
                fixes = _without_password_strings(path, text, fixes, held)
            # The last round's say: a fix held back again is noted where the fixes
            # applied since moved it, once; one applied after all is not noted.
            skipped = held
        if not fixes:
            break
        new_text, applied = apply_edits(text, _fixes_of(fixes))
        if not applied or new_text == text:
            break
        if is_python and _safe_fixes(fixes) and name_problems(text, new_text):
            # Each is fine alone but not together: one at a time, each round re-checked.
            new_text, applied = apply_edits(text, _fixes_of(fixes[:1]))
        verify(path, new_text, lossless=False)
        taken = {id(fix) for fix in applied}
        fixed.extend(f for f in fixes if id(f.fix) in taken)
        text = new_text
    if fixed and is_python:
        text = _tidied(result, path, source.text, text)
        if only is None:
            laid_out = rewrapped(result.root, path, source.text, text)
            formatted = laid_out is not None
            text = laid_out if laid_out is not None else text
        verify(path, text)
    if not is_python and fixed:
        verify(path, text)
    if not fixed:
        if skipped:
            return FileFix(path=path, old=old, new=old, skipped=list(dict.fromkeys(skipped)))
        return None
    return FileFix(
        path=path,
        old=old,
        new=source.encode(text),
        fixed=fixed,
        skipped=list(dict.fromkeys(skipped)),
        formatted=formatted,
    )


def _tidied(result: ScanResult, path: str, before: str, after: str) -> str:
    """The fixed text with its imports as the project's sorter would leave them; the
    untidied text if tidying would not pass the same checks as any fix."""
    module, is_package = module_name(path)
    tidy = tidy_imports(
        before,
        after,
        style=import_style(result),
        module=module,
        is_package=is_package,
        mentioned=lambda dotted: mentioned_in_project(result, dotted),
    )
    if tidy == after or name_problems(after, tidy):
        return after
    try:
        verify(path, tidy, lossless=False)
    except FixError:
        return after
    return tidy


def _fixes_of(findings: list[Finding]) -> list[Fix]:
    """The findings' fixes; callers pass findings ``allowed`` kept, so none is dropped."""
    return [f.fix for f in findings if f.fix is not None]


def _safe_fixes(findings: list[Finding]) -> bool:
    return any(f.fix is not None and f.fix.safety is Safety.SAFE for f in findings)


# ``path:12: `` at the start of a note about one place: what moves when fixes above it
# add or remove lines.
_NOTE_LINE = re.compile(r"^([^:\n]+):\d+: ")


def merge_notes(notes: list[str], newer: list[str]) -> list[str]:
    """``notes`` with ``newer`` (those of a later round or pass) merged in: a note about
    the same held-back fix, at the line the fixes applied since moved it to, takes the
    earlier one's place, so each is said once, where the file now has it. Notes alike
    but for the line (two such fixes in one file) pair up in order."""
    slots: dict[tuple[str, int], str] = {}
    for batch in (notes, newer):
        seen: dict[str, int] = {}
        for note in batch:
            key = _NOTE_LINE.sub(r"\1: ", note, count=1)
            index = seen[key] = seen.get(key, -1) + 1
            slots[(key, index)] = note
    return list(slots.values())


def _held_back(
    path: str,
    text: str,
    fixes: list[Finding],
    skipped: list[str],
    problem: Callable[[list[str]], str | None],
) -> list[Finding]:
    """Leave out the safe fixes whose new lines ``problem`` objects to (it says why, as
    the end of the note), so ``--fix`` does not turn a clean ``ruff check`` red. Unsafe
    fixes were chosen knowingly and are not second-guessed."""
    before = set(text.splitlines())
    kept = []
    for finding in fixes:
        fix = finding.fix
        if fix is None or fix.safety is not Safety.SAFE:
            kept.append(finding)
            continue
        after, _ = apply_edits(text, [fix])
        why = problem([line for line in after.splitlines() if line not in before])
        if why is None:
            kept.append(finding)
        else:
            skipped.append(f"{path}:{finding.line}: {finding.rule} fix not applied: {why}")
    return kept


def _within_line_length(
    path: str, text: str, fixes: list[Finding], limit: LineLimit, skipped: list[str]
) -> list[Finding]:
    """The safe fixes that write no line over the line length a linter of the project
    reports long lines past (``long_line_limit``)."""

    def too_long(added: list[str]) -> str | None:
        longest = max((len(line) for line in added), default=0)
        if longest <= limit.length:
            return None
        return (
            f"it would write a line of {longest} characters, over the project's line "
            f"length of {limit.length} ({limit.checker}); apply it from the auditor and "
            "wrap the line there"
        )

    return _held_back(path, text, fixes, skipped, too_long)


# ruff's S105 (flake8-bandit B105): a string assigned to a name that reads as a secret.
_PASSWORD_NAME = re.compile(r"(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)", re.I)
_ASSIGNED_STRING = re.compile(r"""^\s*(\w+)\s*(?::[^=]*)?=\s*[rbuRBU]*(["'])(?!\2)""")


def _without_password_strings(
    path: str, text: str, fixes: list[Finding], skipped: list[str]
) -> list[Finding]:
    """The safe fixes that write no ``secret = "x"`` where the project's ruff reports
    hard-coded password strings (S105): ``Field(default="x")`` hid the string from it."""

    def password_string(added: list[str]) -> str | None:
        named = [
            match[1]
            for line in added
            if (match := _ASSIGNED_STRING.match(line)) and _PASSWORD_NAME.search(match[1])
        ]
        if not named:
            return None
        return (
            f"it would assign a string to `{named[0]}`, which the project's ruff reports as "
            "a hard-coded password (S105); apply it from the auditor if the value is no secret"
        )

    return _held_back(path, text, fixes, skipped, password_string)


def _provable(path: str, text: str, fixes: list[Finding], skipped: list[str]) -> list[Finding]:
    """Leave out the safe fixes that could change what a name means (the last guard
    before writing: the scan's labels may predate a previous round's changes). Unsafe
    fixes were chosen knowingly and are not second-guessed."""
    safe = [f.fix for f in fixes if f.fix is not None and f.fix.safety is Safety.SAFE]
    reasons = unprovable(text, safe)
    kept = []
    for finding in fixes:
        reason = reasons.get(finding.fix) if finding.fix is not None else None
        if reason is None:
            kept.append(finding)
        else:
            skipped.append(
                f"{path}:{finding.line}: {finding.rule} fix not applied, {UNPROVEN}{reason}"
            )
    return kept


def fix_project(
    result: ScanResult, *, unsafe: bool = False, write: bool = True, paths: set[str] | None = None
) -> FixReport:
    """Fix every file with fixable findings. One file failing never stops the others."""
    report = FixReport()
    if write and result.discovery is not None and result.discovery.leftovers:
        report.notes.extend(remove_leftovers(result.root, result.discovery.leftovers))
        result.discovery.leftovers.clear()
    targets = sorted(
        {
            f.path
            for f in result.findings
            if allowed(f, unsafe) and (paths is None or f.path in paths)
        }
    )
    for path in targets:
        try:
            change = fix_file(result, path, unsafe=unsafe)
            if change is None:
                continue
            report.notes.extend(change.skipped)
            if not change.fixed:
                continue  # every fix it had was held back
            if write:
                report.written.append(atomic_write(result.root, path, change.new, change.old))
            report.changed.append(change)
        except FixError as exc:
            report.errors.append(str(exc))
    return report


def _long_new_lines(before: str, after: str, length: int) -> list[str]:
    """The lines of ``after`` past ``length`` that ``before`` does not hold."""
    old = set(before.splitlines())
    return [line for line in after.splitlines() if len(line) > length and line not in old]


def rewrapped(root: Path, path: str, before: str, after: str) -> str | None:
    """``after`` as the project's formatter writes it (``formatter_line_limit``), where
    ``before`` is what that formatter writes already (so it changes only what the fixes
    did: no other line, whatever its version).
    Seen on real code (polar, prefect, dispatch): `Annotated[...]` parameters past 88
    or 100 columns left ``ruff format --check`` failing after ``--fix``. Anything that
    goes wrong gives None: ``after`` stays as it is, and ``rewrap_note`` says what to
    run where it holds a line past the formatter's length."""
    limit = formatter_line_limit(root, path)
    if limit is None:
        return None
    # ruff formats a file in milliseconds: every fixed file goes through it (a removed
    # argument can leave a call split over lines it now fits on). black starts slowly:
    # only a file with a line to wrap does.
    if limit.checker != "ruff format" and not _long_new_lines(before, after, limit.length):
        return None
    command = _formatter_command(limit.checker, root / path)
    if command is None:
        return None
    if _run_formatter(command, root, before) != before:
        return None  # not formatted by this formatter now: leave the file's layout alone
    return _run_formatter(command, root, after)


def _formatter_command(checker: str, target: Path) -> list[str] | None:
    """The formatter reading stdin as ``target`` (so the project's settings for that
    file apply): ``ruff format`` or black, from this environment or the PATH."""
    import shutil
    import sys

    name = "ruff" if checker == "ruff format" else "black"
    here = str(Path(sys.executable).parent)
    exe = shutil.which(name, path=here) or shutil.which(name)
    if exe is None:
        return None
    if name == "ruff":
        return [exe, "format", "--no-cache", "--stdin-filename", str(target), "-"]
    return [exe, "--quiet", "--stdin-filename", str(target), "-"]


def _run_formatter(command: list[str], root: Path, text: str) -> str | None:
    import subprocess

    try:
        run = subprocess.run(
            command, input=text, cwd=root, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 else None


def rewrap_note(root: Path, changes: list[FileFix]) -> str | None:
    """Where the project uses a formatter (``formatter_line_limit``), what to run on
    the files whose fixes wrote a line past its length: it re-wraps them, as it would
    after an edit by hand (a linter's limit held such fixes back instead)."""
    files: list[str] = []
    lines = 0
    checkers: dict[str, None] = {}
    length = 0
    for change in changes:
        if change.formatted or not change.path.endswith(".py"):
            continue  # what the formatter left long, it cannot wrap (a long string)
        limit = formatter_line_limit(root, change.path)
        if limit is None:
            continue
        long = _long_new_lines(
            change.old.decode("utf-8", "replace"),
            change.new.decode("utf-8", "replace"),
            limit.length,
        )
        if long:
            files.append(change.path)
            lines += len(long)
            checkers[limit.checker] = None
            length = limit.length
    if not files:
        return None
    shown = " ".join(dict.fromkeys(files[:3]))
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    checker = " / ".join(checkers)
    return (
        f"the fixes wrote {lines} line(s) over the project's {checker} line length of "
        f"{length} in {len(files)} file(s): run `{checker} {shown}`{more} to wrap them"
    )


def fix_source(
    text: str, rule_ids: list[str] | None = None, *, unsafe: bool = True, path: str = "example.py"
) -> str:
    """Apply fixes to source held in memory, round after round (examples, tests).
    Without ``unsafe`` it does what ``--fix`` would: safe fixes that pass the name check."""
    original = text
    for _ in range(MAX_ROUNDS):
        findings = [f for f in check_source(text, path, rule_ids) if allowed(f, unsafe)]
        if not unsafe:
            findings = _provable(path, text, findings, [])
        new_text, applied = apply_edits(text, _fixes_of(findings))
        if not applied or new_text == text:
            break
        text = new_text
    module, is_package = module_name(path)
    # On its own, a file's first-party code is its own top-level package.
    style = ImportStyle(first_party=frozenset({module.split(".")[0]} - {""}))
    tidy = tidy_imports(original, text, style=style, module=module, is_package=is_package)
    return text if name_problems(text, tidy) else tidy

"""Command line: ``fastaudit [PATH]`` opens the auditor; ``fastaudit check`` is for CI.

Exit codes: 0 no findings, 1 findings, 2 usage or internal error. The TUI (and so
Textual) is imported only when it is asked for.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from fastaudit import __version__, settings
from fastaudit.report.formats import FORMATS

if TYPE_CHECKING:  # imported where used at run time, so a plain command starts fast
    from rich.console import Console
    from rich.text import Text

    from fastaudit.audit.scan import ScanResult
    from fastaudit.config import Config
    from fastaudit.project.locate import Target

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FIX_PASSES = 3
COMMANDS = frozenset(
    {"check", "rules", "explain", "demo", "tui", "baseline", "learn", "clean", "deps"}
)


def _split_ids(values: list[str] | None) -> list[str]:
    ids: list[str] = []
    for value in values or []:
        ids.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return ids


class _Version(argparse.Action):
    """``--version``: the version, and how this copy was built when not as plain Python
    (so a bug report says which code ran). Worked out only when asked: every other
    command builds this parser too."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        kwargs.update(nargs=0, default=argparse.SUPPRESS)
        super().__init__(option_strings, argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from importlib.util import find_spec

        # Looked up, not imported: ``--version`` answers before the engine loads.
        spec = find_spec("fastaudit.engine.context")
        origin = spec.origin if spec is not None else None
        compiled = origin is not None and not origin.endswith(".py")  # setup.py's build
        print(f"fastaudit {__version__}" + (" (engine compiled with mypyc)" if compiled else ""))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastaudit",
        description="Audit a FastAPI project against current best practice, and fix what it finds.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check", help="audit a project and print a report (for CI and pre-commit)"
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="folders or files to report on (default: current folder); the project and "
        "its settings are the closest pyproject.toml with [tool.fastaudit] above them",
    )
    check.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=tuple(FORMATS),
        default="full",
        help="full (default): each finding with its code; concise: one line per finding",
    )
    check.add_argument(
        "--select",
        action="append",
        metavar="IDS",
        help="only these rules or families (comma-separated)",
    )
    check.add_argument(
        "--extend-select", action="append", metavar="IDS", help="add rules to the selection"
    )
    check.add_argument(
        "--ignore", action="append", metavar="IDS", help="skip these rules or families"
    )
    check.add_argument(
        "--statistics", action="store_true", help="counts per rule instead of each finding"
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff, include unsafe fixes"
    )
    for safety in ("safe", "unsafe"):
        check.add_argument(
            f"--extend-{safety}-fixes",
            action="append",
            metavar="IDS",
            help=f"treat these rules' fixes as {safety} (comma-separated ids or prefixes)",
        )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--add-noqa",
        action="store_true",
        help="add a `# noqa: ID` comment for every finding reported, where a comment cannot "
        "change the code; prints no report",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--no-color", action="store_true", help="plain text output (NO_COLOR also works)"
    )
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--since",
        metavar="REF",
        help="only findings on lines changed since git REF (uncommitted changes included)",
    )
    baseline_choice = check.add_mutually_exclusive_group()
    baseline_choice.add_argument(
        "--baseline",
        metavar="FILE",
        help="only findings not recorded in FILE (default: [tool.fastaudit] baseline, "
        "else .fastaudit-baseline.json at the project root when it exists)",
    )
    baseline_choice.add_argument(
        "--no-baseline", action="store_true", help="report baselined findings too"
    )
    check.add_argument(
        "--skip-unstaged",
        action="store_true",
        help="with --fix or --diff, leave files with unstaged changes alone (pre-commit)",
    )
    _add_engine_options(check)

    baseline = sub.add_parser(
        "baseline", help="record the current findings so later checks report only new ones"
    )
    baseline.add_argument("path", nargs="?", default=".")
    baseline.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="baseline file (default: [tool.fastaudit] baseline, else "
        ".fastaudit-baseline.json at the project root)",
    )
    _add_engine_options(baseline)

    learn = sub.add_parser("learn", help="a guided tour of the practices, with your own code")
    learn.add_argument("path", nargs="?", default=".")
    learn.add_argument("--step", metavar="AREA", help="show one area (layout, async, ...)")
    learn.add_argument("--done", metavar="AREA", help="mark an area done and exit")
    learn.add_argument("--undone", metavar="AREA", help="mark an area not done and exit")
    learn.add_argument("--all", action="store_true", help="print every step without asking")

    sub.add_parser("clean", help="remove fastaudit's result cache")

    deps = sub.add_parser(
        "deps", help="dependency matrix: where declared, spec, locked, minimum, status"
    )
    deps.add_argument("path", nargs="?", default=".")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="markdown: the page docs/rules.md is generated from",
    )

    explain = sub.add_parser("explain", help="why a rule matters, with Do and Don't")
    explain.add_argument("rule", help="rule id or name: ASY102, blocking-sleep-in-async")

    demo = sub.add_parser("demo", help="audit a copy of the bundled demo project")
    demo.add_argument(
        "--check", action="store_true", help="print the check report instead of opening the app"
    )
    demo.add_argument(
        "--keep", metavar="DIR", help="copy the demo project to DIR (kept afterwards)"
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="with --keep, copy over a folder that is not empty (same-named files replaced)",
    )

    tui = sub.add_parser("tui", help="open the interactive auditor (the default command)")
    tui.add_argument("path", nargs="?", default=".")
    tui.add_argument("--since", metavar="REF", help="only findings on lines changed since git REF")
    return parser


def _add_engine_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--no-cache", action="store_true", help="analyse every file afresh, ignoring the cache"
    )
    command.add_argument(
        "--jobs", type=int, metavar="N", help="worker processes (default: one per core)"
    )


def _console(no_color: bool = False, file: IO[str] | None = None) -> Console:
    # Here, not at the top: a check writing a machine format (JSON, SARIF) to a file
    # prints nothing through rich, and its import is a sixth of a warm run's start-up.
    from rich.console import Console

    color = not (no_color or settings.no_color())
    return Console(
        file=file,
        no_color=not color,
        highlight=False,
        soft_wrap=True,
        force_terminal=None if color else False,
    )


def _labelled(label: str, style: str, message: str) -> Text:
    """``label`` styled, then ``message`` as it is (never read as markup): a line of the
    check's notes, warnings and errors. Rich loads here, as in ``_console``."""
    from rich.text import Text

    from fastaudit.report.safe import literal

    return Text(label, style=style).append(literal(message))


def run() -> NoReturn:
    """The ``fastaudit`` command: ``main``, then a fast exit (as mypy does by default).

    Tearing down the interpreter's ~400 modules takes ~15 ms, a tenth of a one-file
    check, and nothing of ours waits for it: the cache and every fix are written and the
    worker pool is shut before ``main`` returns. Only the output buffers are left, so
    they are flushed here. Tests call ``main`` and keep their interpreter."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away (``fastaudit check | head``)
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # ``fastaudit PATH`` and ``fastaudit --since REF`` are short for ``fastaudit tui ...``.
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "tui")
    args = parser.parse_args(args_list)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rules":
            return run_rules(args)
        if args.command == "explain":
            return run_explain(args)
        if args.command == "demo":
            return run_demo(args)
        if args.command == "tui":
            return run_tui(Path(args.path), since=args.since)
        if args.command == "baseline":
            return run_baseline(args)
        if args.command == "learn":
            from fastaudit.workflows.learn_cli import run_learn

            return run_learn(args)
        if args.command == "deps":
            return run_deps(args)
        if args.command == "clean":
            from fastaudit.engine.cache import cache_dir, clean

            removed = clean()
            _console().print(f"Removed {removed} cache file(s) from {cache_dir()}.")
            return EXIT_CLEAN
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``fastaudit rules | head``): not an error of ours. Point
        # stdout at nothing so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    except Exception as exc:  # a crash must not look like "findings" (exit 1) to CI
        import traceback

        traceback.print_exc()
        return _error(f"internal error: {type(exc).__name__}: {exc}")
    parser.print_help()
    return EXIT_ERROR


def _error(message: str) -> int:
    _console(file=sys.stderr).print(_labelled("error: ", "bold red", message))
    return EXIT_ERROR


def _check_root(path: Path) -> str | None:
    from fastaudit.project.discovery import unreadable_root

    if problem := unreadable_root(path):
        return problem
    if not path.exists():
        return f"{path} does not exist"
    if not path.is_dir():
        return f"{path} is not a folder; give the root of a project"
    return None


class UsageError(Exception):
    """A command line that cannot be run; the message says why (exit status 2)."""


def _config_from_args(root: Path, args: argparse.Namespace) -> Config:
    from fastaudit.audit.selection import is_known_selector
    from fastaudit.config import load_config

    config = load_config(root.resolve(), is_known_selector)
    for option in ("select", "extend_select", "ignore"):
        ids = _redirected(config, f"--{option.replace('_', '-')}", getattr(args, option, None))
        unknown = [i for i in ids if not is_known_selector(i)]
        if unknown:
            raise UsageError(
                f"--{option.replace('_', '-')}: unknown rule or family {', '.join(unknown)}"
            )
        if ids:
            if option == "select":
                config.select = ids
            elif option == "extend_select":
                config.extend_select = [*config.extend_select, *ids]
            else:
                config.ignore = [*config.ignore, *ids]
    _fix_overrides_from_args(config, args)
    return config


def _redirected(config: Config, flag: str, raw: list[str] | None) -> list[str]:
    """The ids given to ``flag``, with moved codes replaced by their new code (and a warning)."""
    from fastaudit.redirects import canonical, redirect_note

    ids = []
    for rule_id in _split_ids(raw):
        if (note := redirect_note(rule_id)) is not None:
            config.warnings.append(f"{flag}: {note}")
        ids.append(canonical(rule_id) if note else rule_id)
    return ids


def _fix_overrides_from_args(config: Config, args: argparse.Namespace) -> None:
    from fastaudit.audit.selection import is_known_selector
    from fastaudit.config import FixOverride
    from fastaudit.model import Safety

    for safety in Safety:
        option = f"extend_{safety.value}_fixes"
        flag = f"--{option.replace('_', '-')}"
        ids = _redirected(config, flag, getattr(args, option, None))
        unknown = [i for i in ids if not is_known_selector(i)]
        if unknown:
            raise UsageError(f"{flag}: unknown rule or family {', '.join(unknown)}")
        config.fix_overrides.extend(FixOverride(i, safety, flag) for i in ids)


def _scan(root: Path, args: argparse.Namespace) -> ScanResult:
    from fastaudit.audit.scan import scan

    config = _config_from_args(root, args)
    return scan(root, config, use_cache=not getattr(args, "no_cache", False), jobs=args.jobs)


def _locate(paths: list[str]) -> Target:
    from fastaudit.project.locate import TargetError, locate

    try:
        return locate(paths)
    except TargetError as exc:
        raise UsageError(str(exc)) from exc


def _apply_scope(result: ScanResult, target: Target) -> None:
    """Keep what lies under the paths given. The whole project was scanned, so facts
    that span files (is this class a Pydantic model?) are the same as in a full run."""
    if not target.scope:
        return
    result.findings = [f for f in result.findings if target.covers(f.path)]
    result.files = {p: o for p, o in result.files.items() if target.covers(p)}


def _nothing_to_audit(result: ScanResult, target: Target) -> bool:
    discovery = result.discovery
    audited = [*discovery.python_files, *discovery.other_files] if discovery else []
    return not any(target.covers(path) for path in audited)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _narrow(result: ScanResult, args: argparse.Namespace) -> list[str]:
    """Apply --since and the baseline to a finished scan; returns notes for the user."""
    from fastaudit.workflows.baseline import BaselineError, apply_baseline, find_baseline

    notes: list[str] = []
    if getattr(args, "since", None):
        from fastaudit.project.since import SinceError, changed_lines, only_changed

        try:
            changes = changed_lines(result.root, args.since)
        except SinceError as exc:
            raise UsageError(str(exc)) from exc
        before = len(result.findings)
        result.findings = only_changed(result.findings, changes)
        notes.append(
            f"--since {args.since}: {len(result.findings)} finding(s) on changed lines "
            f"({before - len(result.findings)} elsewhere not shown)"
        )
    if getattr(args, "no_baseline", False):
        return notes
    if getattr(args, "baseline", None):
        baseline: Path | None = Path(args.baseline)
    else:
        baseline, warning = find_baseline(result.root, result.config.baseline)
        if warning and warning not in result.warnings:
            result.warnings.append(warning)
    if baseline is not None:
        try:
            outcome = apply_baseline(result.root, result.findings, baseline)
        except BaselineError as exc:
            raise UsageError(str(exc)) from exc
        result.findings = outcome.new
        notes.append(
            f"baseline {_shown(baseline)}: {len(outcome.new)} new finding(s), "
            f"{outcome.known} baselined finding(s) hidden (--no-baseline shows them), "
            f"{outcome.fixed} baselined finding(s) fixed since"
        )
    return notes


def run_baseline(args: argparse.Namespace) -> int:
    from fastaudit.workflows.baseline import default_target, write_baseline

    try:
        target = _locate([args.path])
        result = _scan(target.root, args)
    except UsageError as exc:
        return _error(str(exc))
    _apply_scope(result, target)
    automatic = default_target(result.root, result.config.baseline)
    destination = Path(args.output) if args.output else automatic
    count = write_baseline(result.root, result.findings, destination)
    then = (
        "`fastaudit check` now reports only new ones."
        if destination.resolve() == automatic.resolve()
        else f"`fastaudit check --baseline {_shown(destination)}` reports only new ones."
    )
    _console().print(f"Recorded {count} finding(s) in {_shown(destination)}. {then}")
    return EXIT_CLEAN


def _fix_paths(
    result: ScanResult, args: argparse.Namespace, warn: Callable[[str], None]
) -> set[str] | None:
    """With --skip-unstaged, the files --fix may edit: none with unstaged changes."""
    if not args.skip_unstaged:
        return None
    from fastaudit.fixes.runner import allowed
    from fastaudit.workflows.staged import StagedError, unstaged_paths

    try:
        dirty = unstaged_paths(result.root)
    except StagedError as exc:
        raise UsageError(str(exc)) from exc
    wanted = {f.path for f in result.findings if allowed(f, args.unsafe_fixes)}
    for path in sorted(wanted & dirty):
        warn(f"{path}: has unstaged changes, not fixed (stage or stash them, then run again)")
    return wanted - dirty


def run_check(args: argparse.Namespace) -> int:
    import gc

    # One scan, a report, and the process ends: the cyclic collector would only walk the
    # scan's long-lived objects once more on the way out (~0.1 s on a large project) to
    # free what exiting frees anyway. The scan pauses it too (``audit.scan``).
    gc.disable()
    from fastaudit.report.safe import literal

    def warn(message: str) -> None:
        _console(args.no_color, file=sys.stderr).print(_labelled("warning: ", "yellow", message))

    if args.skip_unstaged and not (args.fix or args.diff):
        return _error("--skip-unstaged only applies with --fix or --diff")
    if args.add_noqa and (args.fix or args.diff):
        # As in ruff: suppressing and fixing the same findings in one run contradict.
        return _error(f"--add-noqa cannot be used with {'--fix' if args.fix else '--diff'}")
    try:
        target = _locate(args.paths)
        root = target.root
        if problem := _check_root(root):
            return _error(problem)
        result = _scan(root, args)
        _apply_scope(result, target)
        if _nothing_to_audit(result, target):
            # Like ruff: a folder with nothing to audit is a mistake, not a clean bill
            # (exit 2). Files only (pre-commit's list) may all be excluded: a warning.
            warn(f"No Python files found under {target.shown}")
            only_files = len(target.files) == len(target.scope) > 0
            return EXIT_CLEAN if only_files else EXIT_ERROR
        notes = _narrow(result, args)
        fix_paths = _fix_paths(result, args, warn) if args.fix or args.diff else None
    except UsageError as exc:
        return _error(str(exc))
    if args.add_noqa:
        return _add_noqa(result, args, warn)
    try:
        out_file = open(args.output, "w", encoding="utf-8") if args.output else None  # noqa: SIM115
    except OSError as exc:
        return _error(f"cannot write the report to {args.output}: {exc.strerror or exc}")
    try:
        if args.diff:
            from rich.text import Text

            console = _console(args.no_color or out_file is not None, file=out_file)
            # The fix machinery loads only when fixes are asked for: a plain check is
            # most runs, and its start-up counts (pre-commit, editors).
            from fastaudit.fixes.apply import unified_diff
            from fastaudit.fixes.runner import fix_project, merge_notes, rewrap_note

            report = fix_project(result, unsafe=args.unsafe_fixes, write=False, paths=fix_paths)
            for change in report.changed:
                diff = unified_diff(
                    change.path,
                    change.old.decode("utf-8", "replace"),
                    change.new.decode("utf-8", "replace"),
                )
                if console.is_terminal:
                    from rich.syntax import Syntax

                    shown = literal(diff.replace("\r\n", "\n"))
                    console.print(
                        Syntax(shown, "diff", theme="ansi_dark", background_color="default")
                    )
                else:  # exactly the patch, so `--diff > fix.patch` can be applied
                    console.file.write(diff)
            # The summary and errors go to stderr: stdout holds only the patch.
            errors = _console(args.no_color, file=sys.stderr)
            for diff_note in report.notes:
                errors.print(_labelled("note: ", "yellow", diff_note))
            for error in report.errors:
                errors.print(_labelled("error: ", "red", error))
            errors.print(
                Text(
                    f"{report.fixed_count} fix(es) would be applied "
                    f"to {len(report.changed)} file(s).",
                    style="bold",
                )
            )
            return EXIT_CLEAN if args.exit_zero or report.fixed_count == 0 else EXIT_FINDINGS
        fix_errors: list[str] = []
        fix_notes: list[str] = []
        fixed_count = 0
        if args.fix:
            from fastaudit.fixes.runner import fix_project, merge_notes, rewrap_note

            # A fix in one file can open the way for one in another (once the code no
            # longer imports python-jose, its declaration can go): fix again after each
            # rescan, as long as something changes.
            changes = []
            for _ in range(FIX_PASSES):
                report = fix_project(result, unsafe=args.unsafe_fixes, write=True, paths=fix_paths)
                fix_errors.extend(e for e in report.errors if e not in fix_errors)
                fix_notes = merge_notes(fix_notes, report.notes)
                fixed_count += report.fixed_count
                changes.extend(report.changed)
                if report.changed:
                    result = _scan(root, args)
                    _apply_scope(result, target)
                    notes = _narrow(result, args)
                if report.errors or not report.changed:
                    break
            if (rewrap := rewrap_note(root, changes)) is not None:
                fix_notes.append(rewrap)
        report_format = FORMATS[args.format]
        if report_format.warnings_to_stderr:
            for warning in result.warnings:
                warn(warning)
        if report_format.text is not None:
            # A machine format: its text as it is, with no console (nor rich) to build.
            (out_file or sys.stdout).write(report_format.text(result))
        else:
            from rich.text import Text

            assert report_format.render is not None  # a report for people, then
            console = _console(args.no_color or out_file is not None, file=out_file)
            report_format.render(result, console, args.statistics)
            if report_format.shows_notes:
                for note in notes:
                    console.print(Text(note, style="dim"))
                if args.fix:
                    console.print(Text(f"Fixed {fixed_count} problem(s).", style="green"))
        for fix_note in fix_notes:
            _console(file=sys.stderr).print(_labelled("note: ", "yellow", fix_note))
        for error in fix_errors:
            _console(file=sys.stderr).print(_labelled("fix failed: ", "red", error))
    finally:
        if out_file is not None:
            out_file.close()
    if fix_errors:
        return EXIT_ERROR
    if args.exit_zero or not result.findings:
        return EXIT_CLEAN
    return EXIT_FINDINGS


def _add_noqa(result: ScanResult, args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """``check --add-noqa``: suppress what the check reports instead of printing it."""
    from rich.text import Text

    from fastaudit.fixes.noqa import add_noqa_comments

    for warning in result.warnings:
        warn(warning)
    report = add_noqa_comments(result, result.findings)
    for refused in report.refused:
        warn(refused)
    errors = _console(args.no_color, file=sys.stderr)
    for error in report.errors:
        errors.print(_labelled("noqa failed: ", "red", error))
    console = _console(args.no_color)
    plural = "" if report.added == 1 else "s"
    console.print(Text(f"Added {report.added} noqa directive{plural}.", style="green"))
    if report.skipped:
        console.print(
            Text(
                f"Skipped {report.skipped} finding(s) that no `# noqa` comment suppresses "
                "(in dependency or other non-Python files, or in files that do not parse).",
                style="dim",
            )
        )
    if report.refused:
        console.print(
            Text(
                f"Left {len(report.refused)} finding(s) as they are: a comment there could "
                "change the code (see the warnings).",
                style="dim",
            )
        )
    return EXIT_ERROR if report.errors else EXIT_CLEAN


def run_deps(args: argparse.Namespace) -> int:
    """The compatibility matrix as a table; exit 1 when a row is not ok (like check)."""
    from fastaudit.project.deps.table import matrix_rows
    from fastaudit.report.matrix import render_matrix

    root = Path(args.path)
    if problem := _check_root(root):
        return _error(problem)
    rows = matrix_rows(root.resolve())
    render_matrix(rows, _console())
    return EXIT_CLEAN if all(row.ok for row in rows) else EXIT_FINDINGS


def run_rules(args: argparse.Namespace) -> int:
    from rich.text import Text

    from fastaudit.rules import all_rules

    rules = all_rules()
    if args.format == "json":
        import json

        payload = [
            {
                "id": r.id,
                "name": r.name,
                "family": r.family_name(),
                "severity": r.severity.value,
                "fixable": r.fixable(),
                "title": r.title,
                "default_enabled": r.default_enabled,
                "peers": list(r.peers),
            }
            for r in rules.values()
        ]
        print(json.dumps(payload, indent=2))
        return EXIT_CLEAN
    if args.format == "markdown":
        from fastaudit.report.rules_doc import render_rules_markdown

        sys.stdout.write(render_rules_markdown(rules.values()))
        return EXIT_CLEAN
    from rich.table import Table

    opt_in = [r.id for r in rules.values() if not r.default_enabled]
    table = Table(
        title=f"fastaudit rules ({len(rules)}, {len(rules) - len(opt_in)} on by default)",
        header_style="bold",
        caption=(
            f"opt-in rules run only when selected: `--extend-select {opt_in[0]}` or "
            f'`select = ["{opt_in[0]}"]` in [tool.fastaudit]'
            if opt_in
            else None
        ),
    )
    console = _console()
    # At 80 columns the family (the id's prefix says it) gives its room to the title.
    wide = console.width >= 120
    table.add_column("id", no_wrap=True)
    if wide:
        table.add_column("family", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("default", no_wrap=True)
    table.add_column("fix", no_wrap=True)
    table.add_column("title", ratio=3)
    table.add_column("peers", ratio=2)
    for rule in rules.values():
        cells: list[Text | str] = [Text(rule.id)]
        if wide:
            cells.append(Text(rule.family_name()))
        cells += [
            Text(rule.severity.value),
            "on" if rule.default_enabled else Text("opt-in", style="dim"),
            "✓" if rule.fixable() else "",
            Text(rule.title),  # Text, not markup: a title may hold `Annotated[...]`
            # One peer per line, its tool and code kept together.
            Text("\n".join(peer.replace(" ", "\u00a0", 1) for peer in rule.peers), style="dim"),
        ]
        table.add_row(*cells)
    console.print(table)
    return EXIT_CLEAN


def run_explain(args: argparse.Namespace) -> int:
    from rich.columns import Columns
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.text import Text

    from fastaudit.redirects import old_codes, redirect_note
    from fastaudit.rules import get_rule, similar_rules

    rule = get_rule(args.rule)
    if rule is None:
        close = similar_rules(args.rule)
        hint = (
            "did you mean " + ", ".join(f"{r.id} ({r.name})" for r in close) + "? " if close else ""
        )
        return _error(f"no rule {args.rule!r}; {hint}`fastaudit rules` lists them")
    console = _console()
    console.print(
        Text(f"{rule.id} ", style="bold").append(rule.title).append(f"  ({rule.name})", style="dim")
    )
    if (note := redirect_note(args.rule.strip())) is not None:
        console.print(Text(note, style="yellow"))
    console.print(
        Text(
            f"family {rule.family_name()} · severity {rule.severity.value} · "
            f"{'fixable' if rule.fixable() else 'no automatic fix'}"
            + (f" · peers {', '.join(rule.peers)}" if rule.peers else "")
            + (f" · formerly {', '.join(old)}" if (old := old_codes(rule.id)) else ""),
            style="dim",
        )
    )
    console.print()
    console.print(Text("Why it matters", style="bold underline"))
    console.print(Text(rule.rationale))
    console.print()
    dont = Panel(
        Syntax(rule.dont, "python", theme="ansi_dark", background_color="default"),
        title="Don't",
        border_style="red",
    )
    do = Panel(
        Syntax(rule.do, "python", theme="ansi_dark", background_color="default"),
        title="Do",
        border_style="green",
    )
    if console.width >= 120:
        console.print(Columns([dont, do], equal=True, expand=True))
    else:
        console.print(dont)
        console.print(do)
    if rule.fixable():
        console.print(Text("Fix: ", style="bold green").append(rule.fix_safety or "available"))
    return EXIT_CLEAN


def demo_source() -> Path:
    # Here, not at the top: importlib.resources costs ~20 ms of every start-up.
    from importlib import resources

    return Path(str(resources.files("fastaudit") / "demo_project"))


def copy_demo(target: Path | None = None) -> Path:
    # Here, not at the top: only the demo copies files, and both cost start-up time.
    import shutil
    import tempfile

    source = demo_source()
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="fastaudit-demo-")) / "shopfront"
    # dirs_exist_ok: an empty folder, or one the user agreed to copy over (run_demo).
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True
    )
    return target


def _may_copy_into(folder: Path, force: bool) -> str | None:
    """Why the demo must not be copied into ``folder``, or None. A folder that is not
    empty may hold someone's work: copy over it only when told (--force, or a yes at a
    terminal), never on a guess."""
    if not folder.exists():
        return None
    if not folder.is_dir():
        return f"{folder} is a file; --keep needs a new or empty folder"
    if force or not any(folder.iterdir()):
        return None
    refusal = (
        f"{folder} already exists and is not empty; give a new or empty folder, "
        "or add --force to copy the demo over it (files of the same name are replaced)"
    )
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return refusal
    sys.stderr.write(f"{folder} is not empty. Copy the demo project over it? [y/N] ")
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        answer = ""
    return None if answer.strip().lower() in ("y", "yes") else refusal


def run_demo(args: argparse.Namespace) -> int:
    from rich.text import Text

    keep = Path(args.keep) if args.keep else None
    if keep is not None and (problem := _may_copy_into(keep, args.force)):
        return _error(problem)
    target = copy_demo(keep)
    console = _console(file=sys.stderr)
    console.print(
        Text(f"Demo project copied to {target} (fixes change only this copy).", style="dim")
    )
    if args.check:
        # The same exit status as `check` (1: findings), so scripts can rely on it.
        return run_check(build_parser().parse_args(["check", str(target)]))
    return run_tui(target)


def run_tui(path: Path, since: str | None = None) -> int:
    from rich.text import Text

    if problem := _check_root(path):
        return _error(problem)
    from fastaudit.project.locate import find_root

    # From a subfolder, the auditor opens the project it belongs to, with its settings
    # (the auditor shows a whole project; `check PATH` reports on a part of one).
    root = find_root(path.resolve())
    if root is not None and root != path.resolve():
        _console(file=sys.stderr).print(
            Text(f"Opening the project at {root} (settings from its pyproject.toml).", "dim")
        )
        path = root
    try:
        from fastaudit.tui.app import run_app
    except ImportError as exc:  # the TUI is optional until it exists
        return _error(f"the interactive auditor is not available ({exc}); use `fastaudit check`")
    if since is not None:
        # Say so before the screen opens, not in a traceback later.
        from fastaudit.project.since import SinceError, changed_lines

        try:
            changed_lines(path.resolve(), since)
        except SinceError as exc:
            return _error(str(exc))
    return run_app(path.resolve(), since=since)


if __name__ == "__main__":
    raise SystemExit(main())

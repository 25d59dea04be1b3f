"""Command line: ``fastaudit [PATH]`` opens the auditor; ``fastaudit check`` is for CI.

Exit codes: 0 no findings, 1 findings, 2 usage or internal error. The TUI (and so
Textual) is imported only when it is asked for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from fastaudit import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")
COMMANDS = frozenset({"check", "rules", "explain", "demo", "tui"})


def _split_ids(values: list[str] | None) -> list[str]:
    ids: list[str] = []
    for value in values or []:
        ids.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return ids


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastaudit",
        description="Audit a FastAPI project against current best practice, and fix what it finds.",
    )
    parser.add_argument("--version", action="version", version=f"fastaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check", help="audit a project and print a report (for CI and pre-commit)"
    )
    check.add_argument(
        "path", nargs="?", default=".", help="project root (default: current folder)"
    )
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
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
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--no-color", action="store_true", help="plain text output (NO_COLOR also works)"
    )
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    explain = sub.add_parser("explain", help="why a rule matters, with Do and Don't")
    explain.add_argument("rule", help="rule id, e.g. ASY102")

    demo = sub.add_parser("demo", help="audit a copy of the bundled demo project")
    demo.add_argument(
        "--check", action="store_true", help="print the check report instead of opening the app"
    )
    demo.add_argument(
        "--keep", metavar="DIR", help="copy the demo project to DIR (kept afterwards)"
    )

    tui = sub.add_parser("tui", help="open the interactive auditor (the default command)")
    tui.add_argument("path", nargs="?", default=".")
    return parser


def _console(no_color: bool = False, file=None) -> Console:
    color = not (no_color or os.environ.get("NO_COLOR"))
    return Console(
        file=file,
        no_color=not color,
        highlight=False,
        soft_wrap=True,
        force_terminal=None if color else False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # ``fastaudit PATH`` is short for ``fastaudit tui PATH``.
    if not args_list or (args_list[0] not in COMMANDS and not args_list[0].startswith("-")):
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
            return run_tui(Path(args.path))
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return EXIT_ERROR


def _error(message: str) -> int:
    _console(file=sys.stderr).print(Text("error: ", style="bold red").append(message))
    return EXIT_ERROR


def _check_root(path: Path) -> str | None:
    if not path.exists():
        return f"{path} does not exist"
    if not path.is_dir():
        return f"{path} is not a folder; give the root of a project"
    return None


def run_check(args: argparse.Namespace) -> int:
    from fastaudit.config import is_known_selector, load_config
    from fastaudit.engine.scan import scan
    from fastaudit.fixes.apply import unified_diff
    from fastaudit.fixes.runner import fix_project
    from fastaudit.report import github, json_report, sarif, text

    root = Path(args.path)
    if problem := _check_root(root):
        return _error(problem)
    config = load_config(root.resolve())
    for option in ("select", "extend_select", "ignore"):
        ids = _split_ids(getattr(args, option))
        unknown = [i for i in ids if not is_known_selector(i)]
        if unknown:
            return _error(
                f"--{option.replace('_', '-')}: unknown rule or family {', '.join(unknown)}"
            )
        if ids:
            if option == "select":
                config.select = ids
            elif option == "extend_select":
                config.extend_select = ids
            else:
                config.ignore = [*config.ignore, *ids]

    result = scan(root, config)
    out_file = open(args.output, "w", encoding="utf-8") if args.output else None  # noqa: SIM115
    try:
        console = _console(args.no_color or out_file is not None, file=out_file)
        if args.diff:
            report = fix_project(result, unsafe=args.unsafe_fixes, write=False)
            for change in report.changed:
                diff = unified_diff(
                    change.path,
                    change.old.decode("utf-8", "replace"),
                    change.new.decode("utf-8", "replace"),
                )
                console.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
            for error in report.errors:
                console.print(Text("error: ", style="red").append(error))
            console.print(
                Text(
                    f"{report.fixed_count} fix(es) would be applied "
                    f"to {len(report.changed)} file(s).",
                    style="bold",
                )
            )
            return EXIT_CLEAN if args.exit_zero or report.fixed_count == 0 else EXIT_FINDINGS
        fix_errors: list[str] = []
        fixed_count = 0
        if args.fix:
            report = fix_project(result, unsafe=args.unsafe_fixes, write=True)
            fix_errors = report.errors
            fixed_count = report.fixed_count
            if report.changed:
                result = scan(root, config)
        if args.format == "json":
            console.file.write(json_report.render(result) + "\n")
        elif args.format == "sarif":
            console.file.write(sarif.render(result) + "\n")
        elif args.format == "github":
            rendered = github.render(result)
            if rendered:
                console.file.write(rendered + "\n")
        else:
            text.render(result, console, show_statistics=args.statistics)
            if args.fix:
                console.print(Text(f"Fixed {fixed_count} problem(s).", style="green"))
        for error in fix_errors:
            _console(file=sys.stderr).print(Text("fix failed: ", style="red").append(error))
    finally:
        if out_file is not None:
            out_file.close()
    if fix_errors:
        return EXIT_ERROR
    if args.exit_zero or not result.findings:
        return EXIT_CLEAN
    return EXIT_FINDINGS


def run_rules(args: argparse.Namespace) -> int:
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
            }
            for r in rules.values()
        ]
        print(json.dumps(payload, indent=2))
        return EXIT_CLEAN
    table = Table(title=f"fastaudit rules ({len(rules)})", header_style="bold")
    for column in ("id", "family", "severity", "fixable", "title"):
        table.add_column(column)
    for rule in rules.values():
        table.add_row(
            rule.id,
            rule.family_name(),
            rule.severity.value,
            "✓" if rule.fixable() else "",
            rule.title,
        )
    _console().print(table)
    return EXIT_CLEAN


def run_explain(args: argparse.Namespace) -> int:
    from rich.columns import Columns
    from rich.panel import Panel

    from fastaudit.rules import get_rule

    rule = get_rule(args.rule)
    if rule is None:
        return _error(f"no rule {args.rule!r}; `fastaudit rules` lists them")
    console = _console()
    console.print(
        Text(f"{rule.id} ", style="bold").append(rule.title).append(f"  ({rule.name})", style="dim")
    )
    console.print(
        Text(
            f"family {rule.family_name()} · severity {rule.severity.value} · "
            f"{'fixable' if rule.fixable() else 'no automatic fix'}"
            + (f" · see also ruff {rule.see_also}" if rule.see_also else ""),
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
    return Path(str(resources.files("fastaudit") / "demo_project"))


def copy_demo(target: Path | None = None) -> Path:
    source = demo_source()
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="fastaudit-demo-")) / "shopfront"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run_demo(args: argparse.Namespace) -> int:
    target = copy_demo(Path(args.keep) if args.keep else None)
    console = _console(file=sys.stderr)
    console.print(
        Text(f"Demo project copied to {target} (fixes change only this copy).", style="dim")
    )
    if args.check:
        ns = build_parser().parse_args(["check", str(target), "--exit-zero"])
        return run_check(ns)
    return run_tui(target)


def run_tui(path: Path) -> int:
    if problem := _check_root(path):
        return _error(problem)
    try:
        from fastaudit.tui.app import run_app
    except ImportError as exc:  # the TUI is optional until it exists
        return _error(f"the interactive auditor is not available ({exc}); use `fastaudit check`")
    return run_app(path.resolve())


if __name__ == "__main__":
    raise SystemExit(main())

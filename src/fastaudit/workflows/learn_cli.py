"""The ``fastaudit learn`` command: the tour in the terminal, one area per screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule as Divider
from rich.syntax import Syntax
from rich.text import Text

from fastaudit.audit.scan import ScanResult, scan
from fastaudit.project.discovery import unreadable_root
from fastaudit.report.safe import literal
from fastaudit.workflows.learn import AREAS, Area, Progress, example_rule, findings_for

MAX_PLACES = 8


def render_area(
    area: Area, index: int, result: ScanResult, progress: Progress, width: int
) -> Group:
    findings = findings_for(area, result.findings)
    rule = example_rule(area, result.findings)
    status = "✓ done" if area.key in progress.done else "not done yet"
    head = Text()
    head.append(f"Step {index + 1}/{len(AREAS)} · ", style="dim")
    head.append(area.title, style="bold")
    head.append(f"  ({area.key}, {status})", style="green" if area.key in progress.done else "dim")
    parts: list[RenderableType] = [Divider(style="dim"), head, Text(), Text(area.practice), Text()]
    parts.append(Text("Why: ", style="bold").append(area.why))
    if rule is not None:
        dont = Panel(
            Syntax(rule.dont, "python", theme="ansi_dark", background_color="default"),
            title=f"Don't ({rule.id})",
            border_style="red",
        )
        do = Panel(
            Syntax(rule.do, "python", theme="ansi_dark", background_color="default"),
            title="Do",
            border_style="green",
        )
        parts += [
            Text(),
            Columns([dont, do], equal=True, expand=True) if width >= 120 else Group(dont, do),
        ]
    parts.append(Text())
    if findings:
        places = Text(f"{len(findings)} place(s) in your code:\n", style="bold yellow")
        for finding in findings[:MAX_PLACES]:
            places.append(f"  {literal(finding.path, keep_newlines=False)}:{finding.span.line}  ")
            places.append(f"{finding.rule} ", style="yellow")
            places.append(literal(finding.message, keep_newlines=False) + "\n")
        if len(findings) > MAX_PLACES:
            places.append(f"  … and {len(findings) - MAX_PLACES} more (fastaudit check)\n")
        parts.append(places)
    else:
        parts.append(Text("Nothing to change here in your code. ✓", style="green"))
    return Group(*parts)


def _area(key: str) -> Area | None:
    return next((a for a in AREAS if a.key == key.lower()), None)


def run_learn(args: argparse.Namespace) -> int:
    root = Path(args.path)
    console = Console(highlight=False)
    if problem := unreadable_root(root):
        console.print(Text(f"error: {problem}", style="red"))
        return 2
    if not root.is_dir():
        console.print(Text(f"error: {root} is not a folder", style="red"))
        return 2
    progress = Progress(root)
    for flag, done in ((args.done, True), (args.undone, False)):
        if flag:
            area = _area(flag)
            if area is None:
                console.print(Text(f"error: no area {flag!r}; areas: {_keys()}", style="red"))
                return 2
            progress.mark(area.key, done)
            console.print(f"{area.title}: marked {'done' if done else 'not done'}.")
            return 0
    result = scan(root)
    if args.step:
        area = _area(args.step)
        if area is None:
            console.print(Text(f"error: no area {args.step!r}; areas: {_keys()}", style="red"))
            return 2
        console.print(render_area(area, AREAS.index(area), result, progress, console.width))
        return 0
    interactive = not args.all and sys.stdin.isatty() and sys.stdout.isatty()
    if not interactive:
        for index, area in enumerate(AREAS):
            console.print(render_area(area, index, result, progress, console.width))
        console.print(_summary(progress))
        return 0
    index = next((i for i, a in enumerate(AREAS) if a.key not in progress.done), 0)
    while True:
        console.clear()
        console.print(render_area(AREAS[index], index, result, progress, console.width))
        console.print(_summary(progress))
        answer = console.input("[n]ext  [p]revious  [d]one  [u]ndo done  [q]uit > ").strip().lower()
        if answer in ("q", "quit", "exit"):
            return 0
        if answer in ("d", "done"):
            progress.mark(AREAS[index].key)
            index = min(index + 1, len(AREAS) - 1)
        elif answer in ("u",):
            progress.mark(AREAS[index].key, done=False)
        elif answer in ("p", "prev", "previous"):
            index = max(index - 1, 0)
        else:
            index = min(index + 1, len(AREAS) - 1)


def _keys() -> str:
    return ", ".join(a.key for a in AREAS)


def _summary(progress: Progress) -> Text:
    done = sum(1 for a in AREAS if a.key in progress.done)
    return Text(f"\nProgress: {done}/{len(AREAS)} areas done.", style="bold")

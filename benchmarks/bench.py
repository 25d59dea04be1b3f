"""How fast is fastaudit? Figures, and ratios against the floor and the fastest peer.

    python benchmarks/bench.py                 # generate the large project and measure it
    python benchmarks/bench.py PATH            # measure an existing project too
    python benchmarks/bench.py --write         # also record the run in benchmarks/RESULTS.md

The floor is a plain loop of ``ast.parse`` over the same files in one process; the peer
is ``ruff check --select FAST,ASYNC --no-cache`` when ruff is installed. Every figure is
the best of a few runs (the machine may be busy), measured in this same run.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, generate_findings  # noqa: E402

from fastaudit.audit.scan import refresh, scan  # noqa: E402
from fastaudit.fixes.apply import atomic_write  # noqa: E402
from fastaudit.fixes.runner import fix_file  # noqa: E402
from fastaudit.project.discovery import discover  # noqa: E402

REPEAT = 3


def best_of(action: Callable[[], object], repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def floor(root: Path, files: list[str]) -> float:
    def parse_all() -> None:
        for rel in files:
            with contextlib.suppress(SyntaxError, ValueError):
                ast.parse((root / rel).read_bytes())

    return best_of(parse_all)


def ruff_time(root: Path) -> float | None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        return None
    command = [
        ruff,
        "check",
        "--select",
        "FAST,ASYNC",
        "--no-cache",
        "--exit-zero",
        "-q",
        str(root),
    ]
    return best_of(lambda: subprocess.run(command, capture_output=True, check=False))


def peak_memory_mb(root: Path) -> float:
    """Peak resident memory of a cold scan, workers included, in a fresh process."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from fastaudit.audit.scan import scan\n"
        "scan(Path(sys.argv[1]), use_cache=False)\n"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(max(own, kids) / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def first_finding_in_tui(root: Path) -> float | None:
    """Seconds from app start until the first finding is in the tree (headless)."""
    try:
        from fastaudit.tui.app import time_to_first_finding
    except ImportError:
        return None
    return time_to_first_finding(root)


# -- the auditor on a long findings list ------------------------------------------------

CURSOR_MOVES = 40
TUI_SIZE = (160, 48)


async def _tui_key(app, key: str, done: Callable[[], bool]) -> float:
    """Seconds from a key press until ``done()`` holds and the screen was repainted."""
    from textual import events

    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    app.post_message(events.Key(key, None))
    while not done():
        await asyncio.sleep(0)
    painted = loop.create_future()
    app.screen.call_after_refresh(lambda: painted.done() or painted.set_result(None))
    await painted
    return time.perf_counter() - start


async def _tui_ready(app, pilot) -> None:
    from fastaudit.tui.screens.main import MainScreen

    # Textual offers no event for "the scan's results are on screen": poll (ASY113).
    while not (
        isinstance(app.screen, MainScreen) and app.screen.result is not None
    ):  # fastaudit: ignore[ASY113]
        await asyncio.sleep(0.01)
    for _ in range(5):
        await pilot.pause()


def cursor_moves(root: Path) -> list[float]:
    """Seconds per cursor move (down, some up) in the findings tree, every group open,
    each until the detail pane shows the new selection on screen."""
    from fastaudit.tui.app import create_app
    from fastaudit.tui.grouping import finding_key
    from fastaudit.tui.widgets.detail import FindingDetail

    async def run() -> list[float]:
        app = create_app(root, testing=True)
        async with app.run_test(size=TUI_SIZE) as pilot:
            await _tui_ready(app, pilot)
            screen = app.screen
            screen.tree.root.expand_all()
            start = sorted(screen.findings, key=lambda f: (f.rule, f.path, f.span.line))[300]
            screen.tree.select_key(finding_key(start))
            for _ in range(5):
                await pilot.pause()
            detail = screen.query_one(FindingDetail)
            times = []
            for index in range(CURSOR_MOVES):
                before = screen.selected_group

                def moved(before=before) -> bool:
                    group = screen.selected_group
                    return group is not before and group is not None and detail.shown == group.key

                key = "down" if index % 10 < 7 else "up"
                times.append(await _tui_key(app, key, moved))
                await pilot.pause()
            return times

    return asyncio.run(run())


def fix_all_preview(root: Path, rule: str) -> tuple[float, int]:
    """Seconds from F on a rule's group until its preview is on screen, and how many
    fixes the preview holds."""
    from fastaudit.tui.app import create_app
    from fastaudit.tui.screens.fix_preview import FixPreviewScreen

    async def run() -> tuple[float, int]:
        app = create_app(root, testing=True)
        async with app.run_test(size=TUI_SIZE) as pilot:
            await _tui_ready(app, pilot)
            app.screen.tree.select_key(("family", rule[:3], "rule", rule))
            for _ in range(5):
                await pilot.pause()
            seconds = await _tui_key(app, "F", lambda: isinstance(app.screen, FixPreviewScreen))
            screen = app.screen
            assert isinstance(screen, FixPreviewScreen)
            return seconds, screen.plan.count

    return asyncio.run(run())


def measure_tui(temp: Path) -> list[tuple[str, str]]:
    """The auditor with 2,500 findings (cursor moves) and 400 safe fixes (preview)."""
    rows: list[tuple[str, str]] = []
    many = temp / "findings-2500"
    generate_findings(many, 2500)
    moves = cursor_moves(many)
    median = statistics.median(moves) * 1000
    worst = max(moves) * 1000
    rows.append(
        (
            f"cursor move, 2,500 findings ({CURSOR_MOVES} moves)",
            f"median {median:.0f} ms, worst {worst:.0f} ms",
        )
    )
    fixes = temp / "fixes-400"
    generate_findings(fixes, 800)  # 400 of them time.sleep (ASY102), safely fixable
    seconds, count = min(fix_all_preview(fixes, "ASY102") for _ in range(REPEAT))
    rows.append((f"preview {count} safe fixes (F)", f"{seconds:.3f} s"))
    return rows


def fix_and_rescan(root: Path) -> float | None:
    result = scan(root)
    target = next(
        (f for f in result.findings if f.fix is not None and f.fix.safety.value == "safe"), None
    )
    if target is None:
        return None
    start = time.perf_counter()
    change = fix_file(result, target.path, only={target})
    if change is None:
        return None
    atomic_write(result.root, target.path, change.new, change.old)
    refresh(result, [target.path])
    return time.perf_counter() - start


def measure(root: Path) -> list[tuple[str, str]]:
    files = discover(root).python_files
    lines = sum((root / f).read_bytes().count(b"\n") for f in files)
    rows: list[tuple[str, str]] = [("files / lines", f"{len(files)} / {lines}")]
    base = floor(root, files)
    rows.append(("floor: ast.parse loop, 1 process", f"{base:.3f} s"))
    peer = ruff_time(root)

    def ratio(value: float) -> str:
        text = f"{value / base:.2f}x floor"
        if peer:
            text += f", {value / peer:.1f}x ruff"
        return text

    cold = best_of(lambda: scan(root, use_cache=False))
    rows.append(("cold scan (no cache)", f"{cold:.3f} s ({ratio(cold)})"))
    one_process = best_of(lambda: scan(root, use_cache=False, jobs=1), repeat=1)
    rows.append(("cold scan, 1 process", f"{one_process:.3f} s ({ratio(one_process)})"))
    scan(root)  # fill the cache
    warm = best_of(lambda: scan(root))
    rows.append(("warm rescan, nothing changed", f"{warm:.3f} s ({warm / cold:.3f}x cold)"))
    touched = root / files[len(files) // 2]
    original = touched.read_bytes()

    def touch_one() -> None:
        touched.write_bytes(original + b"\n# touched\n")
        scan(root)
        touched.write_bytes(original)
        scan(root)

    one = best_of(touch_one) / 2
    rows.append(("rescan after changing one file", f"{one:.3f} s ({one / cold:.3f}x cold)"))
    rows.append(("peak memory, cold scan", f"{peak_memory_mb(root):.0f} MB"))
    first = first_finding_in_tui(root)
    rows.append(("first finding in the TUI", "n/a" if first is None else f"{first:.3f} s"))
    fix = fix_and_rescan(root)
    rows.append(
        ("apply one fix + rescan its file", "n/a" if fix is None else f"{fix * 1000:.0f} ms")
    )
    if peer:
        rows.append(("ruff check --select FAST,ASYNC --no-cache", f"{peer:.3f} s"))
    return rows


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.platform()}, {cores} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="extra projects to measure")
    parser.add_argument("--domains", type=int, default=1000, help="size of the generated project")
    parser.add_argument("--write", action="store_true", help="append the run to RESULTS.md")
    parser.add_argument(
        "--tui-only", action="store_true", help="only the auditor's figures (cursor, preview)"
    )
    args = parser.parse_args()
    os.environ.setdefault("FASTAUDIT_CACHE_DIR", tempfile.mkdtemp(prefix="fastaudit-bench-"))
    report = [f"## {datetime.date.today().isoformat()} — {machine()}", ""]
    command = "--tui-only" if args.tui_only else f"--domains {args.domains}"
    report.append(f"Command: `python benchmarks/bench.py {command}`")
    with tempfile.TemporaryDirectory(prefix="fastaudit-bench-") as temp:
        targets = [(str(p), p) for p in args.paths]
        if not args.tui_only:
            generated = Path(temp) / "bigshop"
            _files, _lines = generate(generated, args.domains)
            targets.insert(0, ("generated project", generated))
        print("\nthe auditor (TUI, headless, 160x48)")
        tui_rows = measure_tui(Path(temp))
        report += ["", "### the auditor (TUI, headless, 160x48)", "", "| figure | value |"]
        report.append("|---|---|")
        for name, value in tui_rows:
            print(f"  {name:<44} {value}")
            report.append(f"| {name} | {value} |")
        for label, root in targets:
            print(f"\n{label}: {root}")
            rows = measure(root.resolve())
            report += ["", f"### {label}", "", "| figure | value |", "|---|---|"]
            for name, value in rows:
                print(f"  {name:<44} {value}")
                report.append(f"| {name} | {value} |")
    if args.write:
        results = HERE / "RESULTS.md"
        header = "" if results.exists() else "# Benchmark results\n\n"
        with results.open("a", encoding="utf-8") as out:
            out.write(header + "\n".join(report) + "\n\n")
        print(f"\nrecorded in {results}")


if __name__ == "__main__":
    main()

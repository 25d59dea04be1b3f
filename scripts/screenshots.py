"""Save SVG screenshots of the auditor's main screens into ``screenshots/``.

Main screen, a finding, the fix preview, help, the dependency matrix, the structure view
and the learn walkthrough. Runs the real app headless on a copy of the bundled demo
project (or, when the demo is not there, the TUI test fixture), so fixes made while
shooting never touch the originals:

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

from fastaudit.model import Safety
from fastaudit.tui.app import create_app
from fastaudit.tui.grouping import finding_key
from fastaudit.tui.screens.main import MainScreen

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "screenshots"
DEMO = REPO / "src" / "fastaudit" / "demo_project"
FIXTURE = REPO / "tests" / "tui" / "fixtures" / "shop"
SIZE = (140, 42)


async def settle(pilot, rounds: int = 6) -> None:
    await pilot.app.workers.wait_for_complete()
    for _ in range(rounds):
        await pilot.pause()


async def shoot(project: Path) -> list[Path]:
    # Learn progress and the undo journal go to a throwaway cache, not the user's.
    os.environ["FASTAUDIT_CACHE_DIR"] = str(project.parent / "cache")
    app = create_app(project, testing=True)
    saved: list[Path] = []

    def save(name: str) -> None:
        saved.append(Path(app.save_screenshot(name, path=str(OUT))))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        save("main.svg")
        # The first finding with a safe fix in the order the tree shows them, code first.
        leaves = [n.data.finding for n in screen.tree.nodes() if n.data and n.data.finding]
        fixable = [f for f in leaves if f.fix is not None and f.fix.safety is Safety.SAFE]
        fixable.sort(key=lambda f: not f.path.endswith(".py"))
        if fixable:
            screen.tree.select_key(finding_key(fixable[0]))
            await settle(pilot)
        save("finding.svg")
        if fixable:
            await pilot.press("f")
            await settle(pilot)
            save("fix-preview.svg")
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        save("help.svg")
        await pilot.press("escape")
        await settle(pilot)
        for key, name in (("d", "dependencies.svg"), ("s", "structure.svg")):
            await pilot.press(key)
            await settle(pilot)
            save(name)
            await pilot.press("escape")
            await settle(pilot)
        # The walkthrough at its second area (async routes), with this project's places.
        await pilot.press("l", "n")
        await settle(pilot)
        save("learn.svg")
    return saved


def main() -> int:
    source = DEMO if DEMO.is_dir() else FIXTURE
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fastaudit-shots-") as temp:
        project = Path(temp) / ("shopfront" if source is DEMO else source.name)
        shutil.copytree(source, project, ignore=shutil.ignore_patterns("__pycache__"))
        for path in asyncio.run(shoot(project)):
            print(f"saved {path.relative_to(REPO)}")
    print(f"(project: {source.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

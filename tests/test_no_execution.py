"""fastaudit never imports, executes or evaluates the code it audits, and never writes
outside the audited root and its cache directory (issue 7).

The audited project is a trap: every module, ``conftest.py``, ``setup.py``, each
``__init__.py``, a build backend, an Alembic ``env.py``, ``.pth`` files, modules named
like ``sitecustomize`` and like the libraries fastaudit itself imports would write a
marker file and then raise or end the process if anything ran them. The scan, ``check``
in every format, ``--fix``, ``--diff`` and the TUI run over it, in-process and as real
processes; no marker may appear, no module of the project may be in ``sys.modules``, and
a snapshot of the whole temporary tree around the project shows nothing written except
the fixed files and the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile.support import changed, snapshot

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_project

SLEEPY_ROUTE = "\n\nasync def trapped_route():\n    time.sleep(1)\n"  # ASY102, with a safe fix


def trap(markers: Path, name: str, ending: str = "raise") -> str:
    """Source that leaves ``markers/name`` behind if it ever runs, then fails loudly."""
    stop = {
        "raise": f'raise RuntimeError("fastaudit executed audited code: {name}")',
        "exit": "raise SystemExit(97)",
        "_exit": "import os as _os\n_os._exit(97)",
    }[ending]
    return (
        "import pathlib\n"
        "import time\n"
        f"pathlib.Path({str(markers)!r}, {name!r}).write_text('executed')\n"
        f"{stop}\n"
    )


# Module names the project defines, to look for in sys.modules afterwards.
PROJECT_MODULES = {
    "shop",
    "shop.main",
    "shop.routes",
    "shop.__main__",
    "conftest",
    "setup",
    "noxfile",
    "manage",
    "sitecustomize",
    "usercustomize",
    "evil_backend",
    "env",
    "conf",
    "trapped_tests",
    "many",
}
# Names of modules fastaudit and its libraries import: shadows at the project's top
# level would run if the project folder were ever put on sys.path.
SHADOWS = ["rich", "pathspec", "tomlkit", "libcst", "packaging", "textual", "fastaudit"]


def build_trap_project(root: Path, markers: Path, *, many: int = 0) -> None:
    files: dict[str, str] = {
        "shop/__init__.py": trap(markers, "shop-init"),
        "shop/main.py": trap(markers, "shop-main") + SLEEPY_ROUTE,
        "shop/routes.py": trap(markers, "shop-routes", "exit") + SLEEPY_ROUTE,
        "shop/__main__.py": trap(markers, "shop-dunder-main", "_exit"),
        "conftest.py": trap(markers, "conftest", "_exit"),
        "tests/conftest.py": trap(markers, "tests-conftest", "_exit"),
        "tests/test_trapped.py": trap(markers, "test-module"),
        "setup.py": trap(markers, "setup", "exit"),
        "noxfile.py": trap(markers, "noxfile"),
        "manage.py": trap(markers, "manage"),
        "docs/conf.py": trap(markers, "sphinx-conf"),
        "sitecustomize.py": trap(markers, "sitecustomize", "_exit"),
        "usercustomize.py": trap(markers, "usercustomize", "_exit"),
        "evil_backend.py": trap(markers, "build-backend"),
        "alembic/env.py": trap(markers, "alembic-env"),
        "alembic.ini": "[alembic]\nscript_location = alembic\n",
        # site.py runs the lines of .pth files that start with "import".
        "zz_trap.pth": (
            f"import pathlib; pathlib.Path({str(markers)!r}, 'pth').write_text('executed')\n"
        ),
        "shop/zz_trap.pth": f"import os; os._exit(97)  # {markers}\n",
        "pyproject.toml": (
            '[build-system]\nrequires = []\nbuild-backend = "evil_backend"\n'
            'backend-path = ["."]\n\n[project]\nname = "shop"\nversion = "1"\n'
            'dependencies = ["fastapi>=0.100"]\n'
        ),
        "requirements.txt": "fastapi>=0.100\n-e .\n",
        "setup.cfg": "[options]\nsetup_requires = trap\n",
    }
    for name in SHADOWS:
        files[f"{name}.py"] = trap(markers, f"shadow-{name}", "_exit")
    for index in range(many):
        files[f"many/mod_{index:03}.py"] = trap(markers, f"many-{index}") + SLEEPY_ROUTE
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def world(tmp_path: Path):
    """tmp_path/{project, markers, sibling, home}: the trap project, where markers
    would go, a neighbour that must stay untouched, and a home for caches."""
    root, markers = tmp_path / "project", tmp_path / "markers"
    markers.mkdir()
    build_trap_project(root, markers)
    sibling = tmp_path / "sibling"
    (sibling / "src").mkdir(parents=True)
    (sibling / "src" / "app.py").write_text("import time\n\nasync def f():\n    time.sleep(1)\n")
    (tmp_path / "home").mkdir()
    return root, markers


def assert_nothing_ran(markers: Path) -> None:
    assert sorted(p.name for p in markers.iterdir()) == []


def project_modules(root: Path, before: set[str]) -> list[str]:
    """Modules loaded from the project, or named like its modules and new since
    ``before`` (pytest has a ``conftest`` of its own)."""
    found = []
    root = root.resolve()
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None) or ""
        loaded_from_project = bool(where) and Path(where).resolve().is_relative_to(root)
        named_like_one = name not in before and (
            name in PROJECT_MODULES or name.split(".")[0] in {"shop", "many"}
        )
        if loaded_from_project or named_like_one:
            found.append(name)
    return found


def fixed_paths(root: Path) -> set[str]:
    """Files of the trap project that carry a fixable time.sleep."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if "await asyncio.sleep(1)" in p.read_text(encoding="utf-8")
    }


def announced_paths(diff: str) -> set[str]:
    """The files a ``--diff`` patch changes."""
    return {line.removeprefix("+++ b/") for line in diff.splitlines() if line.startswith("+++ b/")}


def written(paths: set[str]) -> set[str]:
    """Snapshot paths a fix of ``paths`` changes: each file, and the folder it was
    renamed into (its mtime moves)."""
    found = set()
    for path in paths:
        found |= {f"project/{path}", "/".join(["project", *path.split("/")[:-1]])}
    return found


# -------------------------------------------------------------------- in-process
async def test_scan_check_fix_and_tui_never_run_the_project(world, tmp_path, capsys):
    root, markers = world
    modules_before = set(sys.modules)
    path_before = list(sys.path)
    before = snapshot(tmp_path)

    result = scan(root, Config(), use_cache=False, jobs=1)
    assert {"ASY102"} <= {f.rule for f in result.findings if f.path == "shop/main.py"}
    assert fix_project(result, write=False).changed  # planning a fix runs nothing either
    for fmt in ("text", "json", "sarif", "github", "markdown"):
        assert main(["check", str(root), "--format", fmt, "--jobs", "1"]) == 1
    capsys.readouterr()
    assert main(["check", str(root), "--diff", "--unsafe-fixes", "--jobs", "1"]) == 1
    announced = announced_paths(capsys.readouterr().out)
    assert main(["check", str(root), "--fix", "--unsafe-fixes", "--jobs", "1"]) in (0, 1)
    assert main(["baseline", str(root), "-o", str(tmp_path / "home" / "b.json")]) == 0
    capsys.readouterr()
    assert fixed_paths(root) == {"shop/main.py", "shop/routes.py"}
    assert {"shop/main.py", "shop/routes.py", "requirements.txt"} <= announced

    # The TUI: scan, move through the findings, rescan.
    from fastaudit.tui.app import create_app

    app = create_app(root, testing=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(6):
            await pilot.pause()
        for key in ("down", "down", "enter", "r"):
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(3):
            await pilot.pause()

    assert_nothing_ran(markers)
    assert project_modules(root, modules_before) == []
    assert sys.path == path_before
    # Written: the files --diff announced (and the folders they were renamed into),
    # and the baseline asked for in home; the undo journal and cache live elsewhere.
    assert changed(before, snapshot(tmp_path)) == written(announced) | {"home", "home/b.json"}


# ---------------------------------------------------------------- real processes
def clean_env(home: Path, **cache: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"FASTAUDIT_CACHE_DIR", "XDG_CACHE_HOME", "PYTHONPATH", "PYTHONSTARTUP", "TMPDIR"}
    }
    env.update(HOME=str(home), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1", **cache)
    return env


def fastaudit(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    # The installed console script: run from inside the project, whose folder then is
    # the working directory but (unlike `python -m`) not on sys.path.
    script = Path(sys.executable).with_name("fastaudit")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "fastaudit"]
    return subprocess.run(
        [*command, *args], env=env, cwd=cwd, capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("cache_setting", "cache_dir", "many"),
    [
        # With enough files for worker processes (engine/parallel.py PARALLEL_THRESHOLD).
        ("FASTAUDIT_CACHE_DIR", "home/fa-cache", 160),
        ("XDG_CACHE_HOME", "home/xdg/fastaudit", 0),
        (None, "home/.cache/fastaudit", 0),
    ],
    ids=["FASTAUDIT_CACHE_DIR-workers", "XDG_CACHE_HOME", "HOME"],
)
def test_processes_write_only_the_fixed_files_and_the_cache(
    tmp_path, cache_setting, cache_dir, many
):
    root, markers, home = tmp_path / "project", tmp_path / "markers", tmp_path / "home"
    markers.mkdir()
    home.mkdir()
    temp = tmp_path / "tmpdir"  # where anything using tempfile's default would write
    temp.mkdir()
    build_trap_project(root, markers, many=many)
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "app.py").write_text("import time\n")
    cache = {}
    if cache_setting == "FASTAUDIT_CACHE_DIR":
        cache = {cache_setting: str(home / "fa-cache")}
    elif cache_setting == "XDG_CACHE_HOME":
        cache = {cache_setting: str(home / "xdg")}
    env = clean_env(home, TMPDIR=str(temp), **cache)
    before = snapshot(tmp_path)

    runs = [
        fastaudit("check", ".", "--format", "json", "--jobs", "2", env=env, cwd=root),
        fastaudit("check", str(root), "--diff", env=env, cwd=tmp_path),
        fastaudit("check", ".", "--fix", "--jobs", "2", env=env, cwd=root),
    ]

    for run in runs:
        out, err = run.stdout.decode(), run.stderr.decode()
        assert "Traceback" not in out + err
        assert run.returncode in (0, 1), err[-2000:]
    payload = json.loads(runs[0].stdout)
    assert len({f["path"] for f in payload["findings"] if f["rule"] == "ASY102"}) == 2 + many
    assert_nothing_ran(markers)

    assert len(fixed_paths(root)) == 2 + many
    # What --diff announced is exactly what --fix wrote.
    announced = announced_paths(runs[1].stdout.decode())
    assert fixed_paths(root) <= announced
    allowed = written(announced)
    cache_path = tmp_path / cache_dir
    assert any(cache_path.iterdir()), "the cache was written where it belongs"
    outside_cache = {
        p
        for p in changed(before, snapshot(tmp_path))
        if not (tmp_path / p).resolve().is_relative_to(cache_path)
        and not cache_path.is_relative_to((tmp_path / p).resolve())  # its new parents
    }
    assert outside_cache == allowed
    assert list(temp.iterdir()) == []


def test_python_dash_m_never_imports_the_project(tmp_path):
    """``python -m fastaudit`` from another folder, over the trap project."""
    root, markers, home = tmp_path / "project", tmp_path / "markers", tmp_path / "home"
    markers.mkdir()
    home.mkdir()
    build_trap_project(root, markers)
    env = clean_env(home, FASTAUDIT_CACHE_DIR=str(home / "cache"))
    for args in (["--format", "json"], ["--fix", "--unsafe-fixes"]):
        done = subprocess.run(
            [sys.executable, "-m", "fastaudit", "check", str(root), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr.decode()[-2000:]
        assert "Traceback" not in done.stderr.decode()
    assert_nothing_ran(markers)

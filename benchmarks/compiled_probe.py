"""How much faster is the compiled build, and does it report the same?

    python benchmarks/compiled_probe.py --real prefect polar dispatch
    python benchmarks/compiled_probe.py PATH --runs 7
    python benchmarks/compiled_probe.py --build-only DIR    # what `make test-compiled` tests

Issue 15 asks for a cold audit within 1.5x a bare ``ast.parse`` loop, and leaves the
means to the owner: a native rule engine, an optional mypyc build, or a revised target.
``setup.py`` builds the second on request (``FASTAUDIT_COMPILE=1``). This probe measures
it without installing it: it copies ``src/fastaudit`` to a temporary folder, compiles
there the modules ``setup.py`` compiles (listed in ``pyproject.toml``) with the mypyc
that comes with mypy (a C compiler is needed), and runs whole ``fastaudit check
--no-cache`` processes on each project, the compiled copy and the installed code in
turns with the floor (``bench.py``'s: a fresh interpreter reading and parsing every
file), so all three see the same moments of a busy machine. It prints the median wall
time of each, the builds' ratios to the floor, and whether their JSON reports are
identical.

The rules themselves are not compiled: their mixins, class registries and handler
attributes are outside what mypyc accepts (``mypyc src/fastaudit/rules`` lists the
places), so this is the gain of the engine alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SOURCE = HERE.parent / "src" / "fastaudit"


def compiled_modules() -> list[str]:
    """The modules a compiled build compiles, as ``setup.py`` reads them."""
    spec = importlib.util.spec_from_file_location("fastaudit_setup", HERE.parent / "setup.py")
    assert spec is not None and spec.loader is not None
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)  # defines its functions; builds only as __main__
    modules: list[str] = setup.compiled_modules()
    return modules


# mypyc type-checks what it compiles, with our own strictness; the rest of pyproject.toml
# (the package's metadata) is not its business.
MYPY_CONFIG = '[tool.mypy]\npython_version = "3.11"\nstrict = true\n'


def compile_copy(into: Path) -> Path:
    """A copy of the package with the listed modules compiled in place; the folder to put
    on ``PYTHONPATH``."""
    mypyc = Path(sys.executable).parent / "mypyc"
    if not mypyc.exists():
        raise SystemExit("mypyc is not installed beside this python (it comes with mypy)")
    src = into / "src"
    shutil.copytree(SOURCE, src / "fastaudit", ignore=shutil.ignore_patterns("__pycache__"))
    (src / "pyproject.toml").write_text(MYPY_CONFIG)
    start = time.perf_counter()
    # Run from the copy's root: mypyc names each module by its path and puts the built
    # extension beside the source it came from.
    modules = compiled_modules()
    done = subprocess.run(
        [str(mypyc), *modules], cwd=src, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"mypyc failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    # What a process with the copy first on its path imports: the extension, not the source.
    probe = "import fastaudit.engine.context as m; print(m.__file__)"
    env = {**os.environ, "PYTHONPATH": str(src)}
    where = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    if not where.endswith(".so"):
        raise SystemExit(f"the compiled copy is not what runs: {where}")
    print(f"compiled {len(modules)} modules in {time.perf_counter() - start:.0f} s")
    return src


def check_once(root: Path, report: Path, pythonpath: str | None) -> float:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-m", "fastaudit", "check", ".", "--no-cache"]
    command += ["--output-format", "json", "-o", str(report), "--exit-zero"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        build = "compiled" if pythonpath else "pure"
        raise SystemExit(f"the {build} build failed on {root}:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def probe(label: str, root: Path, compiled: Path, runs: int, scratch: Path) -> str:
    """One row: the floor (``bench.floor``: a fresh interpreter reading and parsing every
    file) and each build's cold check, in rounds, medians kept."""
    from bench import floor

    from fastaudit.project.discovery import discover

    files = discover(root).python_files
    pure_report, compiled_report = scratch / "pure.json", scratch / "compiled.json"
    floors: list[float] = []
    pure: list[float] = []
    fast: list[float] = []
    # Bytecode written for both (the copy's modules that stay Python have none yet), and
    # the project's files in the page cache.
    check_once(root, pure_report, None)
    check_once(root, compiled_report, str(compiled))
    for _ in range(runs):
        floors.append(floor(root, files))
        pure.append(check_once(root, pure_report, None))
        fast.append(check_once(root, compiled_report, str(compiled)))
    same = pure_report.read_bytes() == compiled_report.read_bytes()
    base, a, b = statistics.median(floors), statistics.median(pure), statistics.median(fast)
    return (
        f"| {label} | {len(files)} | {base:.2f} s | {a:.2f} s ({a / base:.2f}x) | "
        f"{b:.2f} s ({b / base:.2f}x) | {(b - a) / a:+.0%} | "
        f"{'identical' if same else '**differ**'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, help="projects to measure")
    parser.add_argument(
        "--real", nargs="*", metavar="NAME", help="calibration projects (all when none named)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each build per project")
    parser.add_argument(
        "--build-only",
        type=Path,
        metavar="DIR",
        help="compile the copy into DIR (new) and stop: DIR/src goes on PYTHONPATH",
    )
    args = parser.parse_args()
    if args.build_only is not None:
        if args.build_only.exists():
            parser.error(f"{args.build_only} exists: name a new folder")
        compile_copy(args.build_only)
        return
    projects = [(p.resolve().name, p.resolve()) for p in args.paths]
    if args.real is not None:
        from bench import real_projects

        projects += real_projects(args.real)
    if not projects:
        parser.error("name a project: a PATH or --real NAME")
    with tempfile.TemporaryDirectory(prefix="fastaudit-compiled-") as temp:
        scratch = Path(temp)
        compiled = compile_copy(scratch)
        print(
            "\n| project | files | floor | cold, pure Python | cold, engine compiled "
            "| change | reports |"
        )
        print("|---|---|---|---|---|---|---|")
        for label, root in projects:
            print(probe(label, root, compiled, args.runs, scratch), flush=True)


if __name__ == "__main__":
    main()

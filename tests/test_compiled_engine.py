"""The compiled build (``setup.py`` with ``FASTAUDIT_COMPILE=1``) reports what the pure
one does.

mypyc turns the engine's hot modules into C extensions, and compiled code is not quite
Python: annotations are checked at run time, native classes pickle and take attributes
differently, recursion is not counted. Each of those would show here as a run that fails
or a report that differs. The copy is compiled as ``benchmarks/compiled_probe.py``
compiles it, from the list ``setup.py`` reads (``pyproject.toml``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from compiled_probe import compile_copy, compiled_modules  # noqa: E402

from fastaudit.engine.parallel import PARALLEL_THRESHOLD  # noqa: E402

PROJECTS = [
    ROOT / "src" / "fastaudit" / "demo_project",
    ROOT / "tests" / "projects" / "legacy-pydantic1-jose",
    ROOT / "tests" / "projects" / "modern-async",
    ROOT / "tests" / "projects" / "monorepo",
]


def _compiler() -> str | None:
    command = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(command)


def _awkward_project(root: Path) -> Path:
    """Files whose handling runs through the compiled modules' edges: bytes that are not
    UTF-8, a byte-order mark, syntax newer than the parser (lowered first), a
    suppression comment, nesting the parser refuses, settings the walk reads, and enough
    files for workers."""
    app = root / "app"
    app.mkdir(parents=True)
    # Listed blocking calls change how every file is walked (``WalkOptions``, sent to
    # the workers with the files).
    (root / "pyproject.toml").write_text(
        '[project]\nname = "awkward"\nversion = "1"\ndependencies = ["fastapi"]\n\n'
        '[tool.fastaudit]\nblocking-calls = ["acme_sdk.*"]\n'
    )
    (app / "sdk_use.py").write_text(
        "import acme_sdk\n\n\nasync def report():\n    return acme_sdk.fetch_report()\n"
    )
    (app / "__init__.py").write_text("")
    (app / "main.py").write_text(
        "from fastapi import FastAPI\nimport requests\n\napp = FastAPI()\n\n\n"
        "@app.get('/')\nasync def root():\n    return requests.get('http://x').json()\n"
    )
    (app / "latin.py").write_bytes(b"name = '\xff\xfe'\n")
    (app / "bom.py").write_bytes(
        b"\xef\xbb\xbfimport requests\n\n\nasync def fetch():\n    requests.get('u')\n"
    )
    (app / "newer.py").write_text(
        "type Pairs = list[tuple[int, int]]\n\n\ndef first[T](items: list[T]) -> T:\n"
        "    return items[0]\n\n\nasync def nap():\n    import time\n\n"
        "    time.sleep(1)  # noqa: ASY101\n"
    )
    (app / "deep.py").write_text("import requests\nx = requests" + ".b" * 5000 + "\n")
    # Enough files for worker processes (``engine.parallel``): what crosses to them and
    # back is pickled, the compiled modules' objects included.
    many = app / "many"
    many.mkdir()
    (many / "__init__.py").write_text("")
    for n in range(PARALLEL_THRESHOLD):
        (many / f"m{n}.py").write_text(
            f"import requests\n\n\nasync def f{n}():\n    requests.get('u')\n"
        )
    return root


def _run(args: list[str], cwd: Path, pythonpath: Path, home: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "HOME": str(home)}
    env["XDG_CACHE_HOME"] = str(home / "cache")
    done = subprocess.run(
        [sys.executable, "-m", "fastaudit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), (args, done.returncode, done.stderr)
    return done.stdout


@pytest.mark.skipif(_compiler() is None, reason="no C compiler on this machine for mypyc")
def test_compiled_engine_reports_what_the_pure_engine_does(tmp_path: Path) -> None:
    compiled = compile_copy(tmp_path / "build")
    for module in compiled_modules():
        built = list((compiled / module).parent.glob(Path(module).stem + ".*.so"))
        assert built, f"{module} was not compiled"
    pure = ROOT / "src"
    home = tmp_path / "home"
    home.mkdir()

    version = _run(["--version"], tmp_path, compiled, home)
    assert version.strip().endswith("(engine compiled with mypyc)")
    assert "compiled" not in _run(["--version"], tmp_path, pure, home)

    # Copies: where they lie, the repository's own settings (which exclude them) apply.
    projects = [shutil.copytree(p, tmp_path / "projects" / p.name) for p in PROJECTS]
    projects.append(_awkward_project(tmp_path / "projects" / "awkward"))
    fixed = []
    for project in projects:
        for mode in (["--output-format", "json"], ["--diff"]):
            args = ["check", ".", "--no-cache", "--extend-select", "ALL", "--jobs", "2", *mode]
            want = _run(args, project, pure, home)
            got = _run(args, project, compiled, home)
            assert got == want, f"{project.name} {mode}: the compiled build reports otherwise"
            if mode == ["--diff"] and want.strip():
                fixed.append(project.name)
    # The fixes' edits, as a diff, were compared too (the safe fixes of a few projects).
    assert {"demo_project", "legacy-pydantic1-jose", "monorepo"} <= set(fixed)

"""Which files an audit looks at: what git would track, never a virtualenv, never a
symlink out of the project or around a loop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile.support import (
    Run,
    assert_no_traceback,
    isolated_env,
    require_unprivileged,
    run_cli,
)

from fastaudit.audit.scan import scan
from fastaudit.config import Config
from fastaudit.project.discovery import discover

SLEEPY = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def found(root: Path, exclude: list[str] | None = None) -> list[str]:
    return discover(root, exclude).python_files


def problems(root: Path) -> dict[str, str]:
    return dict(discover(root).problems)


def test_nested_gitignore_levels_with_negation(tmp_path):
    tree(
        tmp_path,
        {
            ".gitignore": "*.gen.py\nscratch/\n",
            "app/main.py": "",
            "app/models.gen.py": "",
            "app/.gitignore": "!keep.gen.py\nlocal_*.py\n",
            "app/keep.gen.py": "",
            "app/local_settings.py": "",
            "app/api/.gitignore": "/only_here.py\n",
            "app/api/only_here.py": "",
            "app/api/deeper/only_here.py": "",
            "scratch/try.py": "",
            "lib/local_settings.py": "",
        },
    )
    assert found(tmp_path) == [
        "app/api/deeper/only_here.py",
        "app/keep.gen.py",
        "app/main.py",
        "lib/local_settings.py",
    ]


def test_negation_cannot_reinclude_a_file_in_an_ignored_folder(tmp_path):
    tree(tmp_path, {".gitignore": "build_out/\n!build_out/keep.py\n", "build_out/keep.py": ""})
    assert found(tmp_path) == []


def test_config_exclude_uses_gitignore_patterns(tmp_path):
    tree(
        tmp_path,
        {"app/main.py": "", "app/migrations/0001.py": "", "vendor/lib.py": "", "x_test.py": ""},
    )
    assert found(tmp_path, ["migrations/", "/vendor", "*_test.py"]) == ["app/main.py"]


def test_exclude_from_pyproject(tmp_path):
    tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.fastaudit]\nexclude = ["legacy"]\n',
            "app/main.py": "",
            "legacy/old.py": "",
        },
    )
    result = scan(tmp_path, use_cache=False)
    assert list(result.files) == ["app/main.py"]
    assert result.discovery is not None
    assert result.discovery.other_files == ["pyproject.toml"]


@pytest.mark.parametrize(
    "folder",
    [
        ".git",
        ".venv",
        "venv",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        "shop.egg-info",
    ],
)
def test_tool_and_build_folders_are_skipped(tmp_path, folder):
    tree(tmp_path, {"app.py": "", f"{folder}/inner/mod.py": ""})
    assert found(tmp_path) == ["app.py"]


def test_a_virtualenv_under_any_name_is_skipped(tmp_path):
    tree(
        tmp_path,
        {
            "app.py": "",
            "py311-env/pyvenv.cfg": "home = /usr/bin\n",
            "py311-env/lib/python3.11/site-packages/requests/api.py": "",
        },
    )
    assert found(tmp_path) == ["app.py"]


def test_empty_folder(tmp_path):
    result = discover(tmp_path)
    assert (result.python_files, result.other_files, result.problems) == ([], [], [])


def test_folder_without_fastapi_code_is_scanned_quietly(tmp_path):
    tree(tmp_path, {"README.md": "# notes\n", "tools/convert.py": "print('hi')\n"})
    result = scan(tmp_path, Config(), use_cache=False)
    assert list(result.files) == ["tools/convert.py"]
    assert result.findings == []
    assert result.warnings == []


needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")


@needs_symlinks
def test_symlink_loop_is_reported_and_does_not_hang(tmp_path):
    tree(tmp_path, {"app/main.py": ""})
    (tmp_path / "app" / "again").symlink_to(tmp_path / "app")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    assert found(tmp_path) == ["app/main.py"]
    seen = problems(tmp_path)
    assert seen["app/again"] == "symlink loop: leads back to `app`, skipped"
    assert "self" in seen


@needs_symlinks
def test_symlink_pointing_outside_the_root_is_not_followed(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    tree(outside, {"secret.py": "", "pkg/mod.py": ""})
    tree(project, {"app.py": ""})
    (project / "linked.py").symlink_to(outside / "secret.py")
    (project / "pkg").symlink_to(outside / "pkg")
    assert found(project) == ["app.py"]
    seen = problems(project)
    assert seen["linked.py"] == "symlink points outside the project: skipped"
    assert seen["pkg"] == "symlink points outside the project: skipped"


@needs_symlinks
def test_symlink_inside_the_root_does_not_duplicate_files(tmp_path):
    tree(tmp_path, {"src/app/main.py": ""})
    (tmp_path / "app").symlink_to(tmp_path / "src" / "app")  # sorts before "src"
    (tmp_path / "main_link.py").symlink_to(tmp_path / "src" / "app" / "main.py")
    assert found(tmp_path) == ["src/app/main.py"]
    seen = problems(tmp_path)
    assert seen["app"] == "symlink to `src/app`, already scanned there: skipped"
    assert seen["main_link.py"] == "symlink to `src/app/main.py`, already scanned there: skipped"


@needs_symlinks
def test_ignored_symlinks_are_not_reported(tmp_path):
    tree(tmp_path, {"app.py": "", ".gitignore": "outside_link\n"})
    (tmp_path / "outside_link").symlink_to("/")
    (tmp_path / ".venv").symlink_to("/")
    assert found(tmp_path) == ["app.py"]
    assert problems(tmp_path) == {}


# ------------------------------------------------ unreadable folders, the real CLI
# These run ``fastaudit check`` in a subprocess as a user whom a 000 mode stops (as root,
# with every capability dropped), so permission errors really happen, as they do for a
# developer whose database volume belongs to the container's user.


@pytest.fixture
def lock():
    """``lock(path)``: mode 000 and, when we may, another owner (as a Docker volume's
    files are); the mode is restored afterwards so the tmp folder can be removed."""
    locked: list[Path] = []

    def apply(path: Path) -> None:
        if os.geteuid() == 0:
            for folder, dirs, files in os.walk(path):
                for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                    os.chown(name, 999, 999)
        path.chmod(0)
        locked.append(path)

    yield apply
    for path in reversed(locked):
        path.chmod(0o755)


def check(root: Path, *args: str, unprivileged: bool = True) -> Run:
    """``fastaudit check root args`` in a subprocess, without a traceback."""
    if unprivileged:
        require_unprivileged()
    home = root.parent / "home"
    home.mkdir(exist_ok=True)
    run = run_cli(
        "check", str(root), "--no-cache", *args, env=isolated_env(home), unprivileged=unprivileged
    )
    assert_no_traceback(run)
    return run


def lines_naming(run: Run, text: str) -> list[str]:
    return [line for line in (run.out + run.err).splitlines() if text in line]


@pytest.mark.parametrize(
    "ignore",
    [
        {".gitignore": "pgdata/\n"},
        {"docker/.gitignore": "/pgdata\n"},
        {"pyproject.toml": '[tool.fastaudit]\nexclude = ["pgdata/"]\n'},
    ],
    ids=["gitignore", "nested-gitignore", "exclude"],
)
def test_an_ignored_unreadable_folder_is_never_touched(tmp_path, lock, ignore):
    """A Postgres volume owned by the container's user, gitignored: not a word about it."""
    root = tree(tmp_path / "project", {"app.py": SLEEPY, **ignore})
    volume = root / ("docker/pgdata" if "docker/.gitignore" in ignore else "pgdata")
    tree(volume, {"base/1/PG_VERSION": "16\n", "pyvenv.cfg": "", "x.py": ""})
    lock(volume)

    run = check(root)

    assert run.code == 1
    assert "app.py:5:5: ASY102 [error] `time.sleep` blocks the event loop" in run.out
    assert lines_naming(run, "pgdata") == []
    assert lines_naming(run, "warning:") == []


def test_ignored_folders_are_never_looked_into(tmp_path, monkeypatch):
    """Not a stat, a listing or a pyvenv.cfg probe under an ignored folder: its own entry
    in the parent's listing is all discovery sees (in-process, so also where the suite
    cannot drop privileges)."""
    tree(
        tmp_path,
        {
            ".gitignore": "pgdata/\n",
            "app.py": "",
            "pgdata/x.py": "",
            "docker/.gitignore": "volume\n",
            "docker/volume/y.py": "",
            "vendor/z.py": "",
        },
    )
    touched: list[str] = []

    def watch(real):
        def call(path, *args, **kwargs):
            if any(part in str(path) for part in ("pgdata", "volume", "vendor")):
                touched.append(f"{real.__name__}({path})")
            return real(path, *args, **kwargs)

        return call

    for name in ("stat", "lstat", "scandir", "listdir", "open"):
        monkeypatch.setattr(os, name, watch(getattr(os, name)))
    assert found(tmp_path, exclude=["/vendor"]) == ["app.py"]
    assert touched == []


def test_an_unreadable_folder_is_one_warning_and_the_scan_goes_on(tmp_path, lock):
    root = tree(tmp_path / "project", {"app.py": SLEEPY, "db/data/base.py": SLEEPY})
    lock(root / "db" / "data")

    run = check(root)

    assert run.code == 1  # the finding in app.py, not the warning
    assert lines_naming(run, "db/data") == [
        "warning: db/data: cannot read folder (permission denied); skipped"
    ]
    assert "app.py:5:5: ASY102" in run.out
    as_json = check(root, "--format", "json")
    assert as_json.json["warnings"] == ["db/data: cannot read folder (permission denied); skipped"]


def test_an_unreadable_folder_alone_does_not_fail_the_check(tmp_path, lock):
    root = tree(tmp_path / "project", {"app.py": "x = 1\n", "db/data/base.py": SLEEPY})
    lock(root / "db")

    run = check(root)

    assert run.code == 0  # exit status follows findings; a skipped folder is a warning
    assert lines_naming(run, "warning:") == [
        "warning: db: cannot read folder (permission denied); skipped"
    ]
    assert "No problems found in 1 files." in run.out


def test_a_folder_that_can_be_listed_but_not_entered(tmp_path):
    """Mode 0444: the names show, nothing in it can be opened. Its Python files are
    SCN002 findings like any unreadable file; its subfolders are warnings."""
    root = tree(tmp_path / "project", {"app.py": "", "half/mod.py": "", "half/sub/deep.py": ""})
    (root / "half").chmod(0o444)
    try:
        run = check(root, "--format", "json")
    finally:
        (root / "half").chmod(0o755)

    assert run.code == 1
    assert run.findings() == [("SCN002", "half/mod.py", "cannot read file: Permission denied")]
    assert run.json["warnings"] == ["half/sub: cannot read folder (permission denied); skipped"]


def test_an_unreadable_project_root_is_an_error(tmp_path, lock):
    root = tree(tmp_path / "project", {"app.py": SLEEPY})
    lock(root)

    run = check(root)

    assert run.code == 2
    assert run.err.strip() == f"error: cannot read folder {root} (permission denied)"


def test_unreadable_file_and_folder_are_reported_and_the_scan_goes_on(tmp_path, lock):
    root = tree(
        tmp_path / "project",
        {
            "ok.py": "import time\nasync def f():\n    time.sleep(1)\n",
            "locked.py": "x = 1\n",
            "private/inner.py": "",
        },
    )
    lock(root / "locked.py")
    lock(root / "private")

    run = check(root, "--format", "json")

    assert run.code == 1
    assert [(rule, path) for rule, path, _ in run.findings()] == [
        ("SCN002", "locked.py"),
        ("ASY102", "ok.py"),
    ]
    assert ("SCN002", "locked.py", "cannot read file: Permission denied") in run.findings()
    assert run.json["warnings"] == ["private: cannot read folder (permission denied); skipped"]


# ------------------------------------------------------------------ broken symlinks
@needs_symlinks
def test_broken_symlinks_are_one_quiet_line(tmp_path):
    root = tree(tmp_path / "project", {"app.py": "x = 1\n", "settings/base.py": ""})
    (root / "current").symlink_to("releases/v2")  # a deploy link, target not built yet
    (root / "docker.sock").symlink_to("/nonexistent/run/docker.sock")  # absolute, missing
    (root / "settings" / "local.py").symlink_to("local.example.py")

    run = check(root, unprivileged=False)

    assert run.code == 0
    assert lines_naming(run, "warning") == []
    assert lines_naming(run, "symbolic link") == [
        "3 broken symbolic links skipped: current, docker.sock, settings/local.py"
    ]
    as_json = check(root, "--format", "json", unprivileged=False)
    assert as_json.json["warnings"] == []
    assert as_json.json["notes"] == [
        "3 broken symbolic links skipped: current, docker.sock, settings/local.py"
    ]


@needs_symlinks
def test_a_link_to_a_missing_target_is_not_outside_the_project(tmp_path):
    tree(tmp_path, {"app.py": ""})
    (tmp_path / "gone.py").symlink_to("/nonexistent/gone.py")
    (tmp_path / "later").symlink_to("build_output/later")
    result = discover(tmp_path)
    assert result.problems == []
    assert result.broken_links == [
        ("gone.py", "/nonexistent/gone.py"),
        ("later", "build_output/later"),
    ]


@needs_symlinks
def test_one_broken_link_and_many(tmp_path):
    root = tree(tmp_path / "project", {"app.py": ""})
    (root / "a").symlink_to("missing")
    assert lines_naming(check(root, unprivileged=False), "symbolic") == [
        "1 broken symbolic link skipped: a"
    ]
    for name in "bcdef":
        (root / name).symlink_to("missing")
    assert lines_naming(check(root, unprivileged=False), "symbolic") == [
        "6 broken symbolic links skipped: a, b, c and 3 more"
    ]


@needs_symlinks
def test_an_ignored_broken_link_is_not_mentioned(tmp_path):
    root = tree(tmp_path / "project", {"app.py": "", ".gitignore": "current\n"})
    (root / "current").symlink_to("releases/v2")
    run = check(root, unprivileged=False)
    assert run.code == 0
    assert lines_naming(run, "symbolic") == []


# ------------------------------------------- dependency files behind a locked door
def test_dependency_files_that_cannot_be_read_are_findings(tmp_path, lock):
    root = tree(
        tmp_path / "project",
        {
            "app.py": "x = 1\n",
            "requirements.txt": "fastapi>=0.110\n-r db/more.txt\n",
            "db/more.txt": "httpx\n",
            "requirements-dev.txt": "pytest\n",
        },
    )
    lock(root / "db")
    lock(root / "requirements-dev.txt")

    run = check(root, "--format", "json", "--select", "PIN109")

    assert run.code == 1
    assert run.findings() == [
        ("PIN109", "requirements-dev.txt", "cannot read file: Permission denied"),
        (
            "PIN109",
            "requirements.txt",
            "includes db/more.txt, which cannot be read (permission denied)",
        ),
    ]
    assert run.json["warnings"] == ["db: cannot read folder (permission denied); skipped"]


def test_an_invalid_gitignore_line_is_skipped_with_a_warning_and_the_rest_applies(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".gitignore").write_text("generated_*.py\n!\nlegacy.py\n")
    for name in ("main.py", "generated_models.py", "legacy.py"):
        (tmp_path / "app" / name).write_text("x = 1\n")
    found = discover(tmp_path)
    assert found.python_files == ["app/main.py"]
    assert found.problems == [
        ("app/.gitignore", "line 2 `!` is not a valid pattern (Invalid git pattern: '!'); skipped")
    ]
    result = scan(tmp_path, use_cache=False)  # the audit goes on, and says why
    assert any("app/.gitignore: line 2 `!`" in warning for warning in result.warnings)


def test_an_invalid_exclude_pattern_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "keep.py").write_text("x = 1\n")
    (tmp_path / "drop.py").write_text("x = 1\n")
    found = discover(tmp_path, exclude=["!", "drop.py"])
    assert found.python_files == ["keep.py"]
    assert [where for where, _ in found.problems] == ["[tool.fastaudit] exclude"]

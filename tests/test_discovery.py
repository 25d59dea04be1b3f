"""Which files an audit looks at: what git would track, never a virtualenv, never a
symlink out of the project or around a loop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastaudit.config import Config
from fastaudit.engine.scan import scan
from fastaudit.project.discovery import discover


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


def _blocks_reading(path: Path) -> bool:
    try:
        os.listdir(path) if path.is_dir() else path.read_bytes()
    except PermissionError:
        return True
    return False


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_file_and_folder_are_reported_and_the_scan_goes_on(tmp_path):
    tree(
        tmp_path,
        {
            "ok.py": "import time\nasync def f():\n    time.sleep(1)\n",
            "locked.py": "x = 1\n",
            "private/inner.py": "",
        },
    )
    (tmp_path / "locked.py").chmod(0)
    (tmp_path / "private").chmod(0)
    try:
        result = scan(tmp_path, Config(), use_cache=False)
        assert ("ok.py", "ASY102") in {(f.path, f.rule) for f in result.findings}
        if not _blocks_reading(tmp_path / "locked.py"):
            pytest.skip("running as root: chmod 000 does not stop reading")
        assert [(f.path, f.rule) for f in result.findings if f.path == "locked.py"] == [
            ("locked.py", "SCN002")
        ]
        [locked] = [f for f in result.findings if f.path == "locked.py"]
        assert "Permission denied" in locked.message
        assert "private: cannot list folder: Permission denied" in result.warnings
    finally:
        (tmp_path / "private").chmod(0o755)
        (tmp_path / "locked.py").chmod(0o644)

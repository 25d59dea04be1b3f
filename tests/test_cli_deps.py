"""`fastaudit deps`: the compatibility matrix as a person reads it."""

from __future__ import annotations

from pathlib import Path

from fastaudit.cli import main


def test_deps_table_shows_declarations_and_status(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # wide enough that no cell is folded
    (tmp_path / "requirements.txt").write_text(
        "fastapi==0.110.0\nhttpx>=0.27\npython-jose[cryptography]==3.3.0\n", encoding="utf-8"
    )
    assert main(["deps", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "requirements.txt:1" in out and "pinned below" in out
    assert "replaced by" in out and "pyjwt" in out


def test_deps_all_ok_exits_zero(tmp_path: Path, capsys) -> None:
    (tmp_path / "requirements.txt").write_text("fastapi>=0.115\n", encoding="utf-8")
    assert main(["deps", str(tmp_path)]) == 0
    assert "ok" in capsys.readouterr().out


def test_deps_on_a_missing_folder(tmp_path: Path, capsys) -> None:
    assert main(["deps", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err

"""The undo journal: exact bytes and modes restored after a restart, stale or corrupt
journals handled, atomic saves."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fastaudit.fixes.apply import FixError, atomic_write
from fastaudit.fixes.journal import (
    MAX_ENTRIES,
    Journal,
    JournalEntry,
    JournalFile,
    journal_path,
)
from fastaudit.project.source import digest_bytes

OLD = b"import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n"
NEW = b"import asyncio\r\nimport time\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    target = root / "app" / "main.py"
    target.write_bytes(OLD)
    os.chmod(target, 0o640)
    return root


def fix(journal: Journal, root: Path, path: str = "app/main.py", new: bytes = NEW) -> None:
    """What the auditor does: journal first, then the atomic write."""
    target = root / path
    old = target.read_bytes()
    mode = stat.S_IMODE(target.stat().st_mode)
    entry = JournalEntry(
        f"Fix ASY102 at {path}:4",
        (JournalFile(path, old, digest_bytes(new), mode),),
        findings=(("ASY102", path, 4, 5),),
    )
    journal.record(entry)
    atomic_write(root, path, new, old)


class TestRestart:
    def test_undo_after_a_restart_restores_bytes_and_mode(self, project: Path):
        fix(Journal.load(project), project)
        target = project / "app" / "main.py"
        os.chmod(target, 0o600)  # the mode changed since: undo puts the old one back
        assert target.read_bytes() == NEW

        reopened = Journal.load(project)  # a new process
        assert reopened.problem == ""
        assert [e.title for e in reopened.entries] == ["Fix ASY102 at app/main.py:4"]
        undone = reopened.undo()
        assert undone.findings == (("ASY102", "app/main.py", 4, 5),)
        assert target.read_bytes() == OLD
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        assert Journal.load(project).entries == []
        assert not journal_path(project).exists()

    def test_undoes_in_reverse_order(self, project: Path):
        journal = Journal.load(project)
        fix(journal, project)
        third = NEW + b"# third\n"
        fix(journal, project, new=third)
        reopened = Journal.load(project)
        reopened.undo()
        assert (project / "app" / "main.py").read_bytes() == NEW
        reopened.undo()
        assert (project / "app" / "main.py").read_bytes() == OLD
        with pytest.raises(FixError, match="nothing to undo"):
            reopened.undo()

    def test_refuses_when_the_file_changed_since(self, project: Path):
        fix(Journal.load(project), project)
        target = project / "app" / "main.py"
        edited = NEW + b"# edited by hand\n"
        target.write_bytes(edited)
        reopened = Journal.load(project)
        with pytest.raises(FixError, match="changed since the fix was applied"):
            reopened.undo()
        assert target.read_bytes() == edited
        assert len(Journal.load(project).entries) == 1  # kept: undo works if edit reverted

    def test_refuses_when_the_file_is_gone(self, project: Path):
        fix(Journal.load(project), project)
        (project / "app" / "main.py").unlink()
        with pytest.raises(FixError, match="cannot read it"):
            Journal.load(project).undo()

    def test_a_change_that_never_landed_undoes_as_a_no_op(self, project: Path):
        # Killed after the journal was written and before the file was replaced.
        journal = Journal.load(project)
        entry = JournalEntry("Fix", (JournalFile("app/main.py", OLD, digest_bytes(NEW), 0o640),))
        journal.record(entry)
        assert Journal.load(project).undo() == entry
        assert (project / "app" / "main.py").read_bytes() == OLD

    def test_journals_are_per_root(self, project: Path, tmp_path: Path):
        fix(Journal.load(project), project)
        other = tmp_path / "other"
        other.mkdir()
        assert Journal.load(other).entries == []

    def test_old_entries_are_dropped_beyond_the_limit(self, project: Path):
        journal = Journal.load(project)
        data = OLD
        for index in range(MAX_ENTRIES + 3):
            new = OLD + f"# {index}\n".encode()
            entry = JournalEntry(
                f"change {index}", (JournalFile("app/main.py", data, digest_bytes(new), 0o640),)
            )
            journal.record(entry)
            data = new
        titles = [e.title for e in Journal.load(project).entries]
        assert len(titles) == MAX_ENTRIES
        assert titles[-1] == f"change {MAX_ENTRIES + 2}"


class TestCorruptJournal:
    @pytest.mark.parametrize(
        "damage",
        [
            lambda raw: raw[: len(raw) // 2],  # torn
            lambda raw: b"\x00\xff not json",
            lambda raw: json.dumps({"kind": "something else"}).encode(),
            lambda raw: raw.replace(b'"format":1', b'"format":99'),
            lambda raw: raw.replace(b"/project", b"/elsewhere"),  # another root
            lambda raw: raw.replace(b'"path":"app/main.py"', b'"path":"../outside.py"'),
            lambda raw: raw.replace(b'"mode":416', b'"mode":"rw"'),
        ],
    )
    def test_is_ignored_with_a_reason(self, project: Path, damage):
        fix(Journal.load(project), project)
        path = journal_path(project)
        path.write_bytes(damage(path.read_bytes()))
        journal = Journal.load(project)
        assert journal.entries == []
        assert "was ignored" in journal.problem
        with pytest.raises(FixError, match="nothing to undo"):
            journal.undo()
        assert (project / "app" / "main.py").read_bytes() == NEW  # nothing written

    def test_damaged_bytes_are_caught_by_their_digest(self, project: Path):
        fix(Journal.load(project), project)
        path = journal_path(project)
        data = json.loads(path.read_bytes())
        data["entries"][0]["files"][0]["old"] = "aW1wb3J0IG9z"  # "import os"
        path.write_text(json.dumps(data))
        journal = Journal.load(project)
        assert journal.entries == [] and "digest" in journal.problem

    def test_a_new_fix_replaces_an_ignored_journal(self, project: Path):
        path = journal_path(project)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"garbage")
        journal = Journal.load(project)
        assert journal.problem
        fix(journal, project)
        assert len(Journal.load(project).entries) == 1


class TestAtomicSave:
    def test_a_failed_save_keeps_the_previous_journal(
        self, project: Path, monkeypatch: pytest.MonkeyPatch
    ):
        journal = Journal.load(project)
        fix(journal, project)
        before = journal_path(project).read_bytes()

        def fail(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", fail)
        second = JournalEntry("second", (JournalFile("app/main.py", NEW, "x" * 64, 0o640),))
        journal.record(second)
        monkeypatch.undo()
        assert "cannot save the undo journal" in journal.problem
        assert journal.last == second  # still undoable in this session
        assert journal_path(project).read_bytes() == before
        leftovers = [p.name for p in journal_path(project).parent.iterdir() if ".tmp" in p.name]
        assert leftovers == []


def test_the_journal_does_not_import_textual():
    code = "import sys, fastaudit.fixes.journal; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

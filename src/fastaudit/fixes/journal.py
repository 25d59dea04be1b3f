"""The undo journal: every applied change, kept on disk so undo survives a restart.

One journal per audited root, in the user cache directory next to the result cache
(``cache_dir()/journal-<root hash>.json``), never inside the audited project. Each entry
holds, for every file a change wrote, the exact bytes it replaced, their file mode, and
the digest of the bytes written, so an undo restores the previous bytes and permissions,
and refuses when the file changed since.

The entry is recorded *before* the files are written: if the process dies in between,
the journal still has the old bytes (and undoing a change that never landed is a no-op).
The journal file itself is replaced atomically (temp file, fsync, ``os.replace``); a
journal that cannot be read or does not belong to this root is ignored, with a reason
in ``Journal.problem``. Headless: no Textual here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastaudit.engine.cache import cache_dir
from fastaudit.fixes.apply import FixError, Written, ensure_inside, restore
from fastaudit.project.source import digest_bytes

FORMAT = 1
KIND = "fastaudit-undo-journal"
# The oldest entries are dropped beyond either limit.
MAX_ENTRIES = 50
MAX_BYTES = 64 * 1024 * 1024

# (rule, path, line, column) of a finding a change fixed or suppressed.
FindingRef = tuple[str, str, int, int]


class JournalError(ValueError):
    """The journal on disk is not one this version can use."""


@dataclass(frozen=True, slots=True)
class JournalFile:
    path: str  # relative POSIX path under the root
    old: bytes  # the exact bytes the change replaced
    new_digest: str  # digest of the bytes the change wrote
    mode: int  # permission bits before the change


@dataclass(frozen=True, slots=True)
class JournalEntry:
    title: str
    files: tuple[JournalFile, ...]
    kind: str = "fix"  # "fix" or "suppress"
    findings: tuple[FindingRef, ...] = ()

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    @property
    def size(self) -> int:
        return sum(len(f.old) for f in self.files)


def journal_path(root: Path) -> Path:
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"journal-{key}.json"


@dataclass(slots=True)
class Journal:
    root: Path
    path: Path
    entries: list[JournalEntry] = field(default_factory=list)
    # Why the journal found on disk was ignored, or why it cannot be saved; "" if fine.
    problem: str = ""

    # -- loading and saving ---------------------------------------------------------

    @classmethod
    def load(cls, root: Path, path: Path | None = None) -> Journal:
        root = root.resolve()
        journal = cls(root=root, path=path or journal_path(root))
        try:
            raw = journal.path.read_bytes()
        except FileNotFoundError:
            return journal
        except OSError as exc:
            journal.problem = f"cannot read the undo journal {journal.path}: {exc.strerror}"
            return journal
        try:
            journal.entries = _decode(raw, root)
        except JournalError as exc:
            journal.problem = f"the undo journal {journal.path} was ignored: {exc}"
        return journal

    def save(self) -> None:
        """Replace the journal file atomically; on failure keep going in memory."""
        if not self.entries:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
            return
        data = json.dumps(_encode(self.root, self.entries), separators=(",", ":")).encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as exc:
            self.problem = f"cannot save the undo journal ({exc.strerror}): undo ends with the app"
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            self.problem = f"cannot save the undo journal ({exc.strerror}): undo ends with the app"

    # -- recording ------------------------------------------------------------------

    def record(self, entry: JournalEntry) -> None:
        """Add ``entry`` (before its files are written) and save."""
        self.entries.append(entry)
        while len(self.entries) > 1 and (
            len(self.entries) > MAX_ENTRIES or sum(e.size for e in self.entries) > MAX_BYTES
        ):
            del self.entries[0]
        self.save()

    def discard(self, entry: JournalEntry) -> None:
        """Forget ``entry`` (its write failed and was rolled back)."""
        for index in range(len(self.entries) - 1, -1, -1):
            if self.entries[index] is entry:
                del self.entries[index]
                self.save()
                return

    # -- undoing --------------------------------------------------------------------

    @property
    def last(self) -> JournalEntry | None:
        return self.entries[-1] if self.entries else None

    def undo(self) -> JournalEntry:
        """Restore the bytes and modes the last entry replaced, then drop it.

        Refuses (``FixError``, nothing written) when any of its files changed since the
        change was written. A file already holding its old bytes is left alone."""
        entry = self.last
        if entry is None:
            raise FixError("nothing to undo")
        pending: list[Written] = []
        for item in entry.files:
            target = ensure_inside(self.root, Path(item.path))
            try:
                current = target.read_bytes()
            except OSError as exc:
                raise FixError(
                    f"{item.path}: cannot read it ({exc.strerror}); not undoing"
                ) from exc
            if current == item.old:
                continue  # the change never landed, or was undone by hand
            if digest_bytes(current) != item.new_digest:
                raise FixError(f"{item.path}: changed since the fix was applied; not undoing")
            pending.append(Written(target, item.old, item.new_digest, item.mode))
        # A failure part-way keeps the entry: files already restored hold their old bytes
        # and are skipped when the undo is tried again.
        for written in reversed(pending):
            restore(written)
        self.entries.pop()
        self.save()
        return entry


# -- the file format -------------------------------------------------------------------


def _encode(root: Path, entries: list[JournalEntry]) -> dict[str, object]:
    return {
        "kind": KIND,
        "format": FORMAT,
        "root": str(root),
        "entries": [
            {
                "title": entry.title,
                "kind": entry.kind,
                "findings": [list(ref) for ref in entry.findings],
                "files": [
                    {
                        "path": item.path,
                        "mode": item.mode,
                        "new_digest": item.new_digest,
                        "old_digest": digest_bytes(item.old),
                        "old": base64.b64encode(item.old).decode("ascii"),
                    }
                    for item in entry.files
                ],
            }
            for entry in entries
        ],
    }


def _decode(raw: bytes, root: Path) -> list[JournalEntry]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise JournalError("it is not valid JSON") from exc
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise JournalError("it is not an undo journal")
    if data.get("format") != FORMAT:
        raise JournalError(f"unknown format {data.get('format')!r}")
    if data.get("root") != str(root):
        raise JournalError("it belongs to another folder")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise JournalError("no list of entries")
    return [_entry(item) for item in entries]


def _entry(item: object) -> JournalEntry:
    if not isinstance(item, dict):
        raise JournalError("an entry is not an object")
    title, kind, files, refs = (item.get(k) for k in ("title", "kind", "files", "findings"))
    if not isinstance(title, str) or kind not in ("fix", "suppress"):
        raise JournalError("an entry has no title or kind")
    if not isinstance(files, list) or not files or not isinstance(refs, list):
        raise JournalError("an entry has no files")
    findings: list[FindingRef] = []
    for ref in refs:
        if not (
            isinstance(ref, list)
            and len(ref) == 4
            and all(isinstance(v, str) for v in ref[:2])
            and all(type(v) is int for v in ref[2:])
        ):
            raise JournalError("a finding reference is malformed")
        findings.append((ref[0], ref[1], ref[2], ref[3]))
    return JournalEntry(title, tuple(_file(f) for f in files), kind, tuple(findings))


def _file(item: object) -> JournalFile:
    if not isinstance(item, dict):
        raise JournalError("a file record is not an object")
    path, mode, new_digest, old_digest, old = (
        item.get(k) for k in ("path", "mode", "new_digest", "old_digest", "old")
    )
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        raise JournalError("a file record has a bad path")
    if ".." in path.split("/"):
        raise JournalError("a file record points outside the root")
    if type(mode) is not int or not 0 <= mode <= 0o7777:
        raise JournalError("a file record has a bad mode")
    if not isinstance(new_digest, str) or not isinstance(old, str):
        raise JournalError("a file record is incomplete")
    try:
        data = base64.b64decode(old, validate=True)
    except ValueError as exc:
        raise JournalError("a file record's bytes are damaged") from exc
    if digest_bytes(data) != old_digest:
        raise JournalError("a file record's bytes do not match their digest")
    return JournalFile(path, data, new_digest, mode)

"""The result cache: a file whose bytes, fastaudit version, enabled rules and settings
are unchanged is not parsed again.

Where: the user cache directory (``$FASTAUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/fastaudit``,
else ``~/.cache/fastaudit``), one file per audited root. It is never stored inside the
audited project: a cache a repository ships could otherwise feed us crafted data.

Lookup is two-step, like ruff's: when a file's size and mtime match the entry, its
outcome is reused without reading the file; otherwise the file is read and hashed, and a
matching content hash still hits. Writes go to a temp file renamed into place, so two
concurrent runs never see a torn cache; a corrupt or foreign cache is ignored and
rebuilt.

Beside the outcomes it keeps what was derived from other project files by content
(parsed dependency and lock files, see ``project.derived``), under the same key.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastaudit import __version__, settings
from fastaudit.model import Fix, compact_pickle
from fastaudit.project.derived import Derived

if TYPE_CHECKING:
    from fastaudit.config import Config
    from fastaudit.engine.outcome import FileOutcome

# 3: proofs of safe fixes kept beside the outcomes; 4: parsed dependency files;
# 5: findings carry related locations (``Finding.related``).
# 6: the last project pass; 7: outcomes kept pickled (a save after one edit writes the
# other files' bytes as they are instead of pickling every outcome again); 8: outcomes
# carry the summary the kept project pass is keyed by; 9: the pass keeps ``outside_app``;
# 10: outcomes walked again with the project's route classes; 11: the pass keeps ``startup``;
# 12: outcomes carry the proof of their safe fixes (``FileOutcome.proof``); 13: cross-domain
# import facts say whether the import is at module level; 14: a proof notes the fixes that
# only rename attributes (``Proof.renames``).
_FORMAT = 15


def cache_dir() -> Path:
    override = settings.cache_dir_override()
    if override:
        return Path(override)
    base = settings.xdg_cache_home() or str(Path.home() / ".cache")
    return Path(base) / "fastaudit"


@functools.cache
def code_fingerprint() -> str:
    """Size and mtime of fastaudit's own modules: an edited rule (a development install,
    a patched release) invalidates the cache even when the version string is the same."""
    package = Path(__file__).resolve().parent.parent
    stats = []
    for module in sorted(package.rglob("*.py")):
        try:
            info = module.stat()
        except OSError:
            continue
        stats.append((str(module.relative_to(package)), info.st_size, info.st_mtime_ns))
    return hashlib.sha256(repr(stats).encode()).hexdigest()


def settings_key(rule_ids: tuple[str, ...], config: Config) -> str:
    """Everything besides a file's bytes that changes what analysing it gives."""
    material = repr(
        (
            _FORMAT,
            __version__,
            code_fingerprint(),
            rule_ids,
            config.max_file_size,
            sorted(config.blocking_calls),  # what the walk notes (``WalkOptions``)
        )
    )
    return hashlib.sha256(material.encode()).hexdigest()[:16]


@compact_pickle
@dataclass(slots=True)
class Entry:
    size: int
    mtime_ns: int
    digest: str
    # The outcome, pickled: unpickled when used, saved again as it is.
    blob: bytes

    def outcome(self) -> FileOutcome:
        outcome: FileOutcome = pickle.loads(self.blob)
        return outcome


@dataclass(slots=True)
class ResultCache:
    path: Path
    key: str
    entries: dict[str, Entry] = field(default_factory=dict)
    # path -> (content digest, the safe fixes checked, fix -> why it is not provable):
    # the name check of ``scan.prove_fixes`` re-parses a file, so its answer is kept.
    proofs: dict[str, tuple[str, frozenset[Fix], dict[Fix, str]]] = field(default_factory=dict)
    # Parsed dependency files, by content (see ``deps.collect``).
    derived: Derived = field(default_factory=Derived)
    # The last project pass (``audit.scan.ProjectPass``): what the project rules gave, and
    # what it depended on, to be given again while none of that changed.
    project: Any = None
    # Outcomes of files walked a second time with the project's own route classes
    # (``audit.route_classes``), under the key of those classes: one set kept.
    rewalked: dict[str, dict[str, Entry]] = field(default_factory=dict)
    dirty: bool = False
    hits: int = 0
    _variant: ResultCache | None = None

    @classmethod
    def open(cls, root: Path, rule_ids: tuple[str, ...], config: Config) -> ResultCache:
        root_key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        path = cache_dir() / f"{root_key}.pickle"
        key = settings_key(rule_ids, config)
        cache = cls(path=path, key=key)
        try:
            with path.open("rb") as handle:
                stored = pickle.load(handle)
            if (
                isinstance(stored, dict)
                and stored.get("format") == _FORMAT
                and stored.get("key") == key
                and isinstance(stored.get("entries"), dict)
            ):
                entries = stored["entries"]
                cache.entries = {
                    rel: entry for rel, entry in entries.items() if isinstance(entry, Entry)
                }
                proofs = stored.get("proofs")
                cache.proofs = proofs if isinstance(proofs, dict) else {}
                cache.derived = Derived.stored(stored.get("derived"))
                cache.project = stored.get("project")
                rewalked = stored.get("rewalked")
                cache.rewalked = rewalked if isinstance(rewalked, dict) else {}
        except FileNotFoundError:
            pass
        except Exception:
            cache.entries = {}
            cache.proofs = {}
            cache.derived = Derived()
            cache.project = None
            cache.rewalked = {}
        return cache

    def variant(self, key: str) -> ResultCache:
        """A cache for outcomes walked with other options (``key``), kept in this one's
        file and saved with it. Outcomes kept under any other key are dropped."""
        entries = self.rewalked.get(key)
        if entries is None or len(self.rewalked) != 1:
            entries = self.rewalked.get(key, {})
            self.rewalked = {key: entries}
            self.dirty = True
        self._variant = ResultCache(path=self.path, key=key, entries=entries)
        return self._variant

    def lookup_stat(self, rel: str, size: int, mtime_ns: int) -> FileOutcome | None:
        entry = self.entries.get(rel)
        if entry is not None and entry.size == size and entry.mtime_ns == mtime_ns:
            return self._use(entry)
        return None

    def lookup_digest(self, rel: str, digest: str) -> FileOutcome | None:
        entry = self.entries.get(rel)
        if entry is not None and entry.digest == digest:
            return self._use(entry)
        return None

    def _use(self, entry: Entry) -> FileOutcome | None:
        try:
            outcome = entry.outcome()
        except Exception:  # a damaged entry is a miss, never an error
            return None
        self.hits += 1
        return outcome

    def store(
        self, rel: str, size: int, mtime_ns: int, outcome: FileOutcome, blob: bytes | None = None
    ) -> None:
        """Keep ``outcome``; ``blob`` is its pickle when the caller has it already (a
        worker process pickled it to send it)."""
        if blob is None:
            blob = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        self.entries[rel] = Entry(size, mtime_ns, outcome.digest, blob)
        self.dirty = True

    def touch(self, rel: str, size: int, mtime_ns: int) -> FileOutcome | None:
        """The outcome of ``rel``'s entry, whose bytes were found unchanged though its
        size or mtime moved: the entry keeps them from now on."""
        entry = self.entries[rel]
        outcome = self._use(entry)
        if outcome is not None:
            self.entries[rel] = Entry(size, mtime_ns, entry.digest, entry.blob)
            self.dirty = True
        return outcome

    def proof(self, rel: str, digest: str, fixes: frozenset[Fix]) -> dict[Fix, str] | None:
        stored = self.proofs.get(rel)
        if stored is not None and stored[0] == digest and stored[1] == fixes:
            return stored[2]
        return None

    def store_proof(
        self, rel: str, digest: str, fixes: frozenset[Fix], reasons: dict[Fix, str]
    ) -> None:
        self.proofs[rel] = (digest, fixes, reasons)
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        for rel in [r for r in self.entries if r not in keep]:
            del self.entries[rel]
            self.dirty = True
        for rel in [r for r in self.proofs if r not in keep]:
            del self.proofs[rel]
            self.dirty = True
        self.derived.prune()

    def save(self) -> None:
        variant = self._variant
        if not self.dirty and not self.derived.dirty and not (variant and variant.dirty):
            return
        payload = {
            "format": _FORMAT,
            "key": self.key,
            "entries": self.entries,
            "proofs": self.proofs,
            "derived": self.derived.blob(),
            "project": self.project,
            "rewalked": self.rewalked,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
        except OSError:
            # A cache that cannot be written only costs speed next time.
            return
        self.dirty = self.derived.dirty = False
        if variant is not None:
            variant.dirty = False


def clean() -> int:
    """Remove every cache file; returns how many were removed."""
    removed = 0
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    for item in folder.glob("*.pickle"):
        try:
            item.unlink()
            removed += 1
        except OSError:
            pass
    return removed

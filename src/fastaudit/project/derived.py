"""What was derived from a project file's bytes alone, kept between runs by content.

The result cache holds one :class:`Derived` beside the Python files' outcomes (same
file, same invalidation by fastaudit's fingerprint and settings); the dependency
collector stores each parsed dependency file here so a warm run does not parse it
again. Kept free of heavy imports: the engine's cache loads it on every run.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

# (project-relative path, variant: what else the value depends on, "" for nothing)
Key = tuple[str, str]


@dataclass(slots=True)
class Derived:
    """The values, each under its key with the content digest it was derived from.

    The cache hands them over still pickled (``stored``): unpickling builds the parsers'
    objects, and so imports the parsers and ``packaging``'s grammars, which a warm run
    that parses nothing never needs. They are read on first use."""

    # Key -> (content digest of the bytes the value was derived from, the value); None
    # while they are still the pickle in ``_blob``.
    _entries: dict[Key, tuple[str, object]] | None = field(default_factory=dict)
    _blob: bytes = b""
    # Keys asked for or stored during this run: the others are dropped on save.
    used: set[Key] = field(default_factory=set)
    dirty: bool = False
    # Every entry counts as used (``keep``): nothing is pruned.
    _kept: bool = False

    @classmethod
    def stored(cls, blob: object) -> Derived:
        """The entries a cache file holds: their pickle, read when first asked for."""
        if not isinstance(blob, bytes) or not blob:
            return cls()
        return cls(None, blob)

    @property
    def entries(self) -> dict[Key, tuple[str, object]]:
        found = self._entries
        if found is None:
            try:
                loaded = pickle.loads(self._blob)
            except Exception:  # a damaged or foreign cache: nothing derived, no error
                loaded = None
            found = self._entries = loaded if isinstance(loaded, dict) else {}
            self._blob = b""
        return found

    def blob(self) -> bytes:
        """The entries pickled: as the cache gave them when nobody read them."""
        if self._entries is None:
            return self._blob
        return pickle.dumps(self._entries, protocol=pickle.HIGHEST_PROTOCOL)

    def keep(self) -> None:
        """Keep every entry for a later run, read or not (this run parsed nothing)."""
        self._kept = True

    def get(self, path: str, variant: str, digest: str) -> object | None:
        """The value stored for these bytes, or None. A malformed entry (a foreign or
        damaged cache) is a miss, never an error."""
        key = (path, variant)
        self.used.add(key)
        entry = self.entries.get(key)
        if not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != digest or not digest:
            return None
        return entry[1]

    def put(self, path: str, variant: str, digest: str, value: object) -> None:
        key = (path, variant)
        self.used.add(key)
        self.entries[key] = (digest, value)
        self.dirty = True

    def prune(self) -> None:
        """Forget what this run did not ask for (deleted files, another Python)."""
        if self._kept or self._entries is None:
            return  # nothing read or asked for is stale: kept as stored
        stale = [key for key in self._entries if key not in self.used]
        for key in stale:
            del self._entries[key]
        self.dirty = self.dirty or bool(stale)

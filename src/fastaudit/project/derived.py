"""What was derived from a project file's bytes alone, kept between runs by content.

The result cache holds one :class:`Derived` beside the Python files' outcomes (same
file, same invalidation by fastaudit's fingerprint and settings); the dependency
collector stores each parsed dependency file here so a warm run does not parse it
again. Kept free of heavy imports: the engine's cache loads it on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (project-relative path, variant: what else the value depends on, "" for nothing)
Key = tuple[str, str]


@dataclass(slots=True)
class Derived:
    # Key -> (content digest of the bytes the value was derived from, the value).
    entries: dict[Key, tuple[str, object]] = field(default_factory=dict)
    # Keys asked for or stored during this run: the others are dropped on save.
    used: set[Key] = field(default_factory=set)
    dirty: bool = False

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
        stale = [key for key in self.entries if key not in self.used]
        for key in stale:
            del self.entries[key]
        self.dirty = self.dirty or bool(stale)

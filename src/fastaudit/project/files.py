"""A project's files as the audit found them, and reading them once each.

Dependency declarations and other non-Python files are read through this; the engine's
``ProjectView`` extends it with what the per-file walk produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastaudit.config import Config
from fastaudit.project.derived import Derived
from fastaudit.project.source import SourceError, SourceText, decode, read_bytes


@dataclass(slots=True, kw_only=True)
class ProjectFiles:
    root: Path
    config: Config
    python_files: list[str]
    other_files: list[str]
    # Digests of the non-Python files read, so their fixes can refuse stale writes.
    digests: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # What earlier runs derived from these files by content (the result cache's), or
    # None to derive everything afresh (``--no-cache``, rescans).
    derived: Derived | None = None
    _texts: dict[str, SourceText | None] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    _real_root: Path | None = None  # ``root`` with its symlinks followed, once
    _listed: frozenset[str] | None = None  # the files discovery listed, once

    def read_text(self, path: str) -> SourceText | None:
        """The decoded text of a project file (relative POSIX path), or None with a
        warning when it cannot be read. Read once per scan."""
        if path in self._texts:
            return self._texts[path]
        text: SourceText | None
        try:
            if not self.inside(path):
                raise SourceError("outside", "symlink points outside the project: skipped")
            text = decode(read_bytes(self.root / path, self.config.max_file_size))
        except SourceError as exc:
            if not self.already_reported(path):
                self.warnings.append(f"{path}: {exc.message}")
            text = None
        if text is not None:
            self.digests[path] = text.digest
        self._texts[path] = text
        return text

    def uses(self, path: str) -> None:
        """Record that a result depends on ``path``'s text without reading it now (a value
        kept by its content digest): ``read_paths`` lists it like a file read."""
        self._used.add(path)

    def read_paths(self) -> list[str]:
        """Every file read so far (or tried: an unreadable one counts too), and every file
        whose text a result depends on (``uses``)."""
        return list(dict.fromkeys([*self._texts, *sorted(self._used)]))

    def already_reported(self, path: str) -> bool:
        """Whether an unreadable ``path`` was already reported elsewhere (a Python
        file's scan finding says why), so reading it again need not warn."""
        return False

    def inside(self, path: str) -> bool:
        """Whether ``path`` (relative POSIX) really is in the project, symlinks followed:
        nothing outside the root is ever read. A file discovery listed is: it follows
        a symlink only when it stays inside (the walk's workers read the same files with
        no test of their own), so only other paths (an include a requirements file
        names) are resolved, a few system calls each."""
        if self._listed is None:
            self._listed = frozenset([*self.python_files, *self.other_files])
        if path in self._listed:
            return True
        try:
            if self._real_root is None:
                self._real_root = self.root.resolve()
            return (self.root / path).resolve().is_relative_to(self._real_root)
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop
            return False

"""Analysing many files: cache first, then worker processes, results as they complete.

Small projects are analysed in-process (starting workers would cost more than it saves);
larger ones are split into chunks spread over worker processes, each reading and parsing
its own files so only paths go out and compact outcomes come back.

What analysing a file means is the caller's (``fastaudit.audit.scan``: it runs the rules,
which sit above the engine): it passes module-level functions, which reach worker
processes by name.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fastaudit.engine.cache import ResultCache
from fastaudit.engine.outcome import FileOutcome
from fastaudit.project.source import SourceError, digest_bytes, read_bytes

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

# (path, bytes, rule ids) -> the file's outcome.
Analyze = Callable[[str, bytes, tuple[str, ...]], FileOutcome]
# (path, why it cannot be read) -> the outcome that says so.
Unreadable = Callable[[str, SourceError], FileOutcome]

# Below this many files to analyse, worker start-up costs more than it saves.
PARALLEL_THRESHOLD = 150


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _stat(root: Path, rel: str) -> tuple[int, int]:
    try:
        info = (root / rel).stat()
    except OSError:
        return -1, -1
    return info.st_size, info.st_mtime_ns


def _analyze_one(
    root: Path,
    rel: str,
    rule_ids: tuple[str, ...],
    max_bytes: int,
    known_digest: str | None,
    analyze: Analyze,
    unreadable: Unreadable,
) -> tuple[str, int, int, FileOutcome | None]:
    """Analyse one file. Returns None as outcome when its digest equals ``known_digest``."""
    size, mtime_ns = _stat(root, rel)
    try:
        data = read_bytes(root / rel, max_bytes)
    except SourceError as error:
        return rel, size, mtime_ns, unreadable(rel, error)
    if known_digest is not None and digest_bytes(data) == known_digest:
        return rel, size, mtime_ns, None
    return rel, size, mtime_ns, analyze(rel, data, rule_ids)


def _analyze_chunk(
    root: Path,
    chunk: list[tuple[str, str | None]],
    rule_ids: tuple[str, ...],
    max_bytes: int,
    analyze: Analyze,
    unreadable: Unreadable,
) -> list[tuple[str, int, int, bytes | None]]:
    """The outcomes of a chunk, pickled here: the parent unpickles each for the scan and
    keeps the bytes as the cache entry, instead of pickling it again itself."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)  # orphaned: nobody will read the answer
    done: list[tuple[str, int, int, bytes | None]] = []
    for rel, known in chunk:
        rel, size, mtime_ns, outcome = _analyze_one(
            root, rel, rule_ids, max_bytes, known, analyze, unreadable
        )
        blob = None if outcome is None else pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        done.append((rel, size, mtime_ns, blob))
    return done


def _bind_to_parent(parent: int) -> None:
    """Worker start-up: die with the parent. A ``check --fix`` killed with SIGKILL
    cannot shut its pool down, and its workers would otherwise go on analysing under
    PID 1. Linux's parent-death signal covers that; elsewhere (and as a backstop) each
    chunk checks that the parent is still there."""
    global _PARENT
    _PARENT = parent
    if sys.platform.startswith("linux"):
        import ctypes  # here: only a worker needs it, and it costs every start-up 2 ms

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


_PARENT: int | None = None
PR_SET_PDEATHSIG = 1


def _context() -> multiprocessing.context.BaseContext:
    # Imported here: most audits (and every `fastaudit check` of a small project) never
    # start a worker, and the start-up time is part of every run.
    import multiprocessing

    # Forking a process that runs other threads (the TUI) can deadlock the child.
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("fork")


class WorkerPool:
    """Worker processes one scan shares: the walk of every file, then of the files
    importing the project's own router classes, then the project rules' work of several
    files (``ProjectView.map_files``). Started on first use, stopped when the ``with``
    block ends: what comes after the first walk pays no start-up, and runs on the
    workers even when it is short."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or default_jobs()
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=_context(),
                initializer=_bind_to_parent,
                initargs=(os.getpid(),),
            )
        return self._executor


def analyze_paths(
    root: Path,
    paths: list[str],
    rule_ids: tuple[str, ...],
    max_bytes: int,
    *,
    analyze: Analyze,
    unreadable: Unreadable,
    cache: ResultCache | None = None,
    jobs: int | None = None,
    stats: dict[str, tuple[int, int]] | None = None,
    pool: WorkerPool | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[FileOutcome]:
    """Yield one outcome per path, cached ones first, the rest as they complete.
    ``stats`` are (size, mtime_ns) pairs discovery already read; ``pool``, workers to
    share with other walks (``jobs`` is then the pool's). ``meanwhile``: the caller's
    work that needs no outcome, done here once the files are sent to the workers (the
    parent would only wait for them); not called when no worker is used."""
    pending: list[tuple[str, str | None]] = []
    stats = stats or {}
    for rel in paths:
        if cache is not None:
            stat = stats.get(rel)
            size, mtime_ns = stat if stat is not None else _stat(root, rel)
            hit = cache.lookup_stat(rel, size, mtime_ns)
            if hit is not None:
                yield hit
                continue
            entry = cache.entries.get(rel)
            pending.append((rel, entry.digest if entry is not None else None))
        else:
            pending.append((rel, None))

    def again(rel: str) -> FileOutcome:
        """A file whose cache entry could not be read back: analysed here, afresh."""
        settled = _settle(
            cache, *_analyze_one(root, rel, rule_ids, max_bytes, None, analyze, unreadable)
        )
        assert settled is not None  # analysed, not compared with an entry
        return settled

    jobs = pool.jobs if pool is not None else jobs or default_jobs()
    running = pool is not None and pool.started
    # Workers already running cost no start-up: a file each is worth sending them.
    if jobs <= 1 or len(pending) < (jobs if running else PARALLEL_THRESHOLD):
        for rel, known in pending:
            settled = _settle(
                cache,
                *_analyze_one(root, rel, rule_ids, max_bytes, known, analyze, unreadable),
            )
            yield settled if settled is not None else again(rel)
        return

    chunks = _chunks(pending, jobs, stats)
    from concurrent.futures import FIRST_COMPLETED, wait

    # A pool of the caller's own stays running for its next walk; one of ours stops here.
    with WorkerPool(jobs) if pool is None else contextlib.nullcontext(pool) as workers:
        executor = workers.executor()
        futures: set[Future[list[tuple[str, int, int, bytes | None]]]] = {
            executor.submit(_analyze_chunk, root, chunk, rule_ids, max_bytes, analyze, unreadable)
            for chunk in chunks
        }
        if meanwhile is not None:
            meanwhile()
        try:
            while futures:
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    for rel, size, mtime_ns, blob in future.result():
                        outcome = pickle.loads(blob) if blob is not None else None
                        settled = _settle(cache, rel, size, mtime_ns, outcome, blob)
                        yield settled if settled is not None else again(rel)
        finally:
            for future in futures:  # the caller stopped early: what has not started goes
                future.cancel()


def _chunks(
    pending: list[tuple[str, str | None]], jobs: int, stats: dict[str, tuple[int, int]]
) -> list[list[tuple[str, str | None]]]:
    """The files in chunks for the workers, largest files first and chunks shrinking
    towards the end: the work a worker still holds when the others run out is then a
    few small files, not a chunk of 64 large ones (a cold audit's wall time is the
    slowest worker's)."""
    ordered = sorted(pending, key=lambda item: -stats.get(item[0], (0, 0))[0])
    chunks: list[list[tuple[str, str | None]]] = []
    start = 0
    while start < len(ordered):
        # A share of what is left per chunk: 64 files at most, 4 at least.
        size = max(4, min(64, (len(ordered) - start) // (jobs * 4)))
        chunks.append(ordered[start : start + size])
        start += size
    return chunks


def _settle(
    cache: ResultCache | None,
    rel: str,
    size: int,
    mtime_ns: int,
    outcome: FileOutcome | None,
    blob: bytes | None = None,
) -> FileOutcome | None:
    if outcome is None:
        # Same bytes as the cached entry (only the mtime moved): reuse it, unless the
        # entry cannot be read back (None: the caller analyses the file again).
        assert cache is not None
        return cache.touch(rel, size, mtime_ns)
    if cache is not None and size >= 0:
        cache.store(rel, size, mtime_ns, outcome, blob)
    return outcome

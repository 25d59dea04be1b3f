"""Test-wide settings: the result cache goes to a per-session temp folder, never to the
user's cache directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("FASTAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("fastaudit-cache")))
    yield
    mp.undo()


# The fast tier (`pytest -m "not slow"`, well under a minute) leaves out what drives the
# real app or real processes: every TUI test, the SIGKILL and no-execution process tests,
# and the hostile inputs run through the CLI. `make test` runs everything.
_SLOW_PLACES = (
    "tests/tui/",
    "tests/test_crash_safety.py",
    "tests/test_no_execution.py",
    "tests/hostile/test_hostile_cli.py",
    "tests/test_compiled_engine.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    root = str(config.rootpath) + "/"
    for item in items:
        where = str(item.path).removeprefix(root)
        if where.startswith(_SLOW_PLACES):
            item.add_marker(pytest.mark.slow)

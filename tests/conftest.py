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

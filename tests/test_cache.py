"""The result cache and the parallel scan: faster, never staler or different."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.config import Config
from fastaudit.engine.cache import cache_dir
from fastaudit.engine.parallel import PARALLEL_THRESHOLD

SLEEPY = "import time\n\n\nasync def handler_{n}():\n    time.sleep({n})\n"
CLEAN = "async def handler_{n}():\n    return {n}\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FASTAUDIT_CACHE_DIR", str(folder))
    return folder


def project(root: Path, files: int = 6) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        template = SLEEPY if n % 2 == 0 else CLEAN
        (root / f"mod_{n}.py").write_text(template.format(n=n), encoding="utf-8")
    return root


def found(result) -> list[tuple[str, int, str]]:
    return [(f.path, f.span.line, f.rule) for f in result.findings]


def test_second_scan_reuses_every_file(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "p")
    first = scan(root)
    again = scan(root)
    assert again.cache_hits == len(again.files) == 6
    assert found(again) == found(first) and len(found(first)) == 3
    assert list(cache.glob("*.pickle")), "nothing was written to the cache folder"


def test_the_name_check_of_safe_fixes_is_kept_too(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm scan re-reads no file to prove its safe fixes (ASY102 here); an edited
    file is proved again, and the answer is the same as a cold scan's."""
    from fastaudit.audit import scan as scan_module

    root = project(tmp_path / "p")
    proved: list[int] = []
    real = scan_module.unprovable

    def counting(text, fixes):
        proved.append(len(fixes))
        return real(text, fixes)

    monkeypatch.setattr(scan_module, "unprovable", counting)
    monkeypatch.setattr(scan_module, "_PROOFS", {})  # no in-process memo between scans
    first = scan(root)
    assert len(proved) == 3
    scan_module._PROOFS.clear()
    again = scan(root)
    assert len(proved) == 3
    assert [f.fix for f in again.findings] == [f.fix for f in first.findings]
    (root / "mod_2.py").write_text(SLEEPY.format(n=7), encoding="utf-8")
    scan_module._PROOFS.clear()
    scan(root)
    assert len(proved) == 4


def test_an_edited_file_is_analysed_again(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "p")
    scan(root)
    (root / "mod_1.py").write_text(SLEEPY.format(n=1), encoding="utf-8")
    (root / "mod_0.py").write_text(CLEAN.format(n=0), encoding="utf-8")
    result = scan(root)
    assert ("mod_1.py", 5, "ASY102") in found(result)
    assert not any(path == "mod_0.py" for path, _, _ in found(result))


def test_touched_but_unchanged_file_still_hits(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "p")
    scan(root)
    os.utime(root / "mod_0.py", ns=(1_000_000_000, 1_000_000_000))
    assert scan(root).cache_hits == 6


@pytest.mark.parametrize("garbage", [b"", b"not a pickle at all", b"\x80\x04K\x01."])
def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(
    tmp_path: Path, cache: Path, garbage: bytes
) -> None:
    root = project(tmp_path / "p")
    expected = found(scan(root))
    for stored in cache.glob("*.pickle"):
        stored.write_bytes(garbage)
    result = scan(root)
    assert found(result) == expected and result.cache_hits == 0
    assert scan(root).cache_hits == 6  # rebuilt


def test_other_rules_do_not_read_stale_results(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "p")
    assert found(scan(root, Config(select=["ASY101"]))) == []
    assert len(found(scan(root, Config(select=["ASY102"])))) == 3


def test_no_cache_flag_and_clean_command(tmp_path: Path, cache: Path, capsys) -> None:
    root = project(tmp_path / "p")
    assert main(["check", str(root), "--no-cache", "--exit-zero"]) == 0
    assert not list(cache.glob("*.pickle"))
    main(["check", str(root), "--exit-zero"])
    assert list(cache.glob("*.pickle"))
    capsys.readouterr()
    assert main(["clean"]) == 0
    assert "Removed 1 cache file(s)" in capsys.readouterr().out
    assert not list(cache.glob("*.pickle")) and cache_dir() == cache


def test_parallel_scan_matches_one_process(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "big", files=PARALLEL_THRESHOLD + 20)
    one = scan(root, use_cache=False, jobs=1)
    two = scan(root, use_cache=False, jobs=2)
    assert found(two) == found(one) and len(found(one)) == (PARALLEL_THRESHOLD + 21) // 2


def test_two_concurrent_runs_share_the_cache_safely(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "p", files=40)
    env = {**os.environ, "FASTAUDIT_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "fastaudit", "check", str(root), "--format", "json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 1 for run in runs)
    assert outputs[0] == outputs[1]
    assert scan(root).cache_hits == 40  # the cache left behind is whole

"""The result cache and the parallel scan: faster, never staler or different."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fastaudit.audit.scan import scan
from fastaudit.cli import main
from fastaudit.config import Config
from fastaudit.engine.cache import cache_dir
from fastaudit.engine.parallel import PARALLEL_THRESHOLD
from fastaudit.model import Safety

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


def count_proofs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of fixes of each name check the scan runs from now on, in order."""
    from fastaudit.audit import scan as scan_module

    proved: list[int] = []
    real = scan_module.unprovable

    def counting(text, fixes, tree=None):
        proved.append(len(fixes))
        return real(text, fixes, tree)

    monkeypatch.setattr(scan_module, "unprovable", counting)
    return proved


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
    proved = count_proofs(monkeypatch)
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


@pytest.mark.parametrize("touched", [False, True])
def test_a_damaged_entry_is_a_miss_and_the_file_is_analysed_again(
    tmp_path: Path, cache: Path, touched: bool
) -> None:
    import pickle

    from fastaudit.engine.cache import Entry

    root = project(tmp_path / "p")
    expected = found(scan(root))
    (stored,) = cache.glob("*.pickle")
    payload = pickle.loads(stored.read_bytes())
    rel, entry = next(iter(payload["entries"].items()))
    payload["entries"][rel] = Entry(entry.size, entry.mtime_ns, entry.digest, b"not a pickle")
    stored.write_bytes(pickle.dumps(payload))
    if touched:  # same bytes, new mtime: the entry is compared by digest, then read
        os.utime(root / rel, ns=(entry.mtime_ns + 10**9, entry.mtime_ns + 10**9))
    result = scan(root)
    assert found(result) == expected
    assert result.cache_hits == 5  # the other files still hit
    assert scan(root).cache_hits == 6  # and the damaged entry was written anew


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


def _where(item: str) -> tuple[str, int]:
    return item, os.getpid()


def test_project_rules_hand_work_of_several_files_to_running_workers(tmp_path: Path) -> None:
    """ASY108's wraps of several files go to the scan's workers while they run (a cold
    scan of a large project), in order; with none running, the parent does them."""
    from fastaudit.engine.parallel import WorkerPool
    from fastaudit.engine.project_view import ProjectView
    from fastaudit.project.discovery import discover

    root = project(tmp_path / "small", files=2)
    view = ProjectView.of(root, Config(), discover(root, ()))
    items = ["a.py", "b.py", "c.py"]
    assert view.map_files(_where, items) == [(item, os.getpid()) for item in items]
    with WorkerPool(2) as pool:
        view.workers = pool
        assert [pid for _, pid in view.map_files(_where, items)] == [os.getpid()] * 3
        pool.executor()  # the walk started them
        done = view.map_files(_where, items)
    assert [item for item, _ in done] == items
    assert os.getpid() not in {pid for _, pid in done}


def test_workers_get_the_largest_files_first_and_small_chunks_last() -> None:
    """A cold audit lasts as long as its slowest worker: what is left when the others
    run out must be a few small files."""
    from fastaudit.engine.parallel import _chunks

    sizes = {f"m{index}.py": (index * 37) % 1000 for index in range(1000)}
    pending: list[tuple[str, str | None]] = [(path, None) for path in sizes]
    chunks = _chunks(pending, 2, {path: (size, 0) for path, size in sizes.items()})
    flat = [path for chunk in chunks for path, _ in chunk]
    assert sorted(flat) == sorted(sizes)  # every file once
    assert [sizes[path] for path in flat] == sorted(sizes.values(), reverse=True)
    lengths = [len(chunk) for chunk in chunks]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[0] == 64 and lengths[-1] <= 4


def test_two_concurrent_runs_share_the_cache_safely(tmp_path: Path, cache: Path) -> None:
    root = project(tmp_path / "p", files=40)
    env = {**os.environ, "FASTAUDIT_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "fastaudit", "check", str(root), "--format", "json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 1 for run in runs)
    assert outputs[0] == outputs[1]
    assert scan(root).cache_hits == 40  # the cache left behind is whole


# A project whose dependency files give findings, fixes (with character offsets), lock
# edges and one broken file: what a warm scan must give exactly as a cold one does.
DEPENDENCY_FILES = {
    "pyproject.toml": (
        '[project]\nname = "shop"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n'
        'dependencies = [\n    "fastapi[standard]>=0.100,<1.0",\n'
        "    \"sqlmodel>=0.0.8; python_version >= '3.12'\",\n]\n"
    ),
    "uv.lock": (
        'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n'
        'dependencies = [{ name = "starlette" }]\n\n'
        '[[package]]\nname = "starlette"\nversion = "0.36.0"\n'
    ),
    "svc/pyproject.toml": (
        '[tool.poetry]\nname = "svc"\nversion = "0.1.0"\n\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.95"\n'
    ),
    "svc/poetry.lock": (
        '[[package]]\nname = "fastapi"\nversion = "0.95.0"\n\n'
        '[package.dependencies]\nstarlette = ">=0.26"\n'
    ),
    "requirements-dev.txt": "fastapi==0.99.0\nhttpx>=0.20\n",
    "broken/pyproject.toml": '[project\nname = "x"\n',
    "app.py": "import fastapi\nimport sqlmodel\nimport starlette\n",
}


def dependency_project(root: Path) -> Path:
    for name, text in DEPENDENCY_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def everything(result) -> list[str]:
    """Findings with their messages and fixes (edits with offsets), and the digests
    fixes check: all a warm scan must keep."""
    return [repr((f.path, f.span, f.rule, f.message, f.fix)) for f in result.findings] + [
        repr(sorted(result.digests.items())),
        repr(result.warnings),
    ]


@pytest.fixture
def toml_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The dependency files the collector parses as TOML, in order."""
    import importlib
    import tomllib
    import types

    # The module, not the function the package exports under the same name.
    collect_module = importlib.import_module("fastaudit.project.deps.collect")
    parsed: list[str] = []

    def loads(text: str) -> dict[str, object]:
        parsed.append(text)
        return tomllib.loads(text)

    fake = types.SimpleNamespace(loads=loads, TOMLDecodeError=tomllib.TOMLDecodeError)
    monkeypatch.setattr(collect_module, "tomllib", fake)
    return parsed


def test_dependency_files_are_parsed_once_and_give_the_same_findings(
    tmp_path: Path, cache: Path, toml_parses: list[str]
) -> None:
    root = dependency_project(tmp_path / "p")
    cold = scan(root, use_cache=False)
    assert {f.rule for f in cold.findings} >= {"PIN101", "PIN102", "PIN103", "PIN104", "PIN109"}
    assert any(f.fix is not None and f.path == "pyproject.toml" for f in cold.findings)
    first = scan(root)
    toml_parses.clear()
    warm = scan(root)
    assert toml_parses == []  # nothing parsed again, the broken file included
    assert everything(warm) == everything(first) == everything(cold)
    assert any(f.rule == "PIN109" and f.path == "broken/pyproject.toml" for f in warm.findings)


def test_a_warm_fix_still_refuses_a_dependency_file_changed_since_the_scan(
    tmp_path: Path, cache: Path
) -> None:
    from fastaudit.fixes.runner import fix_project

    root = dependency_project(tmp_path / "p")
    scan(root)
    warm = scan(root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    # Unsafe: the fix would leave uv.lock stale (``uv sync --locked`` fails).
    report = fix_project(warm, paths={"pyproject.toml"}, unsafe=True)
    assert report.errors == ["pyproject.toml: changed on disk since it was scanned; rescan first"]
    assert pyproject.read_text(encoding="utf-8").endswith("# edited\n")


def test_an_edited_lock_file_is_parsed_again(
    tmp_path: Path, cache: Path, toml_parses: list[str]
) -> None:
    root = dependency_project(tmp_path / "p")
    scan(root)
    lock = root / "uv.lock"
    lock.write_text(DEPENDENCY_FILES["uv.lock"].replace("0.110.0", "0.109.2"), encoding="utf-8")
    toml_parses.clear()
    result = scan(root)
    assert toml_parses == [lock.read_text(encoding="utf-8")]
    messages = [f.message for f in result.findings if f.path == "uv.lock"]
    assert len(messages) == 1 and "fastapi to 0.109.2" in messages[0]
    assert everything(result) == everything(scan(root, use_cache=False))


def rewrite_derived(cache: Path, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the cache's parsed dependency files (kept as their pickle until a run
    reads them) with ``change``, and drop the kept project pass: the next scan reads
    them."""
    import pickle

    (stored,) = cache.glob("*.pickle")
    payload = pickle.loads(stored.read_bytes())
    payload["derived"] = change(payload["derived"])
    payload["project"] = None
    stored.write_bytes(pickle.dumps(payload))


def test_a_broken_dependency_cache_entry_is_a_miss(
    tmp_path: Path, cache: Path, toml_parses: list[str]
) -> None:
    import pickle

    def break_two(blob: bytes) -> bytes:
        derived = pickle.loads(blob)
        keys = sorted(derived)
        derived[keys[0]] = "not an entry"
        derived[keys[1]] = (derived[keys[1]][0], ["not", "parsed"])
        return pickle.dumps(derived)

    root = dependency_project(tmp_path / "p")
    expected = everything(scan(root))
    rewrite_derived(cache, break_two)
    toml_parses.clear()
    assert everything(scan(root)) == expected
    assert len(toml_parses) == 2  # those two files, and only they, parsed again
    toml_parses.clear()
    assert everything(scan(root)) == expected and toml_parses == []  # and stored again


def test_a_damaged_dependency_cache_is_parsed_afresh(
    tmp_path: Path, cache: Path, toml_parses: list[str]
) -> None:
    root = dependency_project(tmp_path / "p")
    expected = everything(scan(root))
    rewrite_derived(cache, lambda blob: blob[:-9])  # cut short: not a pickle any more
    toml_parses.clear()
    assert everything(scan(root)) == expected
    # Every dependency file parsed again, as with no cache (see the test below).
    assert len(set(toml_parses)) == 5
    assert toml_parses.count(DEPENDENCY_FILES["uv.lock"]) == 1


def test_a_warm_run_leaves_the_dependency_parsers_unloaded(tmp_path: Path, cache: Path) -> None:
    """With nothing changed, the kept project pass stands and no dependency file is
    parsed: the parsed files stay pickled, and neither the parsers nor ``packaging``'s
    requirement grammar is imported (a fifth of a warm run's start-up)."""
    root = dependency_project(tmp_path / "p")
    probe = (
        "import sys\n"
        "from fastaudit.audit.scan import scan\n"
        "from fastaudit.config import load_config\n"
        f"root = __import__('pathlib').Path({str(root)!r})\n"
        "result = scan(root, load_config(root, lambda s: True))\n"
        "print(len(result.findings), 'fastaudit.project.deps.collect' in sys.modules,\n"
        "      'packaging.requirements' in sys.modules)\n"
    )

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    cold = run()
    assert cold[1:] == ["True", "True"]  # the first run parses them
    warm = run()
    assert warm == [cold[0], "False", "False"]
    (stored,) = cache.glob("*.pickle")
    before = stored.read_bytes()
    assert run() == warm and stored.read_bytes() == before  # nothing to save either


def test_no_cache_parses_dependency_files_every_time(
    tmp_path: Path, cache: Path, toml_parses: list[str]
) -> None:
    root = dependency_project(tmp_path / "p")
    scan(root)
    toml_parses.clear()
    scan(root, use_cache=False)
    # requires-python >=3.12: the collector reads the files twice, the second time to
    # evaluate markers for 3.12. Pyprojects are parsed for each; locks have no markers.
    assert len(toml_parses) == 8 and len(set(toml_parses)) == 5
    assert toml_parses.count(DEPENDENCY_FILES["uv.lock"]) == 1


def test_related_locations_survive_the_cache(tmp_path: Path, cache: Path) -> None:
    """Findings are cached pickled: their related locations come back whole, and a
    finding of the walk that carries some (pickled inside its file's outcome) too."""
    import pickle

    from fastaudit.model import Finding, Location, Severity, Span

    finding = Finding(
        "ASY108",
        Severity.WARNING,
        "app/routes.py",
        Span(5, 12, 5, 21),
        "`sync_now` calls ...",
        related=(
            Location("app/routes.py", 5, "`sync_now` calls `refresh`", Span(5, 12, 5, 21)),
            Location("app/store.py", 9, "`pause` calls `time.sleep`"),
        ),
    )
    assert pickle.loads(pickle.dumps(finding, protocol=pickle.HIGHEST_PROTOCOL)) == finding
    root = tmp_path / "p"
    (root / "app").mkdir(parents=True)
    (root / "app" / "routes.py").write_text(
        "from app.store import save\n\n\nasync def sync_now():\n    return save()\n"
    )
    (root / "app" / "store.py").write_text("import time\n\n\ndef save():\n    time.sleep(1)\n")
    first = scan(root)
    again = scan(root)
    assert again.cache_hits == len(again.files)
    reached = [f for f in again.findings if f.rule == "ASY108"]
    assert reached and reached[0].related
    assert again.findings == first.findings


# ------------------------------------------------------------ the kept project pass
PINNED_APP = {
    "requirements.txt": "fastapi==0.95.0\nrequests\n",
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "app/helpers.py": "import time\n\n\ndef pause():\n    time.sleep(1)\n",
    "app/routes.py": ("from app.helpers import pause\n\n\nasync def index():\n    pause()\n"),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project_rules_ran(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the project passes that really ran (not taken from the cache)."""
    from fastaudit.audit import scan as scan_module

    runs: list[int] = []
    real = scan_module._run_project_rules

    def counting(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_module, "_run_project_rules", counting)
    return runs


def all_findings(result) -> list[tuple[str, int, str, str]]:
    return sorted((f.path, f.span.line, f.rule, f.message) for f in result.findings)


def test_a_warm_scan_with_nothing_changed_keeps_the_project_pass(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(tmp_path / "p", PINNED_APP)
    cold = scan(root, use_cache=False)
    runs = project_rules_ran(monkeypatch)
    first = scan(root)
    again = scan(root)
    assert len(runs) == 1, "the second warm scan ran the project rules again"
    assert all_findings(again) == all_findings(first) == all_findings(cold)
    assert {"PIN102", "ASY108"} <= {f.rule for f in again.findings}


@pytest.mark.parametrize(
    ("change", "gone", "appears"),
    [
        # A dependency file the PIN rules read: its bytes are checked on every run.
        (("requirements.txt", "fastapi>=0.115\nrequests\n"), "PIN102", None),
        # A Python file whose facts change (no blocking call any more).
        (("app/helpers.py", "def pause():\n    return None\n"), "ASY108", None),
        # A new file the project rules would read.
        (("pyproject.toml", '[project]\nname = "p"\nrequires-python = ">=3.8"\n'), None, "PIN105"),
    ],
    ids=["dependency-file", "python-file", "new-file"],
)
def test_any_change_the_pass_depended_on_runs_it_again(
    tmp_path: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: tuple[str, str],
    gone: str | None,
    appears: str | None,
) -> None:
    root = write(tmp_path / "p", PINNED_APP)
    scan(root)
    runs = project_rules_ran(monkeypatch)
    write(root, {change[0]: change[1]})
    warm = scan(root)
    assert runs == [1]
    assert all_findings(warm) == all_findings(scan(root, use_cache=False))
    rules = {f.rule for f in warm.findings}
    if gone is not None:
        assert gone not in rules
    if appears is not None:
        assert appears in rules


def with_fixes(result) -> list[tuple[str, int, str, object]]:
    return sorted(
        ((f.path, f.span.line, f.rule, f.fix) for f in result.findings), key=lambda f: f[:3]
    )


def test_an_edit_the_project_rules_cannot_see_keeps_the_pass(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A comment, a message, a body that notes the same facts: nothing the project rules
    read of the file changed, so their results are kept."""
    root = write(tmp_path / "p", PINNED_APP)
    scan(root)
    runs = project_rules_ran(monkeypatch)
    write(root, {"app/main.py": PINNED_APP["app/main.py"] + "# the app\n"})
    write(root, {"app/helpers.py": PINNED_APP["app/helpers.py"].replace("(1)", "(2)")})
    warm = scan(root)
    assert runs == []
    assert with_fixes(warm) == with_fixes(scan(root, use_cache=False))
    assert "ASY108" in {f.rule for f in warm.findings}


def test_an_edit_to_a_file_whose_text_the_pass_used_runs_it_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASY108's wrap is an edit at character offsets of routes.py: a longer import line
    moves them without changing any fact, and a kept pass would write at the old ones."""
    root = write(tmp_path / "p", PINNED_APP)
    before = [f.fix for f in scan(root).findings if f.rule == "ASY108"]
    assert before and before[0] is not None
    runs = project_rules_ran(monkeypatch)
    routes = PINNED_APP["app/routes.py"].replace("pause\n", "pause  # the helper\n", 1)
    write(root, {"app/routes.py": routes})
    warm = scan(root)
    assert runs == [1]
    assert with_fixes(warm) == with_fixes(scan(root, use_cache=False))
    assert [f.fix for f in warm.findings if f.rule == "ASY108"] != before


def test_the_summary_is_the_same_in_another_process(tmp_path: Path) -> None:
    """Hash randomisation must not change what the pass is keyed by, or no warm run in
    a new process would ever keep it."""
    root = write(tmp_path / "p", PINNED_APP)
    code = (
        "import sys; from pathlib import Path; from fastaudit.audit.scan import scan; "
        "r = scan(Path(sys.argv[1]), use_cache=False); "
        "print(sorted((p, o.summary) for p, o in r.files.items()))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code, str(root)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1


def test_other_settings_run_the_pass_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(tmp_path / "p", PINNED_APP)
    scan(root)
    runs = project_rules_ran(monkeypatch)
    listed = Config(blocking_calls={"app.helpers.pause": ""})
    assert {f.rule for f in scan(root, listed).findings} >= {"ASY108"}
    assert runs == [1]


def test_a_kept_pass_keeps_the_parsed_dependency_files_too(
    tmp_path: Path, cache: Path, toml_parses: list[str]
) -> None:
    """Three warm runs, nothing changed, then a Python file edited: the project pass runs
    again, and the dependency files parsed by the first run are still not parsed."""
    root = dependency_project(tmp_path / "p")
    scan(root)
    scan(root)
    scan(root)
    (root / "extra.py").write_text("x = 1\n", encoding="utf-8")
    toml_parses.clear()
    scan(root)
    assert toml_parses == []


def test_a_kept_project_pass_is_not_kept_past_the_day(
    tmp_path: Path, cache: Path, monkeypatch
) -> None:
    """What has reached its end of life depends on the day: a warm scan on a later day
    runs the project rules again, though no file changed."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.10"\n', encoding="utf-8"
    )
    (root / "tox.ini").write_text("[tox]\nenvlist = py310, py312\n", encoding="utf-8")
    monkeypatch.setenv("FASTAUDIT_TODAY", "2026-10-31")
    (before,) = [f for f in scan(root).findings if f.rule == "PIN105"]
    assert before.severity.value == "info"
    monkeypatch.setenv("FASTAUDIT_TODAY", "2026-11-01")
    (after,) = [f for f in scan(root).findings if f.rule == "PIN105"]
    assert after.severity.value == "warning"
    assert "past its end of life (October 2026)" in after.message


def test_a_rescan_after_a_fix_proves_only_the_changed_file(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm scan takes its proofs from the cache (the outcomes' own, or the kept
    ones); the rescan after a fix, which asks again without the cache, reuses them for
    every file but the changed one. Seen in the benchmark on prefect: a rescan after one
    fix proved a large file again, 100 ms."""
    from fastaudit.audit import scan as scan_module
    from fastaudit.audit.scan import refresh_files

    root = project(tmp_path / "p")
    scan(root)
    monkeypatch.setattr(scan_module, "_PROOFS", {})  # a new process: the cache alone
    warm = scan(root)
    proved = count_proofs(monkeypatch)
    (root / "mod_0.py").write_text(SLEEPY.format(n=9), encoding="utf-8")
    refresh_files(warm, ["mod_0.py"])
    assert len(proved) == 1  # mod_0.py alone: mod_2.py's and mod_4.py's are kept


def test_a_set_left_by_the_project_pass_is_not_proved_again_when_only_renames_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both `.dict()` calls wait for the project pass (their classes are imported); it
    keeps the model's and drops the plain class's. Both fixes only rename an attribute,
    which changes no name the scopes hold: the worker has nothing to prove, and the set
    the project pass leaves is answered without a proof in the parent either (dispatch:
    50 files, 0.16 s, proved again one after another)."""
    root = tmp_path / "p"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "models.py").write_text(
        "from pydantic import BaseModel\n\n\nclass Order(BaseModel):\n    total: int\n\n\n"
        "class Ledger:\n    def dict(self):\n        return {}\n",
        encoding="utf-8",
    )
    (root / "app" / "service.py").write_text(
        "from app.models import Ledger, Order\n\n\n"
        "def dump(order: Order, ledger: Ledger):\n    return order.dict(), ledger.dict()\n",
        encoding="utf-8",
    )
    proved = count_proofs(monkeypatch)
    result = scan(root, Config(select=["PYD101"]), use_cache=False, jobs=1)
    [finding] = result.findings
    assert (finding.path, finding.span.line) == ("app/service.py", 5)
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    assert proved == []


def test_dependency_files_are_parsed_while_the_workers_walk(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent, idle while its workers walk the Python files, parses the pyproject and
    the lock meanwhile; the project pass after the walk parses neither again, and finds
    what a one-process scan finds."""
    import tomllib

    from fastaudit.audit import scan as scan_module

    root = project(tmp_path / "big", files=PARALLEL_THRESHOLD + 20)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "big"\ndependencies = ["fastapi==0.95.0", "python-jose>=3"]\n',
        encoding="utf-8",
    )
    (root / "uv.lock").write_text(
        'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.95.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n',
        encoding="utf-8",
    )
    one = scan(root, use_cache=False, jobs=1)
    assert any(f.rule.startswith("PIN") and f.path == "pyproject.toml" for f in one.findings)

    phase = ["walk"]
    parsed: list[tuple[str, str]] = []  # (when, the text parsed), files and edited ones
    real_loads = tomllib.loads
    real_pass = scan_module._run_project_rules

    def loads(text: str, **kwargs):
        parsed.append((phase[0], text))
        return real_loads(text, **kwargs)

    def project_pass(*args, **kwargs):
        phase[0] = "project pass"
        return real_pass(*args, **kwargs)

    monkeypatch.setattr(tomllib, "loads", loads)
    monkeypatch.setattr(scan_module, "_run_project_rules", project_pass)
    two = scan(root, use_cache=False, jobs=2)
    assert found(two) == found(one)
    pyproject, lock = ((root / name).read_text(encoding="utf-8") for name in PARSED_FILES)
    assert {text for when, text in parsed if when == "walk"} == {pyproject, lock}
    # The pass parses the texts of its fixes, read back to check them, and the tooling
    # rules read the pyproject's ``[tool]`` tables; not the lock.
    assert lock not in {text for when, text in parsed if when == "project pass"}


PARSED_FILES = ("pyproject.toml", "uv.lock")


def test_a_file_whose_fixes_are_not_all_renames_is_proved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `.dict()` rename beside a fix that adds an import (`time.sleep` in async code
    becoming `asyncio.sleep`): the worker proves the two together."""
    root = tmp_path / "p"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "service.py").write_text(
        "import time\n\nfrom pydantic import BaseModel\n\n\nclass Order(BaseModel):\n"
        "    total: int\n\n\nasync def dump(order: Order):\n    time.sleep(1)\n"
        "    return order.dict()\n",
        encoding="utf-8",
    )
    proved = count_proofs(monkeypatch)
    result = scan(root, Config(select=["PYD101", "ASY102"]), use_cache=False, jobs=1)
    assert sorted(f.rule for f in result.findings) == ["ASY102", "PYD101"]
    assert all(f.fix is not None and f.fix.safety is Safety.SAFE for f in result.findings)
    assert proved == [2]

"""What `fastaudit check` prints, in each format, read the way its users read it:
people at a terminal, CI logs, GitHub annotations, SARIF viewers, other tools."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from rich.cells import cell_len
from rich.console import Console

from fastaudit.audit.scan import ScanResult, scan
from fastaudit.config import Config
from fastaudit.model import Finding, Severity, Span
from fastaudit.report import github, json_report, sarif, text

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
ESC = "\x1b"

APP = (
    "import time\n"
    "\n"
    "import requests\n"
    "\n"
    "\n"
    "async def list_items():\n"
    "    time.sleep(1)\n"
    '    return requests.get("https://api.test/items").json()\n'
)


def project(root: Path, files: dict[str, str] | None = None) -> ScanResult:
    for rel, code in (files or {"app/main.py": APP}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    return scan(root, Config(select=["ASY", "SCN"]), use_cache=False)


def render_text(result: ScanResult, **kwargs) -> str:
    out = io.StringIO()
    console = Console(file=out, width=200, no_color=True, force_terminal=False, soft_wrap=True)
    text.render(result, console, **kwargs)
    return out.getvalue()


# ------------------------------------------------------------------------- SARIF
@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    Draft7Validator.check_schema(schema)
    return schema


def assert_valid_sarif(log: dict, schema: dict) -> None:
    errors = sorted(Draft7Validator(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_is_valid_against_the_published_schema(tmp_path, sarif_schema):
    result = project(tmp_path, {"app/main.py": APP, "app/broken.py": "def f(:\n"})
    log = json.loads(sarif.render(result))
    assert_valid_sarif(log, sarif_schema)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "fastaudit"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["ASY101", "ASY102", "SCN001"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    sleep = by_rule["ASY102"]
    assert rules[sleep["ruleIndex"]] == "ASY102"
    assert sleep["level"] == "error"
    assert "`time.sleep` blocks the event loop" in sleep["message"]["text"]
    location = sleep["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 18}


def test_sarif_without_findings_is_valid(tmp_path, sarif_schema):
    log = json.loads(sarif.render(project(tmp_path, {"ok.py": "x = 1\n"})))
    assert_valid_sarif(log, sarif_schema)
    assert log["runs"][0]["results"] == []


def test_sarif_paths_are_uri_references(tmp_path, sarif_schema):
    result = project(tmp_path, {"my app/100% done.py": APP})
    log = json.loads(sarif.render(result))
    assert_valid_sarif(log, sarif_schema)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"my%20app/100%25%20done.py"}


# -------------------------------------------------------------------------- JSON
def test_json_contract(tmp_path):
    payload = json.loads(json_report.render(project(tmp_path)))
    assert payload["version"] == 1
    first = payload["findings"][0]
    assert {
        key: first[key]
        for key in (
            "rule",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "fixable",
        )
    } == {
        "rule": "ASY102",
        "severity": "error",
        "path": "app/main.py",
        "line": 7,
        "column": 5,
        "end_line": 7,
        "end_column": 18,
        "message": "`time.sleep` blocks the event loop inside `async def list_items`",
        "fixable": True,
    }
    second = payload["findings"][1]
    assert (second["rule"], second["line"], second["column"], second["fixable"]) == (
        "ASY101",
        8,
        12,
        True,
    )
    assert second["fix"]["safety"] == "unsafe"
    assert payload["summary"]["findings"] == 2


# A route reaching ``time.sleep`` through three sync functions in three files.
CHAIN = {
    "app/routes.py": (
        "from app.service import refresh\n\n\nasync def sync_now():\n    return refresh()\n"
    ),
    "app/service.py": "from app.store import save\n\n\ndef refresh():\n    return save()\n",
    "app/store.py": (
        "import time\n\n\ndef save():\n    return pause()\n\n\ndef pause():\n    time.sleep(1)\n"
    ),
}


def test_json_lists_the_chain_as_related_locations(tmp_path):
    payload = json.loads(json_report.render(project(tmp_path, CHAIN)))
    (reached,) = [f for f in payload["findings"] if f["rule"] == "ASY108"]
    # The last label names the blocking call's rule and its kind (worded by that rule).
    *links, blocking = reached["related"]
    assert blocking.pop("label").startswith("`pause` calls `time.sleep` (ASY102: ")
    assert blocking == {
        "path": "app/store.py",
        "line": 9,
        "column": None,
        "end_line": None,
        "end_column": None,
    }
    assert links == [
        {
            "path": "app/routes.py",
            "line": 5,
            "column": 12,
            "end_line": 5,
            "end_column": 21,
            "label": "`sync_now` calls `refresh`",
        },
        {
            "path": "app/service.py",
            "line": 5,
            "column": None,
            "end_line": None,
            "end_column": None,
            "label": "`refresh` calls `save`",
        },
        {
            "path": "app/store.py",
            "line": 5,
            "column": None,
            "end_line": None,
            "end_column": None,
            "label": "`save` calls `pause`",
        },
    ]
    # The text of the chain is still in the detail, for readers of the detail alone.
    assert "  app/service.py:5  `refresh` calls `save`" in reached["detail"]
    # A finding without other places has an empty list, never a missing key.
    assert all(f["related"] == [] for f in payload["findings"] if f["rule"] != "ASY108")


def test_sarif_emits_related_locations(tmp_path, sarif_schema):
    log = json.loads(sarif.render(project(tmp_path, CHAIN)))
    assert_valid_sarif(log, sarif_schema)
    results = log["runs"][0]["results"]
    (reached,) = [r for r in results if r["ruleId"] == "ASY108"]
    related = reached["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2, 3, 4]
    first, *_, last = related
    assert first["physicalLocation"] == {
        "artifactLocation": {"uri": "app/routes.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 21},
    }
    assert first["message"] == {"text": "`sync_now` calls `refresh`"}
    # Only the line is known for a link inside a sync function: the region is the line.
    assert last["physicalLocation"] == {
        "artifactLocation": {"uri": "app/store.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 9},
    }
    assert all("relatedLocations" not in r for r in results if r["ruleId"] != "ASY108")


def test_related_locations_leave_baseline_fingerprints_alone(tmp_path):
    from dataclasses import replace

    from fastaudit.workflows.baseline import fingerprints

    result = project(tmp_path, CHAIN)
    bare = [replace(f, related=()) for f in result.findings]
    assert any(f.related for f in result.findings)
    assert fingerprints(tmp_path, result.findings) == fingerprints(tmp_path, bare)


# ------------------------------------------------------------------------ GitHub
def test_github_annotations(tmp_path):
    lines = github.render(project(tmp_path)).splitlines()
    assert lines[0] == (
        "::error file=app/main.py,line=7,col=5,endLine=7,endColumn=18,"
        "title=ASY102 `time.sleep` in async code::"
        "ASY102 `time.sleep` blocks the event loop inside `async def list_items`"
    )
    assert lines[1].startswith("::error file=app/main.py,line=8,col=12,")


def test_github_annotation_escapes_commas_colons_and_newlines():
    finding = Finding(
        rule="ASY102",
        severity=Severity.INFO,
        path="a,b:c.py",
        span=Span(1, 1, 1, 2),
        message="100% sure\nsecond line",
        title="t",
    )
    result = ScanResult(root=Path("/x"), config=Config(), findings=[finding])
    assert github.render(result) == (
        "::notice file=a%2Cb%3Ac.py,line=1,col=1,endLine=1,endColumn=2,title=ASY102 t"
        "::ASY102 100%25 sure%0Asecond line"
    )


# -------------------------------------------------------------------------- text
def test_text_shows_code_frame_and_summary(tmp_path):
    out = render_text(project(tmp_path))
    assert "app/main.py:7:5: ASY102 [error] `time.sleep` blocks the event loop" in out
    assert "7 │     time.sleep(1)\n" in out
    assert "  │     ^^^^^^^^^^^^^ ASY102\n" in out
    assert "= fix (safe): Replace with `await asyncio.sleep(...)`" in out
    assert "app/main.py:8:12: ASY101 [error]" in out
    assert out.rstrip().endswith(
        "Found 2 problems in 1 of 1 files (2 errors).\n1 fixable with `fastaudit check --fix` "
        "(1 more with `--unsafe-fixes`)."
    )


def test_text_clean_project_summary(tmp_path):
    out = render_text(project(tmp_path, {"ok.py": "x = 1\n"}))
    assert out == "✓ No problems found in 1 files.\n"


def caret_under(out: str, code_line: str) -> str:
    """The text above the caret line's carets, as displayed."""
    lines = out.splitlines()
    index = next(
        i for i, line in enumerate(lines[:-1]) if line.endswith(code_line) and "^" in lines[i + 1]
    )
    shown, carets = lines[index], lines[index + 1]
    start = carets.index("^")
    end = carets.index(" ", start) if " " in carets[start:] else len(carets)
    # Carets count terminal cells; a wide character takes two.
    cells, picked = 0, []
    for char in shown:
        if start <= cells < end:
            picked.append(char)
        cells += cell_len(char)
    return "".join(picked)


def test_caret_sits_under_the_call_with_tabs_and_wide_characters(tmp_path):
    code = 'import time\n\n\nasync def f():\n\ttime.sleep(1)\n\tx = "日本"; time.sleep(2)\n'
    out = render_text(project(tmp_path, {"tabs.py": code}))
    assert "tabs.py:5:2: ASY102" in out
    assert caret_under(out, "    time.sleep(1)") == "time.sleep(1)"
    assert "tabs.py:6:12: ASY102" in out
    assert caret_under(out, 'x = "日本"; time.sleep(2)') == "time.sleep(2)"


def test_statistics(tmp_path):
    out = render_text(project(tmp_path), show_statistics=True)
    assert "1  ASY102  ✓" in out
    assert "1  ASY101" in out
    assert "time.sleep(1)" not in out  # counts instead of each finding


def test_statistics_show_titles_literally():
    finding = Finding(
        rule="ASY102",
        severity=Severity.ERROR,
        path="a.py",
        span=Span(1, 1, 1, 2),
        message="m",
        title="`Depends()` default, not `Annotated[Session, Depends()]` [/]",
    )
    result = ScanResult(root=Path("/nonexistent"), config=Config(), findings=[finding])
    out = render_text(result, show_statistics=True)
    assert "`Depends()` default, not `Annotated[Session, Depends()]` [/]" in out


def test_escape_sequences_and_markup_in_names_and_code_print_literally(tmp_path):
    name = f"evil{ESC}[2J[bold]x[/bold].py"
    line = f's = "{ESC}]0;owned{ESC}\\\\[red]hi[/red]"; time.sleep(1)'
    code = f"import time\n\n\nasync def f():\n    {line}\n"
    result = project(tmp_path, {name: code})
    assert [f.path for f in result.findings] == [name]
    out = render_text(result)
    assert ESC not in out
    assert "evil\\x1b[2J[bold]x[/bold].py:5:" in out
    assert '"\\x1b]0;owned\\x1b\\\\[red]hi[/red]"' in out
    assert caret_under(out, "time.sleep(1)") == "time.sleep(1)"


def test_warnings_with_escape_sequences_print_literally(tmp_path):
    result = project(tmp_path, {"ok.py": f"x = 1  # noqa: ASY9{ESC}[31m\n"})
    result.warnings.append(f"something about {ESC}[31mred[/] [bold]")
    out = render_text(result)
    assert ESC not in out
    assert "something about \\x1b[31mred[/] [bold]" in out


# -------------------------------------------------------------- colour and TTYs
def run_cli_on_tty(args: list[str], env: dict[str, str]) -> str:
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "fastaudit", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 1, process.stderr
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_gives_no_escape_codes_even_on_a_terminal(tmp_path):
    project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    coloured = run_cli_on_tty(["check", str(tmp_path)], env)
    assert ESC + "[" in coloured, "a terminal gets colour by default"
    plain = run_cli_on_tty(["check", str(tmp_path)], {**env, "NO_COLOR": "1"})
    assert ESC not in plain
    assert "ASY102" in plain


def test_output_to_a_pipe_has_no_escape_codes(tmp_path):
    project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.run(
        [sys.executable, "-m", "fastaudit", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert process.returncode == 1
    assert ESC not in process.stdout
    assert "app/main.py:7:5: ASY102" in process.stdout


# ---------------------------------------------------------------- concise / large
def run_check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastaudit", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_concise_is_one_line_per_finding_then_the_summary(tmp_path: Path) -> None:
    project(tmp_path)
    run = run_check(tmp_path, "--select", "ASY", "--output-format", "concise")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "app/main.py:7:5: ASY102 [*] `time.sleep` blocks the event loop inside "
        "`async def list_items`",
        "app/main.py:8:12: ASY101 `requests.get` waits for the network on the event loop inside "
        "`async def list_items`",
        "Found 2 problems in 1 of 1 files (2 errors).",
        "1 fixable with `fastaudit check --fix` (1 more with `--unsafe-fixes`).",
    ]


def test_many_findings_start_with_the_counts_per_rule(tmp_path: Path) -> None:
    project(tmp_path, {f"app/m{i:02}.py": APP for i in range(15)})
    run = run_check(tmp_path, "--select", "ASY")
    lines = run.stdout.splitlines()
    assert lines[0].startswith("30 problems in 15 files, from 2 rules")
    assert "`--output-format concise` one line per finding" in lines[0]
    counts = [line.split() for line in lines[2:4]]
    assert [c[:2] for c in counts] == [["15", "ASY102"], ["15", "ASY101"]]
    first_detail = next(i for i, line in enumerate(lines) if line.startswith("app/m00.py:7:5"))
    assert first_detail > 4
    assert lines[-2] == "Found 30 problems in 15 of 15 files (30 errors)."


def test_few_findings_go_straight_to_the_details(tmp_path: Path) -> None:
    project(tmp_path)
    run = run_check(tmp_path, "--select", "ASY")
    assert run.stdout.startswith("app/main.py:7:5: ASY102 [error]")


def test_a_long_message_is_cut_and_kept_whole_in_detail(tmp_path):
    """One line of a report stays readable; the full list is in JSON and the detail."""
    import json

    from fastaudit.audit.scan import MESSAGE_LIMIT, shorten
    from fastaudit.model import Finding, Severity, Span

    files = "; ".join(f"domain_{i} (src/domain_{i}/service.py)" for i in range(200))
    long = Finding("SET101", Severity.INFO, "src/config.py", Span(1, 1, 1, 1), f"read by: {files}")
    short = shorten(long)
    assert len(short.message) <= MESSAGE_LIMIT
    assert short.message.endswith("… (full text in the detail view and JSON)")
    assert short.detail == long.message
    from fastaudit.report.json_report import finding_dict

    as_json = json.loads(json.dumps(finding_dict(short)))
    assert as_json["message"] == short.message and as_json["detail"] == long.message


def test_the_plain_fast_path_writes_what_rich_would(tmp_path, monkeypatch):
    """Into a pipe the report skips rich's styling; the bytes must be the same."""
    result = project(tmp_path)
    fast = render_text(result)
    monkeypatch.setattr(text, "_plain", lambda item: None)  # rich prints every finding
    assert render_text(result) == fast
    assert "app/main.py:7:5: ASY102 [error]" in fast
    assert ESC not in fast

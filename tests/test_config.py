"""``[tool.fastaudit]`` in the audited project's pyproject.toml, as a user writes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastaudit.audit.scan import scan
from fastaudit.audit.selection import is_known_selector
from fastaudit.config import load_config

SLEEP_AND_OPEN = (
    "import time\n\n\nasync def handler():\n    time.sleep(1)\n    return open('x').read()\n"
)


def project(tmp_path: Path, toml: str | bytes, files: dict[str, str] | None = None) -> Path:
    data = toml.encode() if isinstance(toml, str) else toml
    (tmp_path / "pyproject.toml").write_bytes(data)
    for rel, text in (files or {"app/main.py": SLEEP_AND_OPEN}).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def audit(root: Path):
    """ASY and SCN findings (other families' rules may also look at these files)."""
    result = scan(root, use_cache=False)
    found = {(f.path, f.rule, f.severity.value) for f in result.findings if f.rule[:3] in OURS}
    return found, result.warnings


OURS = ("ASY", "SCN")


def test_no_config_runs_every_default_rule(tmp_path):
    found, warnings = audit(project(tmp_path, "[project]\nname = 'shop'\n"))
    assert found == {
        ("app/main.py", "ASY102", "error"),
        ("app/main.py", "ASY103", "warning"),
    }
    assert warnings == []


def test_select_by_id(tmp_path):
    found, _ = audit(project(tmp_path, '[tool.fastaudit]\nselect = ["ASY102"]\n'))
    assert {rule for _, rule, _ in found} == {"ASY102"}


def test_select_by_family_and_ignore_by_id(tmp_path):
    root = project(tmp_path, '[tool.fastaudit]\nselect = ["ASY"]\nignore = ["ASY103"]\n')
    found, _ = audit(root)
    assert {rule for _, rule, _ in found} == {"ASY102"}


def test_extend_select_adds_to_select(tmp_path):
    root = project(tmp_path, '[tool.fastaudit]\nselect = ["ASY102"]\nextend-select = ["ASY103"]\n')
    found, _ = audit(root)
    assert {rule for _, rule, _ in found} == {"ASY102", "ASY103"}


def test_per_file_ignores(tmp_path):
    root = project(
        tmp_path,
        '[tool.fastaudit.per-file-ignores]\n"scripts/*" = ["ASY"]\n"app/main.py" = ["ASY103"]\n',
        {"app/main.py": SLEEP_AND_OPEN, "scripts/tool.py": SLEEP_AND_OPEN},
    )
    found, _ = audit(root)
    assert found == {("app/main.py", "ASY102", "error")}


def test_exclude(tmp_path):
    root = project(
        tmp_path,
        '[tool.fastaudit]\nexclude = ["generated/", "app/legacy_*.py"]\n',
        {
            "app/main.py": SLEEP_AND_OPEN,
            "app/legacy_v1.py": SLEEP_AND_OPEN,
            "generated/client.py": SLEEP_AND_OPEN,
        },
    )
    found, _ = audit(root)
    assert {path for path, _, _ in found} == {"app/main.py"}


def test_severity_overrides_most_specific_wins(tmp_path):
    root = project(tmp_path, '[tool.fastaudit.severity]\nASY = "info"\nASY102 = "warning"\n')
    found, _ = audit(root)
    assert found == {
        ("app/main.py", "ASY102", "warning"),
        ("app/main.py", "ASY103", "info"),
    }


def test_max_file_size(tmp_path):
    found, _ = audit(project(tmp_path, "[tool.fastaudit]\nmax-file-size = 50\n"))
    assert found == {("app/main.py", "SCN002", "warning")}


@pytest.mark.parametrize(
    ("toml", "warning"),
    [
        ('select = ["ASY102", "XYZ123"]', "`select` names unknown rule `XYZ123`"),
        ('ignore = ["NOPE1"]', "`ignore` names unknown rule `NOPE1`"),
        ('colour = "blue"', "unknown setting `colour` (ignored)"),
        ('severity = { ASY999 = "info" }', "`severity` names unknown rule `ASY999`"),
        ('severity = { ASY102 = "loud" }', "severity of ASY102 must be error, warning or info"),
        ("max-file-size = -1", "`max-file-size` must be a positive number of bytes"),
        ("max-file-size = true", "`max-file-size` must be a positive number of bytes"),
        ('select = "ASY102"', "`select` must be a list of rule ids"),
        ('blocking-calls = "acme.fetch"', "`blocking-calls` must be a list of qualified names"),
        ('blocking-calls = ["fetch"]', "blocking-calls: `fetch` is not a qualified name"),
        (
            'blocking-calls = { "acme.fetch" = 1 }',
            "blocking-calls: the alternative for `acme.fetch` must be a string",
        ),
    ],
)
def test_bad_settings_are_warnings_not_crashes(tmp_path, toml, warning):
    found, warnings = audit(project(tmp_path, f"[tool.fastaudit]\n{toml}\n"))
    assert any(warning in w for w in warnings), warnings
    assert ("app/main.py", "ASY102", "error") in found


def test_select_of_only_unknown_ids_keeps_the_default(tmp_path):
    found, warnings = audit(project(tmp_path, '[tool.fastaudit]\nselect = ["ASY9"]\n'))
    assert ("app/main.py", "ASY102", "error") in found
    assert any("no known rule in `select`; using the default" in w for w in warnings)


@pytest.mark.parametrize(
    "toml",
    ["[tool.fastaudit\nselect = 1\n", "tool = 1\n", b"[project]\nname = 'caf\xe9'\n"],
    ids=["broken-toml", "tool-not-a-table", "not-utf8"],
)
def test_broken_pyproject_gives_a_warning_and_defaults(tmp_path, toml):
    found, warnings = audit(project(tmp_path, toml))
    assert ("app/main.py", "ASY102", "error") in found
    if toml != "tool = 1\n":
        assert any(
            w.startswith("pyproject.toml") and w.endswith("using default settings")
            for w in warnings
        ), warnings


def test_fastaudit_table_that_is_not_a_table(tmp_path):
    root = project(tmp_path, "[tool]\nfastaudit = 3\n")
    assert load_config(root, is_known_selector).warnings == [
        "[tool.fastaudit] must be a table; ignoring it"
    ]


def test_pyproject_saved_with_a_byte_order_mark(tmp_path):
    root = project(tmp_path, b'\xef\xbb\xbf[tool.fastaudit]\nignore = ["ASY103"]\n')
    found, warnings = audit(root)
    assert found == {("app/main.py", "ASY102", "error")}
    assert warnings == []

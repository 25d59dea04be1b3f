"""Codes of rules that moved family (DOC104-106) keep working wherever a user wrote them:
configuration, command line, suppression comments, ``explain`` and old baselines."""

from __future__ import annotations

import json
from pathlib import Path

from fastaudit.audit.scan import scan
from fastaudit.audit.selection import is_known_selector
from fastaudit.cli import main
from fastaudit.config import load_config
from fastaudit.redirects import REDIRECTS, canonical
from fastaudit.rules import all_rules, get_rule
from fastaudit.workflows.baseline import fingerprints

# A sync route that blocks on nothing: ASY107, which was DOC106.
PING = """\
from fastapi import FastAPI

app = FastAPI(openapi_url=None)


@app.get("/ping")
def ping() -> dict[str, str]:{comment}
    return {{"status": "ok"}}
"""


def project(tmp_path: Path, comment: str = "", toml: str = "") -> Path:
    (tmp_path / "app").mkdir(parents=True)
    (tmp_path / "app" / "main.py").write_text(PING.format(comment=comment), encoding="utf-8")
    if toml:
        (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def rules_found(root: Path) -> list[tuple[str, int]]:
    return [(f.rule, f.span.line) for f in scan(root, use_cache=False).findings]


def test_every_redirect_lands_on_a_rule_and_no_old_code_is_still_in_use() -> None:
    rules = all_rules()
    for old, new in REDIRECTS.items():
        assert new in rules, f"{old} redirects to {new}, which is no rule"
        assert old not in rules, f"{old} is redirected but a rule still uses it"


def test_config_with_an_old_code_selects_the_moved_rule_and_says_so(tmp_path: Path) -> None:
    root = project(tmp_path, toml='[tool.fastaudit]\nselect = ["DOC106"]\n')
    config = load_config(root, is_known_selector)
    assert config.select == ["ASY107"]
    assert config.warnings == [
        "[tool.fastaudit]: `select`: `DOC106` is now `ASY107`; the old code still works, "
        "but update it"
    ]
    assert [f.rule for f in scan(root, config, use_cache=False).findings] == ["ASY107"]


def test_old_codes_in_ignore_per_file_ignores_and_severity_are_redirected(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        toml=(
            '[tool.fastaudit]\nignore = ["DOC104"]\nseverity = { DOC106 = "error" }\n'
            '[tool.fastaudit.per-file-ignores]\n"tests/*" = ["DOC105"]\n'
        ),
    )
    config = load_config(root, is_known_selector)
    assert config.ignore == ["RTE103"]
    assert config.severity == {"ASY107": config.severity["ASY107"]}
    assert config.severity["ASY107"].value == "error"
    assert config.per_file_ignores == {"tests/*": ["ASY106"]}
    assert len(config.warnings) == 3


def test_cli_select_with_an_old_code_warns_and_reports_under_the_new_code(
    tmp_path: Path, capsys
) -> None:
    root = project(tmp_path)
    code = main(["check", str(root), "--select", "DOC106", "--output-format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["ASY107"]
    assert "`DOC106` is now `ASY107`" in err + out


def test_noqa_with_the_old_code_still_suppresses(tmp_path: Path) -> None:
    assert ("ASY107", 7) in rules_found(project(tmp_path / "a"))
    assert ("ASY107", 7) not in rules_found(project(tmp_path / "b", comment="  # noqa: DOC106"))


def test_explain_accepts_an_old_code_and_names_the_new_one(capsys) -> None:
    assert main(["explain", "doc105"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ASY106 ")
    assert "`DOC105` is now `ASY106`" in out
    assert get_rule("DOC104") is get_rule("RTE103")
    assert canonical("doc104") == "RTE103"


def test_a_baseline_written_before_the_move_still_covers_the_finding(tmp_path: Path) -> None:
    root = project(tmp_path)
    findings = [f for f in scan(root, use_cache=False).findings if f.rule == "ASY107"]
    assert findings
    # What `fastaudit baseline` wrote when the rule was still DOC106.
    old_keys = fingerprints(root, findings, {"ASY107": "DOC106"})
    entries = [
        {"key": key, "rule": "DOC106", "path": f.path, "line": f.span.line}
        for key, f in zip(old_keys, findings, strict=True)
    ]
    baseline = root / ".fastaudit-baseline.json"
    baseline.write_text(json.dumps({"version": 1, "findings": entries}), encoding="utf-8")
    code = main(["check", str(root), "--select", "ASY107", "--output-format", "json"])
    assert code == 0

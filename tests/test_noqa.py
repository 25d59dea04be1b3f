"""Suppression comments: ``add_noqa`` on one finding, and ``fastaudit check --add-noqa``
over a project."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.cli import main
from fastaudit.config import Config
from fastaudit.fixes.apply import FixError
from fastaudit.fixes.noqa import add_noqa, add_noqa_comments, place_noqa
from fastaudit.model import Finding

ASYNC_SLEEP = "import time\n\n\nasync def wait():\n    {body}\n"


def sleep_finding(text: str) -> Finding:
    (finding,) = check_source(text, rule_ids=["ASY102"])
    return finding


class TestNoqa:
    def test_appends_a_comment_at_the_end_of_the_line(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1)   ")
        new = add_noqa(text, sleep_finding(text))
        assert new == ASYNC_SLEEP.format(body="time.sleep(1)  # noqa: ASY102")
        assert check_source(new, rule_ids=["ASY102"]) == []

    def test_keeps_crlf_line_endings(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1)").replace("\n", "\r\n")
        new = add_noqa(text, sleep_finding(text))
        assert new == text.replace("time.sleep(1)\r\n", "time.sleep(1)  # noqa: ASY102\r\n")

    def test_extends_an_existing_noqa_list(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1)  # noqa: E501 (long)")
        new = add_noqa(text, sleep_finding(text))
        assert "time.sleep(1)  # noqa: E501, ASY102 (long)" in new

    def test_refuses_after_a_backslash_continuation(self):
        text = ASYNC_SLEEP.format(body="x = time.sleep(1) + \\\n        1")
        with pytest.raises(FixError, match="backslash"):
            add_noqa(text, sleep_finding(text))

    def test_uses_the_last_line_when_the_first_ends_inside_a_string(self):
        text = ASYNC_SLEEP.format(body='time.sleep(len("""\n    abc"""))')
        finding = sleep_finding(text)
        assert finding.span.end_line == finding.span.line + 1
        new = add_noqa(text, finding)
        assert new.splitlines()[5] == '    abc"""))  # noqa: ASY102'

    def test_refuses_when_every_line_ends_inside_a_string(self):
        text = ASYNC_SLEEP.format(body='time.sleep(1); x = """\n    still a string\n    """')
        finding = sleep_finding(text)
        with pytest.raises(FixError, match="multi-line string"):
            add_noqa(text, finding)

    def test_a_second_finding_of_the_rule_on_the_line_adds_nothing(self):
        text = ASYNC_SLEEP.format(body="time.sleep(1); time.sleep(2)")
        first, second = check_source(text, rule_ids=["ASY102"])
        new, line = place_noqa(text, first)
        assert (place_noqa(new, second), line) == ((new, None), 5)
        assert new.count("# noqa: ASY102") == 1


# ------------------------------------------------------------- check --add-noqa
APP = (
    "import time\n"
    "\n"
    "import requests\n"
    "\n"
    "\n"
    "async def list_items():\n"
    "    time.sleep(1)  # noqa: E501\n"
    '    x = requests.get("https://api.test/items").json()\n'
    '    time.sleep(2); y = """\n'
    "    still a string\n"
    '    """\n'
    "    return x, y\n"
)
MODELS = (
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
    "\n"
    "\n"
    "class Base(DeclarativeBase):\n"
    "    pass\n"
    "\n"
    "\n"
    "class User(Base):\n"
    '    __tablename__ = "users"\n'
    "\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "\n"
    "\n"
    "class Order(Base):\n"
    '    __tablename__ = "orders"\n'
    "\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
)
# Only the rules these tests are about: others may look at the same code.
OURS = ["--select", "ASY,DBS103,PIN102"]


def project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def add_noqa_cli(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    return run(capsys, "check", str(root), *OURS, "--add-noqa", *args)


class TestAddNoqa:
    def test_comments_go_on_the_reported_lines(self, tmp_path, capsys):
        root = project(tmp_path, {"app/main.py": APP})
        code, out, _ = add_noqa_cli(capsys, root)
        assert code == 0
        lines = (root / "app/main.py").read_text().splitlines()
        # Merged into the existing list; a new comment where there was none.
        assert lines[6] == "    time.sleep(1)  # noqa: E501, ASY102"
        assert lines[7] == '    x = requests.get("https://api.test/items").json()  # noqa: ASY101'
        assert "Added 2 noqa directives." in out
        assert "Left 1 finding(s) as they are" in out

    def test_refused_where_the_line_ends_inside_a_string(self, tmp_path, capsys):
        root = project(tmp_path, {"app/main.py": APP})
        _, _, err = add_noqa_cli(capsys, root)
        assert "app/main.py:9: ASY102 left as is: line 9 ends inside a multi-line string" in err
        lines = (root / "app/main.py").read_text().splitlines()
        assert lines[8:11] == APP.splitlines()[8:11]

    def test_a_second_run_adds_nothing_and_the_check_is_quiet(self, tmp_path, capsys):
        root = project(tmp_path, {"app/main.py": APP.replace("time.sleep(2); ", "")})
        add_noqa_cli(capsys, root)
        first = (root / "app/main.py").read_bytes()
        code, out, _ = add_noqa_cli(capsys, root)
        assert (code, (root / "app/main.py").read_bytes()) == (0, first)
        assert "Added 0 noqa directives." in out
        code, out, _ = run(capsys, "check", str(root), *OURS)
        assert code == 0, out
        assert "No problems found" in out

    def test_one_decision_is_suppressed_at_every_place(self, tmp_path, capsys):
        # The scan reports one plural table name and lists the other in its detail.
        root = project(tmp_path, {"app/models.py": MODELS})
        code, out, _ = add_noqa_cli(capsys, root)
        assert code == 0
        text = (root / "app/models.py").read_text()
        assert '"users"  # noqa: DBS103' in text
        assert '"orders"  # noqa: DBS103' in text
        assert "Added 2 noqa directives." in out
        assert run(capsys, "check", str(root), *OURS)[0] == 0

    def test_findings_outside_python_are_skipped_and_counted(self, tmp_path, capsys):
        pyproject = '[project]\nname = "shop"\ndependencies = ["fastapi==0.60.0"]\n'
        root = project(tmp_path, {"pyproject.toml": pyproject, "app/models.py": MODELS})
        code, out, _ = add_noqa_cli(capsys, root)
        assert code == 0
        assert (root / "pyproject.toml").read_text() == pyproject
        assert "Skipped 1 finding(s) that no `# noqa` comment suppresses" in out

    def test_only_what_the_check_reports(self, tmp_path, capsys):
        # Baselined findings are not reported, so they get no comment.
        root = project(tmp_path, {"app/main.py": APP})
        assert run(capsys, "baseline", str(root))[0] == 0
        (root / "app/other.py").write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
        code, out, _ = add_noqa_cli(capsys, root)
        assert code == 0
        assert "Added 1 noqa directive." in out
        assert (root / "app/main.py").read_text() == APP
        assert "time.sleep(1)  # noqa: ASY102" in (root / "app/other.py").read_text()

    def test_cannot_be_combined_with_fix(self, tmp_path, capsys):
        root = project(tmp_path, {"app/main.py": APP})
        code, _, err = add_noqa_cli(capsys, root, "--fix")
        assert code == 2
        assert "--add-noqa cannot be used with --fix" in err
        assert (root / "app/main.py").read_text() == APP

    def test_a_file_changed_since_the_scan_is_not_written(self, tmp_path):
        root = project(tmp_path, {"app/main.py": APP})
        result = scan(root, Config(), use_cache=False)
        (root / "app/main.py").write_text(APP + "# edited\n", encoding="utf-8")
        report = add_noqa_comments(result, result.findings)
        assert report.added == 0
        assert report.errors == ["app/main.py: changed on disk since it was scanned; rescan first"]
        assert (root / "app/main.py").read_text() == APP + "# edited\n"


class TestSessionSuppression:
    """The auditor's `i` key: a comment only where the engine reads comments."""

    def project(self, tmp_path: Path) -> Path:
        (tmp_path / "app").mkdir()
        (tmp_path / "app" / "main.py").write_text(
            "from fastapi import FastAPI\n\napp = FastAPI()\n", encoding="utf-8"
        )
        return tmp_path

    def test_a_finding_of_the_files_walk_gets_a_comment(self, tmp_path: Path) -> None:
        from fastaudit.fixes.journal import Journal
        from fastaudit.fixes.session import AuditSession

        result = scan(self.project(tmp_path), use_cache=False)
        finding = next(f for f in result.findings if f.rule == "SET103")
        plan = AuditSession(result, Journal.load(tmp_path)).plan_suppression(finding)
        assert plan.changes[0].new.endswith(b"app = FastAPI()  # noqa: SET103\n")

    def test_a_project_rules_finding_on_a_python_line_gets_a_comment(self, tmp_path: Path) -> None:
        """A blocking call reached through another module (ASY108, settled across
        files): the comment goes on the call, and the rescan no longer reports it."""
        from fastaudit.fixes.journal import Journal
        from fastaudit.fixes.session import AuditSession

        root = project(tmp_path, BLOCKING_CHAIN)
        result = scan(root, Config(select=["ASY108"]), use_cache=False)
        [finding] = result.findings
        assert finding.rule == "ASY108" and finding.span.line == 10
        session = AuditSession(result, Journal.load(root))
        plan = session.plan_suppression(finding)
        assert plan.changes[0].new.endswith(b"    return fetch()  # noqa: ASY108\n")
        session.apply(plan)
        assert scan(root, Config(select=["ASY108"]), use_cache=False).findings == []

    def test_a_finding_in_a_file_that_does_not_parse_is_refused_with_where_to_ignore_it(
        self, tmp_path: Path
    ) -> None:
        from fastaudit.fixes.journal import Journal
        from fastaudit.fixes.session import AuditSession

        root = self.project(tmp_path)
        (root / "app" / "broken.py").write_text("def f(:\n", encoding="utf-8")
        result = scan(root, use_cache=False)
        broken = next(f for f in result.findings if f.path == "app/broken.py")
        session = AuditSession(result, Journal.load(tmp_path))
        with pytest.raises(FixError, match=r"does not parse.*per-file-ignores"):
            session.plan_suppression(broken)


# A sync HTTP call two modules away from the async route that makes it (ASY108).
BLOCKING_CHAIN = {
    "pyproject.toml": (
        '[project]\nname = "shop"\nversion = "0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["fastapi>=0.115", "requests>=2.32"]\n'
    ),
    "app/__init__.py": "",
    "app/client.py": (
        'import requests\n\n\ndef fetch():\n    return requests.get("https://x.test")\n'
    ),
    "app/main.py": (
        "from fastapi import FastAPI\n\nfrom app.client import fetch\n\napp = FastAPI()\n"
        '\n\n@app.get("/")\nasync def index():\n    return fetch()\n'
    ),
}


def test_add_noqa_comments_a_project_rules_finding_too(tmp_path, capsys):
    root = project(tmp_path, BLOCKING_CHAIN)
    code, _, _ = run(capsys, "check", str(root), "--select", "ASY108", "--add-noqa")
    assert code == 0
    assert (root / "app/main.py").read_text().endswith("    return fetch()  # noqa: ASY108\n")
    code, out, _ = run(capsys, "check", str(root), "--select", "ASY108", "--no-cache")
    assert code == 0, out


def test_project_rules_findings_obey_the_files_comments(tmp_path):
    """``# noqa`` with the id, a bare ``# noqa``, another rule's id (no effect) and
    ``skip-file``, on findings a project rule reports on Python lines."""
    root = project(tmp_path, BLOCKING_CHAIN)
    main_py = root / "app/main.py"

    def lines(comment: str, tail: str = "") -> list[int]:
        main_py.write_text(
            BLOCKING_CHAIN["app/main.py"].replace("fetch()\n", f"fetch(){comment}\n") + tail
        )
        found = scan(root, Config(select=["ASY108"]), use_cache=False).findings
        return [f.span.line for f in found]

    assert lines("") == [10]
    assert lines("  # noqa: ASY108") == []
    assert lines("  # noqa") == []
    assert lines("  # noqa: ASY101") == [10]
    assert lines("", "# fastaudit: skip-file\n") == []


PEER_SILENCED = """\
import asyncio
import time


async def notify(send):
    asyncio.create_task(send())  # noqa: RUF006 -- kept elsewhere
    time.sleep(0.1)  # noqa: ASYNC251
    time.sleep(0.2)  # noqa: E501
    asyncio.ensure_future(send())
"""


def test_a_noqa_written_for_a_peer_code_silences_our_rule_for_it() -> None:
    """``# noqa: RUF006`` (ruff) covers ASY111 and ``# noqa: ASYNC251`` covers ASY102,
    the rules that name those codes as peers; an unrelated code (E501) covers nothing."""
    found = check_source(PEER_SILENCED, "app/jobs.py", ["ASY102", "ASY111"])
    assert sorted((f.rule, f.line) for f in found) == [("ASY102", 8), ("ASY111", 9)]

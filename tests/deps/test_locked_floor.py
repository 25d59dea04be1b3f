"""PIN101 when the lock already installs the minimum: what runs is right, and only an
install without the lock (a user's ``pip install`` of a published package) can get an
older release. Seen on real code: mealie's poetry.lock, polar's and prefect's uv.lock,
and uv workspaces whose root lock covers a member's pyproject (chainlit)."""

from __future__ import annotations

from fastaudit.model import Safety, Severity

PYPROJECT = """
[project]
name = "shop"
version = "1"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.100", "pydantic>=2.7"]
"""


def lock(version: str) -> str:
    return f"""
    version = 1

    [[package]]
    name = "fastapi"
    version = "{version}"

    [[package]]
    name = "pydantic"
    version = "2.9.2"
    """


def pin101(project):
    [finding] = [f for f in project.scan().findings if f.rule == "PIN101"]
    return finding


def test_a_lock_at_the_minimum_makes_the_range_information(project) -> None:
    project.write({"pyproject.toml": PYPROJECT, "uv.lock": lock("0.115.6")})
    finding = pin101(project)
    assert finding.severity is Severity.INFO
    assert finding.message == (
        "`fastapi>=0.100` admits 0.100.0, below the minimum 0.115; uv.lock installs 0.115.6, "
        "so only an install without the lock gets an older release"
    )
    # The fix raises the floor to what the lock installs anyway; unsafe, as any edit of
    # a file a checked lock is made from.
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.startswith("uv.lock no longer matches this file")
    assert project.fix() == {}
    fixed = PYPROJECT.lstrip("\n").replace("0.100", "0.115")
    assert project.fix(unsafe=True) == {"pyproject.toml": fixed}


def test_a_lock_below_the_minimum_leaves_the_warning(project) -> None:
    project.write({"pyproject.toml": PYPROJECT, "uv.lock": lock("0.110.0")})
    finding = pin101(project)
    assert finding.severity is Severity.WARNING
    assert finding.message == "`fastapi>=0.100` admits 0.100.0, below the minimum 0.115"


def test_a_uv_workspace_lock_speaks_for_its_members(project) -> None:
    project.write(
        {
            "pyproject.toml": """
            [project]
            name = "mono"
            version = "1"
            requires-python = ">=3.11"

            [tool.uv.workspace]
            members = ["services/*"]
            exclude = ["services/legacy"]
            """,
            "uv.lock": lock("0.115.6"),
            "services/api/pyproject.toml": PYPROJECT,
            "services/legacy/pyproject.toml": PYPROJECT,
        }
    )
    findings = {f.path: f for f in project.scan().findings if f.rule == "PIN101"}
    member = findings["services/api/pyproject.toml"]
    assert member.severity is Severity.INFO
    assert "uv.lock installs 0.115.6" in member.message
    # The root lock is made from the member too: raising its floor leaves it stale.
    assert member.fix.safety is Safety.UNSAFE
    assert member.fix.note.startswith("uv.lock no longer matches this file")
    # Excluded from the workspace: the root lock does not install it.
    assert findings["services/legacy/pyproject.toml"].severity is Severity.WARNING


def test_a_lock_of_another_folder_says_nothing(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "tools/uv.lock": lock("0.115.6"),
            "tools/pyproject.toml": PYPROJECT.replace('"shop"', '"tools"'),
        }
    )
    findings = {f.path: f for f in project.scan().findings if f.rule == "PIN101"}
    assert findings["pyproject.toml"].severity is Severity.WARNING
    assert findings["tools/pyproject.toml"].severity is Severity.INFO

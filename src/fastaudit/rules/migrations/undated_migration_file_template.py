"""MIG101: `alembic.ini` without a dated, slugged `file_template`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastaudit.model import Edit, Finding, Fix, Safety, Severity
from fastaudit.rules._support.config_files import read_ini
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView


# The time and the revision id keep two migrations written on one day (with the same
# message, even) from being given the same file name.
DATED_TEMPLATE = "%%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
_DATE_PARTS = ("year", "month", "day")


def _is_dated(template: str) -> bool:
    """Whether revision files from ``template`` start from a date: the author's own
    dated template (with or without a slug, in any order) is left alone."""
    return "(epoch)" in template or all(f"({part})" in template for part in _DATE_PARTS)


class UndatedMigrationFileTemplate(ProjectRule):
    id = "MIG101"
    name = "undated-migration-file-template"
    title = "alembic.ini has no dated, slugged `file_template`"
    severity = Severity.INFO
    fix_safety = "Safe: only the names of revision files created from now on change."
    rationale = """
    Alembic's default revision file name is `<random id>_<slug>.py`: listing the
    `versions/` folder shows the migrations in no useful order. A `file_template` that
    starts with the date and time, keeps the revision id and ends with the message's slug
    (`2025-03-02_1430_3f2a9c1b7d4e_add_order_status.py`) sorts chronologically, says what
    each file does, and cannot give two migrations of one day the same name. A template
    you already date is left as it is. The `%%` doubling is needed because alembic.ini
    is read with interpolation.
    """
    dont = """
    [alembic]
    script_location = migrations
    """
    dont_fixed = """
    [alembic]
    script_location = migrations
    file_template = %%(year)d-%%(month).2d-%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s
    """
    dont_files = {"alembic.ini": dont}
    do_files = {"alembic.ini": dont_fixed}
    dont_fixed_files = {"alembic.ini": dont_fixed}

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        findings = []
        for path in project.other_files:
            if path.rsplit("/", 1)[-1] != "alembic.ini":
                continue
            source = project.read_text(path)
            if source is None:
                continue
            ini = read_ini(source.text)
            header = ini.sections.get("alembic")
            if header is None:
                continue
            entry = ini.get("alembic", "file_template")
            newline = source.newline
            if entry is None:
                line = header
                for key in ("script_location", "prepend_sys_path"):
                    found = ini.get("alembic", key)
                    if found is not None and found.line == line + 1:
                        line = found.line
                at = source.lines_span(line, line)[1]
                prefix = "" if source.text.endswith("\n") or not source.text else newline
                edit = Edit(at, at, f"{prefix}file_template = {DATED_TEMPLATE}{newline}")
                findings.append(
                    project.finding(
                        self,
                        path,
                        header,
                        "`[alembic]` sets no `file_template`, so revision files are named "
                        "`<revision id>_<slug>.py` and do not sort by date",
                        fix=Fix(
                            f"Add `file_template = {DATED_TEMPLATE}`",
                            Safety.SAFE,
                            (edit,),
                        ),
                    )
                )
            elif not _is_dated(entry.value):
                raw = source.line_text(entry.line)
                start = source.line_start(entry.line) + raw.index(entry.value)
                edit = Edit(start, start + len(entry.value), DATED_TEMPLATE)
                missing = [part for part in _DATE_PARTS if f"({part})" not in entry.value]
                findings.append(
                    project.finding(
                        self,
                        path,
                        entry.line,
                        f"`file_template = {entry.value}` lacks "
                        f"{', '.join(f'%%({p})' for p in missing)}: revision files should "
                        "start with the date",
                        fix=Fix(f"Use `file_template = {DATED_TEMPLATE}`", Safety.SAFE, (edit,)),
                    )
                )
        return findings

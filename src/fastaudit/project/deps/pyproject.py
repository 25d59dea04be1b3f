"""Declarations in pyproject.toml: PEP 621 ``[project]``, PEP 735 ``[dependency-groups]``,
``[build-system]``, uv and PDM dev dependencies (Poetry has its own module)."""

from __future__ import annotations

from typing import Any

from fastaudit.project.deps.common import FileReader, constraint
from fastaudit.project.deps.model import Source, Syntax
from fastaudit.project.deps.poetry import read_poetry


def read_pyproject(reader: FileReader, data: dict[str, Any]) -> None:
    project = data.get("project")
    if isinstance(project, dict):
        _strings(reader, project.get("dependencies"), ("project", "dependencies"), Source.PROJECT)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group, items in optional.items():
                path: tuple[str, ...] = ("project", "optional-dependencies", group)
                _strings(reader, items, path, Source.OPTIONAL, group)
        python = project.get("requires-python")
        if isinstance(python, str):
            path = ("project", "requires-python")
            constraint(reader, "python", python, path, Source.REQUIRES_PYTHON, Syntax.PEP440)
    _dependency_groups(reader, data.get("dependency-groups"))
    build = data.get("build-system")
    if isinstance(build, dict):
        _strings(reader, build.get("requires"), ("build-system", "requires"), Source.BUILD)
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return
    uv = tool.get("uv")
    if isinstance(uv, dict):
        path = ("tool", "uv", "dev-dependencies")
        _strings(reader, uv.get("dev-dependencies"), path, Source.UV_DEV, "dev")
    pdm = tool.get("pdm")
    if isinstance(pdm, dict) and isinstance(pdm.get("dev-dependencies"), dict):
        for group, items in pdm["dev-dependencies"].items():
            path = ("tool", "pdm", "dev-dependencies", group)
            _strings(reader, items, path, Source.PDM_DEV, group)
    poetry = tool.get("poetry")
    if isinstance(poetry, dict):
        read_poetry(reader, poetry)


def _strings(
    reader: FileReader, items: object, path: tuple[str, ...], source: Source, group: str = ""
) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        reader.problem(reader.where(path, inner=False), f"{'.'.join(path)} must be a list")
        return
    for index, item in enumerate(items):
        if not isinstance(item, str):
            continue
        if item.lstrip().startswith("-e"):
            continue  # PDM editable local install: nothing to version-check
        reader.requirement(item, (*path, index), source, group)


def _dependency_groups(reader: FileReader, groups: object) -> None:
    """PEP 735 groups. An ``{include-group = "x"}`` entry adds no declaration of its own
    (the included group's entries are declared where they are written); a missing
    group or an include cycle is reported, as installers refuse both."""
    if not isinstance(groups, dict):
        return
    includes: dict[str, list[str]] = {}
    for group, items in groups.items():
        path = ("dependency-groups", group)
        if not isinstance(items, list):
            reader.problem(
                reader.where(path, inner=False), f"dependency group {group} must be a list"
            )
            continue
        for index, item in enumerate(items):
            if isinstance(item, str):
                reader.requirement(item, (*path, index), Source.GROUP, group)
            elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
                target = item["include-group"]
                includes.setdefault(group, []).append(target)
                if target not in groups:
                    where = reader.where((*path, index, "include-group"))
                    reader.problem(
                        where, f"dependency group {group} includes unknown group {target}"
                    )
    for start in includes:
        if _cycle(start, includes):
            where = reader.where(("dependency-groups", start), inner=False)
            reader.problem(
                where, f"dependency group {start} includes itself (through include-group)"
            )


def _cycle(start: str, includes: dict[str, list[str]]) -> bool:
    seen: set[str] = set()
    stack = list(includes.get(start, []))
    while stack:
        group = stack.pop()
        if group == start:
            return True
        if group not in seen:
            seen.add(group)
            stack.extend(includes.get(group, []))
    return False

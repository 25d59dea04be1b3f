"""Fixes for declarations: raise a lower bound, or put another package in its place.

Every fix is computed on the declaration's own text (a requirement string's content, a
Poetry constraint, a requirements-file line), checked the way its tool will read it
(``packaging`` for requirements, ``tomllib`` for TOML with the edited value read back),
and turned into the smallest character edit. Lock files are never edited: the note says
which command refreshes them.
"""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING, Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fastaudit.model import Edit, Fix, Safety
from fastaudit.project.deps.model import Declaration, Syntax
from fastaudit.project.deps.raising import raise_to
from fastaudit.project.deps.specs import like
from fastaudit.project.text_edits import lines_around, minimal_edit

if TYPE_CHECKING:
    from fastaudit.project.files import ProjectFiles

_TOML_NAMES = ("pyproject.toml", "Pipfile")


def refresh_note(commands: list[str]) -> str:
    if not commands:
        return ""
    shown = " and ".join(f"`{c}`" for c in commands)
    return f"then run {shown} to refresh the lock"


# Locks that record what they were made from and refuse (or redo) an install once the
# declaring file changes under them. A pip-compile output does not: it stays installable.
_CHECKED_LOCKS = {
    "uv lock": "uv.lock no longer matches this file: `uv sync --locked` fails, and "
    "`uv sync` resolves again, until `uv lock` runs",
    "poetry lock": "poetry.lock records a hash of this file: `poetry install` refuses the "
    "stale lock until `poetry lock` runs",
    "pdm lock": "pdm.lock records a hash of this file: `pdm install` reports it outdated "
    "until `pdm lock` runs",
    "pipenv lock": "Pipfile.lock records a hash of the Pipfile: `pipenv install --deploy` "
    "fails until `pipenv lock` runs",
}


def stale_lock_reason(commands: list[str]) -> str:
    """Why editing a declaring file is not safe on its own: a lock made from it that
    checks it (empty when none does). Seen on real code: a raised floor in mealie's
    pyproject left poetry.lock stale, and `poetry install` in its CI stopped."""
    return "; ".join(_CHECKED_LOCKS[c] for c in commands if c in _CHECKED_LOCKS)


def new_spec(minimum: Version | None, exact: bool) -> str:
    """The version part of a requirement fastaudit writes: ``>=2.9``, or ``==2.9.0``
    in a file that pins exactly."""
    if minimum is None:
        return ""
    return f"=={like(minimum, '0.0.0')}" if exact else f">={minimum}"


def pins_exactly(declarations: list[Declaration], file: str) -> bool:
    """Whether most requirement strings of ``file`` pin one version with ``==``."""
    written = [
        d
        for d in declarations
        if d.where.file == file and d.syntax is Syntax.PEP508 and d.checkable
    ]
    exact = sum(1 for d in written if re.match(r"\s*===?\s*[^,*]+$", d.spec_text))
    return exact * 2 > len(written)


_HASH = re.compile(r"(?:^|\s)--hash[=\s]", re.MULTILINE)


def hash_pinned(view: ProjectFiles, declaration: Declaration) -> bool:
    """A requirement with ``--hash`` options (on its line or the continuation lines
    after it): an edit would leave the hashes describing other files, so pip refuses
    the install. Such a file is re-locked (``pip-compile --generate-hashes``), not
    edited by hand."""
    where = declaration.where
    if where.file.rsplit("/", 1)[-1] in _TOML_NAMES or where.start < 0:
        return False
    source = view.read_text(where.file)
    if source is None:
        return False
    text, position = source.text, where.end
    while True:
        newline = text.find("\n", position)
        line = text[position : len(text) if newline < 0 else newline].rstrip("\r")
        if _HASH.search(line):
            return True
        if newline < 0 or not line.endswith("\\"):
            return False
        position = newline + 1


def _hashes_anywhere(view: ProjectFiles, file: str) -> bool:
    """pip checks every requirement of a file against hashes once one has them: a new,
    unhashed line there fails the whole install."""
    source = view.read_text(file)
    return source is not None and _HASH.search(source.text) is not None


HASH_NOTE = (
    "not fixed in place: the file pins with `--hash`, which an edit would leave out of "
    "step; re-lock it instead (e.g. `pip-compile --generate-hashes`)"
)

_TOML_COMMENT = re.compile(r"^[\"']?[ \t]*,?[ \t]*#[ \t]*(?P<text>[^\r\n]*)")
_REQ_COMMENT = re.compile(r"(?:^|[ \t])#[ \t]*(?P<text>[^\r\n]*)")
_COMMENT_LINE = re.compile(r"^[ \t]*#[ \t]*(?P<text>[^\r\n]*?)[ \t]*\r?$")


def line_comment(view: ProjectFiles, declaration: Declaration) -> str:
    """The comment that goes with a declaration: at the end of its line, or else a
    single comment line just above it ("" when there is none)."""
    where = declaration.where
    source = view.read_text(where.file)
    if source is None or where.start < 0:
        return ""
    text = source.text
    newline = text.find("\n", where.end)
    rest = text[where.end : len(text) if newline < 0 else newline]
    pattern = _TOML_COMMENT if where.file.rsplit("/", 1)[-1] in _TOML_NAMES else _REQ_COMMENT
    found = pattern.search(rest) if pattern is _REQ_COMMENT else pattern.match(rest)
    if found is not None and found.group("text").strip():
        return found.group("text").strip()
    # A comment line of its own right above counts when it stands alone: not the
    # file's opening lines, not the end of a longer comment block (a heading).
    line_start = text.rfind("\n", 0, where.start) + 1
    if line_start == 0:
        return ""
    above_start = text.rfind("\n", 0, line_start - 1) + 1
    above = _COMMENT_LINE.match(text[above_start : line_start - 1])
    if above is None or above_start == 0:
        return ""
    before_start = text.rfind("\n", 0, above_start - 1) + 1
    if _COMMENT_LINE.match(text[before_start : above_start - 1]):
        return ""
    return above.group("text").strip()


def raise_fix(
    view: ProjectFiles, declaration: Declaration, minimum: Version, commands: list[str]
) -> Fix | None:
    """Raise the declaration's lower bound to ``minimum``, keeping everything else."""
    if not (declaration.editable and declaration.checkable) or hash_pinned(view, declaration):
        return None
    text = declaration.text
    if declaration.syntax is Syntax.PEP508:
        # Here, not at the top: requirement parsing loads a third of ``packaging``, and
        # a run that fixes nothing (a warm check) never needs it.
        from packaging.requirements import InvalidRequirement, Requirement

        from fastaudit.project.deps.pep508 import split

        try:
            parts = split(text)
        except InvalidRequirement:
            return None
        if parts.requirement.url is not None:
            return None
        raised = raise_to(text[parts.spec_start : parts.spec_end], Syntax.PEP440, minimum)
        if raised is None:
            return None
        new_text = text[: parts.spec_start] + raised.text + text[parts.spec_end :]
        try:
            new_req = Requirement(new_text)
        except InvalidRequirement:
            return None
        old_req = parts.requirement
        if (new_req.name, new_req.extras, str(new_req.marker)) != (
            old_req.name,
            old_req.extras,
            str(old_req.marker),
        ) or new_req.specifier != SpecifierSet(raised.text):
            return None
    elif declaration.syntax is Syntax.VERSION:
        raised = raise_to(text, Syntax.VERSION, minimum)
        if raised is None:
            return None
        new_text = str(minimum)
        raised = type(raised)(
            new_text, f"selects Python {minimum} instead of {text}: install it before switching"
        )
    else:
        raised = raise_to(text, declaration.syntax, minimum)
        if raised is None:
            return None
        new_text = raised.text
    edit = _replace(view, declaration, new_text)
    if edit is None:
        return None
    reason = raised.unsafe_reason
    if raised.upper_moved and (comment := line_comment(view, declaration)):
        # A cap with a comment is deliberate: the fix must not pass over it in silence.
        reason = "; ".join(
            p for p in (reason or "moves the upper bound", f'its comment says "{comment}"') if p
        )
    reason = "; ".join(p for p in (reason, stale_lock_reason(commands)) if p)
    # A checked lock's reason already names its command.
    unchecked = [c for c in commands if c not in _CHECKED_LOCKS]
    note = "; ".join(p for p in (reason, refresh_note(unchecked)) if p)
    return Fix(
        description=f"raise to `{_shown(declaration, new_text)}`",
        safety=Safety.UNSAFE if reason else Safety.SAFE,
        edits=(edit,),
        note=note,
    )


def swap_fix(
    view: ProjectFiles,
    declaration: Declaration,
    successor: str,
    minimum: Version | None,
    note: str,
    exact: bool = False,
) -> Fix | None:
    """Put ``successor`` (``"sqlalchemy[asyncio]"``) in place of the declared package,
    at ``minimum`` when there is one, keeping the declaration's marker. Always unsafe:
    the code that imports the old package needs its own change. ``exact``: write
    ``==X.Y.Z`` like the file's other requirements (see :func:`pins_exactly`)."""
    if not declaration.editable or declaration.where.start < 0:
        return None
    if hash_pinned(view, declaration):
        return None
    name, _, extras = successor.partition("[")
    extras = extras.rstrip("]")
    if declaration.syntax is Syntax.PEP508:
        new_text = _renamed(declaration.text, successor, minimum, exact)
        if new_text is None:
            return None
        edit = _replace(view, declaration, new_text)
        edits: tuple[Edit, ...] = (edit,) if edit is not None else ()
    else:
        edits = _swap_entry(view, declaration, name, extras, minimum)
    if not edits:
        return None
    return Fix(
        description=f"declare {successor} instead of {declaration.written_name}",
        safety=Safety.UNSAFE,
        edits=tuple(edits),
        note=note,
    )


# What may stand around a declaration for its whole line to be removable.
_TOML_BEFORE = re.compile(r"^[ \t]*[\"']$")
_TOML_AFTER = re.compile(r"^[\"'][ \t]*,?[ \t]*(#[^\n]*)?\r?\n?$")
_REQ_BEFORE = re.compile(r"^[ \t]*$")
_REQ_AFTER = re.compile(r"^[ \t]*(#[^\n]*)?\r?\n?$")


def remove_fix(view: ProjectFiles, declaration: Declaration, note: str) -> Fix | None:
    """Delete a declaration (its successor is declared, or nothing uses it): the whole
    line of a requirements file, the array element on a line of its own in TOML, or a
    Poetry / Pipfile ``name = ...`` entry on a line of its own. Unsafe, like the swap:
    a package stops being installed."""
    if declaration.key is not None and declaration.value is not None:
        return _remove_entry(view, declaration, note)
    where = declaration.where
    if declaration.syntax is not Syntax.PEP508 or not declaration.editable or where.start < 0:
        return None
    source = view.read_text(where.file)
    if source is None or source.text[where.start : where.end] != declaration.text:
        return None
    text = source.text
    line_start, line_end, before, after = lines_around(text, where.start, where.end)
    is_toml = where.file.rsplit("/", 1)[-1] in _TOML_NAMES
    if is_toml:
        if not (_TOML_BEFORE.match(before) and _TOML_AFTER.match(after)):
            return None  # shares its line with other elements: leave it to a person
        if not _toml_ok(where.file, text[:line_start] + text[line_end:]):
            return None
    elif not (_REQ_BEFORE.match(before) and _REQ_AFTER.match(after)):
        return None
    return _line_removal(declaration, line_start, line_end, note)


def _line_removal(declaration: Declaration, start: int, end: int, note: str) -> Fix:
    """Take the declaration's whole line out; unsafe, as code may still need it."""
    return Fix(
        description=f"remove {declaration.written_name}",
        safety=Safety.UNSAFE,
        edits=(Edit(start, end, ""),),
        note=note,
    )


def _remove_entry(view: ProjectFiles, declaration: Declaration, note: str) -> Fix | None:
    """``databases = "^0.6.1"`` (or an inline table) alone on its line goes, line and all."""
    key, value = declaration.key, declaration.value
    if key is None or value is None or key.start < 0 or value.start < 0:
        return None
    source = view.read_text(declaration.where.file)
    if source is None:
        return None
    text = source.text
    line_start, line_end, before, after = lines_around(text, key.start, value.end)
    if "\n" in text[key.start : value.end] or not (
        _REQ_BEFORE.match(before) and _REQ_AFTER.match(after)
    ):
        return None  # spread over lines or sharing one: leave it to a person
    if not _toml_ok(declaration.where.file, text[:line_start] + text[line_end:]):
        return None
    return _line_removal(declaration, line_start, line_end, note)


def add_fix(
    view: ProjectFiles,
    declaration: Declaration,
    successor: str,
    minimum: Version | None,
    note: str,
    exact: bool = False,
) -> Fix | None:
    """Declare ``successor`` just before ``declaration``, which stays: the code still
    imports the old package, so removing it now would break that code. Only requirement
    strings (requirements files, PEP 621 / dependency-group arrays); never in a file that
    pins with ``--hash`` (an unhashed line there fails the whole install)."""
    where = declaration.where
    if declaration.syntax is not Syntax.PEP508 or not declaration.editable or where.start < 0:
        return None
    source = view.read_text(where.file)
    if source is None or source.text[where.start : where.end] != declaration.text:
        return None
    new_req = _renamed(declaration.text, successor, minimum, exact)
    if new_req is None:
        return None
    text = source.text
    eol = "\r\n" if "\r\n" in text else "\n"
    line_start = text.rfind("\n", 0, where.start) + 1
    before = text[line_start : where.start]
    if where.file.rsplit("/", 1)[-1] in _TOML_NAMES:
        quote = text[where.start - 1] if where.start > 0 else ""
        if quote not in ("'", '"') or not declaration.toml_path:
            return None
        if _TOML_BEFORE.match(before):  # an element on a line of its own: a line before it
            edit = Edit(line_start, line_start, f"{before}{new_req}{quote},{eol}")
        else:  # among others on one line: an element before it
            edit = Edit(where.start - 1, where.start - 1, f"{quote}{new_req}{quote}, ")
        new_text = text[: edit.start] + edit.text + text[edit.end :]
        if not _toml_ok(where.file, new_text):
            return None
        array: Any = tomllib.loads(new_text)  # any shape: a wrong one raises, caught below
        *parent, index = declaration.toml_path
        for key in parent:
            try:
                array = array[key]
            except (KeyError, IndexError, TypeError):
                return None
        if not isinstance(index, int) or not isinstance(array, list):
            return None
        if array[index : index + 2] != [new_req, declaration.text]:
            return None
    else:
        if _hashes_anywhere(view, where.file):
            return None
        previous = text[: max(line_start - 1, 0)].rstrip("\r")
        if not _REQ_BEFORE.match(before) or previous.endswith("\\"):
            return None
        edit = Edit(line_start, line_start, f"{before}{new_req}{eol}")
    return Fix(
        description=f"declare {successor} next to {declaration.written_name}",
        safety=Safety.UNSAFE,
        edits=(edit,),
        note=note,
    )


def _renamed(requirement: str, successor: str, minimum: Version | None, exact: bool) -> str | None:
    """``requirement`` naming ``successor`` instead, with the new version spec and the
    rest (extras position, markers, comments) kept; None when it cannot be built."""
    from packaging.requirements import InvalidRequirement, Requirement

    from fastaudit.project.deps.pep508 import split

    try:
        parts = split(requirement)
    except InvalidRequirement:
        return None
    end = parts.spec_end if parts.requirement.url is None else parts.marker_start
    renamed = (
        requirement[: parts.name_start] + successor + new_spec(minimum, exact) + requirement[end:]
    )
    try:
        Requirement(renamed)
    except InvalidRequirement:
        return None
    return renamed


def _swap_entry(
    view: ProjectFiles, declaration: Declaration, name: str, extras: str, minimum: Version | None
) -> tuple[Edit, ...]:
    """``python-jose = {version = "^3.3", extras = [...]}`` -> ``pyjwt = "^2.9.0"``."""
    key, value = declaration.key, declaration.value
    if key is None or value is None or key.start < 0 or value.start < 0:
        return ()
    source = view.read_text(declaration.where.file)
    if source is None:
        return ()
    if minimum is None:
        version = "*"
    elif declaration.syntax is Syntax.POETRY:
        version = f"^{like(minimum, '0.0.0')}"
    else:
        version = f">={minimum}"
    new_value = f'"{version}"'
    if extras:
        new_value = f'{{ version = "{version}", extras = ["{extras}"] }}'
    old = source.text
    new = old[: key.start] + name + old[key.end : value.start] + new_value + old[value.end :]
    if not _toml_ok(declaration.where.file, new):
        return ()
    first = minimal_edit(old[key.start : key.end], name)
    second = minimal_edit(old[value.start : value.end], new_value)
    return (
        Edit(first.start + key.start, first.end + key.start, first.text),
        Edit(second.start + value.start, second.end + value.start, second.text),
    )


def _replace(view: ProjectFiles, declaration: Declaration, new_text: str) -> Edit | None:
    """The smallest edit turning the declaration's text into ``new_text``, after checking
    that the file still holds that text where the parser found it, and (for TOML) that
    the edited document parses and holds exactly ``new_text`` at the same key."""
    where = declaration.where
    source = view.read_text(where.file)
    if (
        source is None
        or where.start < 0
        or source.text[where.start : where.end] != declaration.text
    ):
        return None
    new_file = source.text[: where.start] + new_text + source.text[where.end :]
    if where.file.rsplit("/", 1)[-1] in _TOML_NAMES:
        if not declaration.toml_path:
            return None
        try:
            value: Any = tomllib.loads(new_file)  # any shape: a wrong one raises, caught below
        except tomllib.TOMLDecodeError:
            return None
        for key in declaration.toml_path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return None
        if value != new_text:
            return None
    edit = minimal_edit(declaration.text, new_text)
    return Edit(edit.start + where.start, edit.end + where.start, edit.text)


def _toml_ok(path: str, text: str) -> bool:
    if path.rsplit("/", 1)[-1] not in _TOML_NAMES:
        return True
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _shown(declaration: Declaration, new_text: str) -> str:
    """The declaration as it reads after the fix."""
    from dataclasses import replace

    return replace(declaration, text=new_text).display

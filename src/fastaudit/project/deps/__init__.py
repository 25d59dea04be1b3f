"""Dependency declarations and locks of a project, read from every format Python
projects use, and the compatibility matrix they are checked against.

The names below load with their modules on first use (PEP 562): the parsers and
``packaging``'s requirement and marker grammars are a fifth of a warm check's start-up,
and a run whose dependency files are all known by content (a warm check) needs none of
them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastaudit.project.deps.matrix import Matrix, load_matrix
    from fastaudit.project.deps.model import (
        Declaration,
        DependencySet,
        Locked,
        Problem,
        Source,
        Syntax,
        Where,
        normalize,
    )

# Each name, and the module holding it. ``collect`` is imported from its module
# (``deps.collect``), where it is used: the package's attribute of that name is the
# module once it is loaded.
_HOMES = {
    "Matrix": "matrix",
    "load_matrix": "matrix",
    **dict.fromkeys(
        (
            "Declaration",
            "DependencySet",
            "Locked",
            "Problem",
            "Source",
            "Syntax",
            "Where",
            "normalize",
        ),
        "model",
    ),
}

__all__ = [
    "Declaration",
    "DependencySet",
    "Locked",
    "Matrix",
    "Problem",
    "Source",
    "Syntax",
    "Where",
    "load_matrix",
    "normalize",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)

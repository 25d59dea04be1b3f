"""Dependency declarations and locks of a project, read from every format Python
projects use, and the compatibility matrix they are checked against."""

from fastaudit.project.deps.collect import collect
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

__all__ = [
    "Declaration",
    "DependencySet",
    "Locked",
    "Matrix",
    "Problem",
    "Source",
    "Syntax",
    "Where",
    "collect",
    "load_matrix",
    "normalize",
]

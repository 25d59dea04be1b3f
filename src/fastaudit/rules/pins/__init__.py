"""PIN: dependency declarations and locks against the compatibility matrix.

Every format a Python project uses is read (see :mod:`fastaudit.project.deps`); each
finding points at the exact file and line of the declaration, lock entry or import it is
about. Fixes raise a lower bound in place, keeping everything else as written; lock files
are never edited, the fix note names the command that refreshes them.
"""

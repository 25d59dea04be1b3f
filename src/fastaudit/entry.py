"""The ``fastaudit`` command's entry point (``[project.scripts]``, ``python -m fastaudit``).

A module of its own so that it runs before the command-line interface is imported: the
cyclic garbage collector is paused while the ~400 modules load (they create many objects
and no garbage), and what they created is then frozen out of every later collection
(``gc.freeze``): a few milliseconds of a one-file check's ~140.
"""

from __future__ import annotations

import gc
from typing import NoReturn


def run() -> NoReturn:
    gc.disable()
    from fastaudit.cli import run as run_cli

    gc.freeze()
    gc.enable()
    run_cli()

"""Build hook: with ``FASTAUDIT_COMPILE=1``, the modules ``pyproject.toml`` lists under
``[tool.fastaudit-build] compiled`` are compiled with mypyc into C extensions, as black
and mypy ship theirs. Everything else about the package is in ``pyproject.toml``.

    FASTAUDIT_COMPILE=1 pip install .      # needs a C compiler; mypy is fetched to build

Without the variable (and in ``make setup``'s editable install) the package is pure
Python. A compiled module shadows its source: rebuild after editing it, and do not
compile into an editable install (the extension would go on running the old code).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    config = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    return [f"src/{module}" for module in config["tool"]["fastaudit-build"]["compiled"]]


if os.environ.get("FASTAUDIT_COMPILE") == "1":
    try:
        from mypyc.build import mypycify
    except ImportError:
        # The build's first step asks what it needs before anything is installed: mypy,
        # which brings mypyc. The build itself then runs this file again.
        setup(setup_requires=["mypy>=2.0"])
    else:
        setup(ext_modules=mypycify(compiled_modules(), opt_level="3", group_name="fastaudit"))
else:
    setup()

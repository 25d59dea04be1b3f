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

HERE = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """The modules a compiled build compiles, as paths under ``src/``
    (``benchmarks/compiled_probe.py`` reads them here too)."""
    config = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    modules: list[str] = config["tool"]["fastaudit-build"]["compiled"]
    return modules


def main() -> None:
    from setuptools import setup

    if os.environ.get("FASTAUDIT_COMPILE") != "1":
        setup()
        return
    try:
        from mypyc.build import mypycify
    except ImportError:
        # The build's first step asks what it needs before anything is installed: mypy,
        # which brings mypyc. The build itself then runs this file again.
        setup(setup_requires=["mypy>=2.0"])
        return
    sources = [f"src/{module}" for module in compiled_modules()]
    setup(ext_modules=mypycify(sources, opt_level="3", group_name="fastaudit"))


if __name__ == "__main__":  # as setuptools runs it (``build_meta.run_setup``)
    main()

"""PIN107 and PEP 723: a script's ``# /// script`` block declares what it imports, and
what the modules beside it that it imports need."""

from __future__ import annotations

from fastaudit.rules._support.dep_scripts import script_dependencies

PYPROJECT = """
[project]
name = "shop"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.115"]
"""

TOOL = '''\
#!/usr/bin/env -S uv run --script
# /// script
# requires-python = ">=3.12"
# dependencies = [
#     "typer>=0.12",
#     "Rich[jupyter]>=13",  # extras and comments are fine
# ]
# ///
"""Maintenance commands."""

import typer
from rich.console import Console

from helpers import banner

app = typer.Typer()
'''

HELPERS = """\
from rich.panel import Panel

from styles import theme  # a module beside the script, imported through this one


def banner(text: str) -> Panel:
    return Panel(text)
"""


def undeclared(project) -> list[tuple[str, int]]:
    return [(path, line) for rule, path, line in project.findings("PIN107") if rule == "PIN107"]


def test_script_block_declares_its_own_imports_and_its_siblings(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "app/main.py": "import fastapi\n",
            "tools/tool.py": TOOL,
            "tools/helpers.py": HELPERS,
            "tools/styles/__init__.py": "from rich.theme import Theme\n\ntheme = Theme()\n",
            # Beside the script but not imported by it: it may run anywhere, so its
            # import is still reported.
            "tools/other.py": "import rich\n",
        }
    )
    assert undeclared(project) == [("tools/other.py", 1)]


def test_modules_in_folders_below_the_script_are_under_its_block(project) -> None:
    """A dev CLI loads ``commands/*.py`` by path at run time: no import links them, yet
    they run under the script's block. A folder that is a project of its own is not."""
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "tools/tool.py": TOOL,
            "tools/helpers.py": HELPERS,
            "tools/styles/__init__.py": "theme = None\n",
            "tools/commands/deploy.py": "from rich.console import Console\n",
            "tools/plugin/pyproject.toml": '[project]\nname = "plugin"\nversion = "1"\n',
            "tools/plugin/main.py": "import rich\n",
        }
    )
    assert undeclared(project) == [("tools/plugin/main.py", 1)]


def test_a_package_the_block_does_not_name_is_still_reported(project) -> None:
    project.write(
        {
            "pyproject.toml": PYPROJECT,
            "tools/tool.py": TOOL + "import httpx\n",
            "tools/helpers.py": HELPERS,
            "tools/styles/__init__.py": "theme = None\n",
        }
    )
    assert undeclared(project) == [("tools/tool.py", 17)]


def test_a_block_broken_by_a_blank_line_declares_nothing(project) -> None:
    """Only comment lines may stand between ``# /// script`` and ``# ///``; a block broken
    by anything else is not metadata (PEP 723), so nothing is declared by it."""
    broken = TOOL.replace("# ]\n", "# ]\n\n")
    project.write({"pyproject.toml": PYPROJECT, "tools/tool.py": broken})
    assert ("tools/tool.py", 12) in undeclared(project)


def test_script_dependencies_reads_the_block_as_toml() -> None:
    assert script_dependencies(TOOL) == ("typer", "rich", "rich[jupyter]")
    assert script_dependencies("import os\n") == ()
    # Another block type is not the script's metadata.
    assert script_dependencies('# /// pyproject\n# dependencies = ["x"]\n# ///\n') == ()
    # Two script blocks are an error under PEP 723: neither is trusted.
    twice = '# /// script\n# dependencies = ["a"]\n# ///\n'
    assert script_dependencies(twice + twice) == ()
    # Not TOML, or dependencies that are not requirement strings.
    assert script_dependencies("# /// script\n# dependencies = [\n# ///\n") == ()
    assert script_dependencies("# /// script\n# dependencies = [1]\n# ///\n") == ()
    # ``#`` alone is an empty line of the block.
    assert script_dependencies('# /// script\n#\n# dependencies = ["b>=1"]\n# ///\n') == ("b",)

"""TLG101 and TLG102: legacy lint/format tools configured while ruff is absent, and their
pre-commit hooks kept where ruff is used."""

from __future__ import annotations

import textwrap

from fastaudit.audit.scan import scan
from fastaudit.config import Config
from fastaudit.project.discovery import discover
from fastaudit.rules._support.config_files import read_pre_commit_hooks

from .conftest import project_findings, write_tree


def findings(tmp_path):
    return project_findings(tmp_path, "TLG101")


PRE_COMMIT = """
    repos:
      - repo: https://github.com/psf/black-pre-commit-mirror
        rev: 24.8.0
        hooks:
          - id: black
      - repo: https://github.com/PyCQA/flake8
        rev: 7.1.1
        hooks:
          - id: flake8
            additional_dependencies:
              - flake8-bugbear==24.8.19
              - flake8-comprehensions
"""


def test_discovery_lists_tool_configs(tmp_path):
    write_tree(tmp_path, {".pre-commit-config.yaml": PRE_COMMIT, ".flake8": "[flake8]\n"})
    assert discover(tmp_path).other_files == [".flake8", ".pre-commit-config.yaml"]


def test_pre_commit_hooks_are_read_with_lines():
    hooks = read_pre_commit_hooks(textwrap.dedent(PRE_COMMIT))
    assert [(h.hook_id, h.line) for h in hooks] == [("black", 6), ("flake8", 10)]
    assert hooks[1].additional_dependencies == ("flake8-bugbear==24.8.19", "flake8-comprehensions")
    assert "PyCQA/flake8" in hooks[1].repo


def test_each_legacy_config_is_reported_with_the_ruff_equivalent(tmp_path):
    write_tree(
        tmp_path,
        {
            ".pre-commit-config.yaml": PRE_COMMIT,
            "setup.cfg": """
                [metadata]
                name = shop

                [flake8]
                max-line-length = 100
                extend-ignore = E203, W503, E501
                max-complexity = 12
            """,
        },
    )
    result = findings(tmp_path)
    assert [(f.path, f.line) for f in result] == [
        (".pre-commit-config.yaml", 5),
        (".pre-commit-config.yaml", 9),
        ("setup.cfg", 4),
    ]
    suggestion = (
        'Suggested: `[tool.ruff] line-length = 100`; `[tool.ruff.lint] select = ["E", "F", '
        '"W", "C90", "B", "C4"]`; `ignore = ["E501"]`; run `ruff format` instead of black'
    )
    assert result[0].message == (
        "black is configured here (pre-commit hook `black`) and ruff is not; ruff covers it "
        "with `ruff format`. " + suggestion
    )
    assert result[2].message.startswith(
        "flake8 is configured here (`[flake8]` in setup.cfg) and ruff is not; ruff covers it "
        'with the `"E"`, `"F"` and `"W"` rules.'
    )


def test_isort_alone_extends_ruff_defaults(tmp_path):
    write_tree(
        tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.isort]\nprofile = "black"\n'}
    )
    (finding,) = findings(tmp_path)
    assert finding.line == 4
    assert finding.message.endswith('Suggested: `[tool.ruff.lint] extend-select = ["I"]`')


def test_ruff_anywhere_above_silences(tmp_path):
    write_tree(
        tmp_path,
        {
            "ruff.toml": "line-length = 100\n",
            "services/api/pyproject.toml": "[tool.black]\nline-length = 100\n",
        },
    )
    assert findings(tmp_path) == []


def test_ruff_hook_or_dependency_silences(tmp_path):
    write_tree(
        tmp_path,
        {
            ".pre-commit-config.yaml": PRE_COMMIT
            + "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "    rev: v0.6.9\n    hooks:\n      - id: ruff\n",
        },
    )
    assert findings(tmp_path) == []
    other = tmp_path / "other"
    write_tree(
        other,
        {
            "pyproject.toml": """
                [project]
                name = "x"
                optional-dependencies = { dev = ["ruff>=0.6"] }

                [tool.black]
                line-length = 88
            """
        },
    )
    assert findings(other) == []


def test_monorepo_folders_are_judged_separately(tmp_path):
    write_tree(
        tmp_path,
        {
            "services/a/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
            "services/b/.flake8": "[flake8]\nmax-line-length = 120\n",
        },
    )
    (finding,) = findings(tmp_path)
    assert (finding.path, finding.line) == ("services/b/.flake8", 1)
    assert "`[tool.ruff] line-length = 120`" in finding.message


WEMAKE_SETUP_CFG = """
    [flake8]
    format = wemake
    max-line-length = 88
    per-file-ignores =
        # a table mapper shadows builtins on purpose
        app/tables.py: WPS125,
    ignore =
        # calls as default arguments are how FastAPI injects dependencies
        B008,
        D, RST
        WPS306,
"""


def test_flake8_running_wemake_is_only_partly_replaced(tmp_path):
    """Seen on real code: flake8 runs wemake-python-styleguide, which ruff does not
    implement, so ruff replaces only part of it; its codes are not carried over."""
    write_tree(
        tmp_path,
        {
            "setup.cfg": WEMAKE_SETUP_CFG,
            "pyproject.toml": """
                [tool.poetry]
                name = "shop"

                [tool.poetry.dev-dependencies]
                wemake-python-styleguide = "^0.16.1"
                flake8-fixme = "^1.1"
            """,
        },
    )
    (finding,) = findings(tmp_path)
    assert (finding.path, finding.line, finding.severity.value) == ("setup.cfg", 1, "info")
    # The one-line message keeps what matters; the suggestion goes on in the detail.
    assert "only its core checks" in finding.message
    assert "not wemake-python-styleguide" in finding.message
    assert finding.detail == (
        "flake8 is configured here (`[flake8]` in setup.cfg) and ruff is not; ruff replaces "
        "only its core checks and the plugins it implements, not wemake-python-styleguide "
        "(`format = wemake`, WPS codes, declared in pyproject.toml): keep flake8 for it or "
        'drop those checks. Suggested: `[tool.ruff.lint] select = ["E", "F", "W", "FIX"]`; '
        '`ignore = ["B008", "D"]`'
    )


def test_a_plugin_ruff_lacks_among_dev_dependencies_is_named(tmp_path):
    write_tree(
        tmp_path,
        {
            ".flake8": "[flake8]\nmax-line-length = 100\n",
            "requirements-dev.txt": "flake8==7.1.1\nflake8-bugbear\ndarglint>=1.8\n",
        },
    )
    (finding,) = findings(tmp_path)
    assert "not darglint (declared in requirements-dev.txt)" in finding.message
    assert '"B"' in finding.detail  # bugbear is covered: its prefix is carried over


def test_flake8_with_only_plugins_ruff_implements_keeps_the_plain_message(tmp_path):
    write_tree(
        tmp_path,
        {
            ".flake8": "[flake8]\nselect = E,F,W,B\n",
            "requirements-dev.txt": "flake8\nflake8-bugbear\nflake8-comprehensions\n",
        },
    )
    (finding,) = findings(tmp_path)
    assert "ruff covers it with" in finding.message
    assert '"B", "C4"' in finding.message


# --------------------------------------------------------------------------- PIN111
def test_ruff_hook_revs_below_the_minimum_keep_their_style(tmp_path):
    write_tree(
        tmp_path,
        {
            ".pre-commit-config.yaml": """
                repos:
                  - repo: https://github.com/charliermarsh/ruff-pre-commit
                    rev: "0.4.2"  # old home of the hooks
                    hooks:
                      - id: ruff
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: 3e8a8703264a2f4a69428a0aa4dcb512790b2c8c  # frozen: v0.1.0
                    hooks:
                      - id: ruff-format
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.8.4
                    hooks:
                      - id: ruff
                """,
            "sub/.pre-commit-config.yaml": (
                "repos: [{repo: https://github.com/astral-sh/ruff-pre-commit, rev: v0.1.0}]\n"
            ),
        },
    )
    result = scan(tmp_path, Config(select=["PIN111"]))
    found = [f for f in result.findings if f.rule == "PIN111"]
    assert [(f.path, f.line, f.span.column) for f in found] == [(".pre-commit-config.yaml", 3, 11)]
    assert found[0].fix is not None and found[0].fix.edits[0].text == "0.6.0"
    assert any(
        "sub/.pre-commit-config.yaml:1: the ruff hook's `rev:` could not be read" in w
        for w in result.warnings
    )


# ------------------------------------------------------------------------------ TLG102
BLACK_AND_ISORT = """
    repos:
      - repo: https://github.com/psf/black-pre-commit-mirror
        rev: 24.8.0
        hooks:
          - id: black
      - repo: https://github.com/adamchainz/blacken-docs
        rev: 1.18.0
        hooks:
          - id: blacken-docs
      - repo: https://github.com/pycqa/isort
        rev: 5.13.2
        hooks:
          - id: isort
    """


def test_tlg102_ruff_configured_names_each_hook_and_proposes_the_entry(tmp_path):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n\n[tool.ruff]\n',
            ".pre-commit-config.yaml": BLACK_AND_ISORT,
        },
    )
    black, isort = project_findings(tmp_path, "TLG102")
    assert (black.span.line, isort.span.line) == (5, 13)
    assert black.message.startswith(
        "the `black` hook runs black, which `ruff format` replaces; the project already "
        "uses ruff: run it from this file"
    )
    assert "      - id: ruff\n        args: [--fix]\n      - id: ruff-format" in black.detail
    assert "    rev: v0.6.0\n" in black.detail
    assert not findings(tmp_path)  # one finding per hook, not two


def test_tlg101_carries_the_same_entry_when_ruff_is_absent(tmp_path):
    write_tree(tmp_path, {".pre-commit-config.yaml": BLACK_AND_ISORT})
    assert not project_findings(tmp_path, "TLG102")
    black, _ = findings(tmp_path)
    assert black.detail.endswith(
        "In .pre-commit-config.yaml, in its place:\n"
        "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        "    rev: v0.6.0\n"
        "    hooks:\n"
        "      - id: ruff\n"
        "        args: [--fix]\n"
        "      - id: ruff-format"
    )


def test_tlg102_takes_the_rev_of_the_ruff_entry_and_its_hook_ids(tmp_path):
    source = """
        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.12.3
            hooks:
              - id: ruff-check
          - repo: https://github.com/PyCQA/flake8
            rev: 7.1.1
            hooks:
              - id: flake8
                additional_dependencies: [flake8-bugbear, flake8-simplify]
          - repo: https://github.com/PyCQA/flake8
            rev: 7.1.1
            hooks:
              - id: flake8
                alias: wemake
                additional_dependencies:
                  - wemake-python-styleguide
        """
    write_tree(tmp_path, {".pre-commit-config.yaml": source})
    (flake8,) = project_findings(tmp_path, "TLG102")
    assert flake8.span.line == 9
    assert "the `ruff-check` hook on line 5 already runs it" in flake8.message
    assert "(select `B`, `SIM` for its plugins)" in flake8.message
    assert "    rev: v0.12.3\n    hooks:\n      - id: ruff-check\n" in flake8.detail


def test_tlg102_unreadable_yaml_is_a_warning(tmp_path):
    source = """
        repos: [{repo: "https://github.com/astral-sh/ruff-pre-commit", rev: v0.6.0,
                 hooks: [{id: ruff}]},
                {repo: "https://github.com/psf/black", rev: 24.8.0, hooks: [{id: black}]}]
        """
    write_tree(tmp_path, {".pre-commit-config.yaml": source, "ruff.toml": ""})
    result = scan(tmp_path, Config(select=["TLG102"]))
    assert not [f for f in result.findings if f.rule == "TLG102"]
    assert any(
        w.startswith(".pre-commit-config.yaml:3: the hooks of this repository could not be read")
        for w in result.warnings
    ), result.warnings


# Hooks a project runs from its own environment (``repo: local``): the entry says what.
LOCAL_HOOKS = """
    repos:
      - repo: local
        hooks:
          - id: lint
            name: lint
            entry: uv run ruff check --fix
            language: system
            types: [python]
          - id: style
            name: style
            entry: .venv/bin/black
            language: system
            types: [python]
"""


def test_local_hooks_are_read_with_the_program_they_run():
    hooks = read_pre_commit_hooks(textwrap.dedent(LOCAL_HOOKS))
    assert [(h.hook_id, h.line, h.entry, h.command) for h in hooks] == [
        ("lint", 5, "uv run ruff check --fix", "ruff"),
        ("style", 10, ".venv/bin/black", "black"),
    ]


def test_a_local_ruff_hook_counts_and_a_local_black_hook_is_named(tmp_path):
    write_tree(tmp_path, {".pre-commit-config.yaml": LOCAL_HOOKS, ".flake8": "[flake8]\n"})
    # ruff runs from a local hook: the flake8 config is TLG102's business, not TLG101's.
    assert findings(tmp_path) == []
    (black,) = project_findings(tmp_path, "TLG102")
    assert black.span.line == 9
    assert black.message.startswith(
        "the `style` hook runs black, which `ruff format` replaces; add a local hook "
        "running `ruff format` beside the `lint` hook (line 4)"
    )


def test_a_local_ruff_format_hook_already_does_blacks_job(tmp_path):
    source = LOCAL_HOOKS.replace("ruff check --fix", "ruff format")
    write_tree(tmp_path, {".pre-commit-config.yaml": source})
    (black,) = project_findings(tmp_path, "TLG102")
    assert black.message.endswith("the `lint` hook on line 4 already runs it")


RUFF_AND_ISORT = """
    repos:
      - repo: https://github.com/astral-sh/ruff-pre-commit
        rev: v0.6.9
        hooks:
          - id: ruff
            args: [--fix]
      - repo: https://github.com/pycqa/isort
        rev: 5.13.2
        hooks:
          - id: isort
"""


def test_an_isort_hook_beside_ruff_is_replaced_only_once_ruff_sorts_imports(tmp_path):
    """Ruff's default rules leave imports alone: the finding says what to select."""
    write_tree(tmp_path / "bare", {".pre-commit-config.yaml": RUFF_AND_ISORT})
    (isort,) = project_findings(tmp_path / "bare", "TLG102")
    assert isort.message.endswith(
        "the `ruff` hook on line 5 runs ruff, but its rules leave imports unsorted until "
        '`"I"` is selected (`extend-select = ["I"]` under `[tool.ruff.lint]`)'
    )
    configured = {
        ".pre-commit-config.yaml": RUFF_AND_ISORT,
        "pyproject.toml": '[tool.ruff.lint]\nextend-select = ["I", "UP"]\n',
    }
    write_tree(tmp_path / "configured", configured)
    (isort,) = project_findings(tmp_path / "configured", "TLG102")
    assert isort.message.endswith("the `ruff` hook on line 5 already runs it")

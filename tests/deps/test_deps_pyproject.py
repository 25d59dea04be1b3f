"""pyproject.toml in all its dialects: PEP 621, PEP 735 groups, Poetry, uv, PDM."""

from __future__ import annotations

import tomllib

PEP621 = """
[build-system]
requires = ["setuptools>=61"]

[project]
name = "shop"
version = "1.0"
requires-python = ">=3.9"
dependencies = [
    # the web layer
    "fastapi[standard] >=0.100, <1.0 ; python_version >= '3.8'",  # keep in step
    'pydantic>=2.7',
    "sqlalchemy<1.5",
    "httpx",
    "pydantic-settings==2.0.3",
    "legacy-lib>=1; python_version < '3.8'",
    "pydantic<2; python_version < '3.8'",
]

[project.optional-dependencies]
jwt = ["python-jose[cryptography]>=3.3"]

[dependency-groups]
test = ["httpx>=0.24", "pytest>=8"]
lint = ["black>=24", "isort"]
dev = [{include-group = "test"}, {include-group = "lint"}, "ruff>=0.4"]

[tool.uv]
dev-dependencies = ["alembic>=1.10"]

[tool.pdm.dev-dependencies]
docs = ["-e file:///${PROJECT_ROOT}/docs", "pydantic>=2.6"]
"""


def test_pep621_groups_uv_and_pdm_findings_at_their_lines(project):
    project.write({"pyproject.toml": PEP621})
    assert project.findings() == [
        ("PIN101", "pyproject.toml", 10),  # fastapi >=0.100
        ("PIN101", "pyproject.toml", 13),  # httpx, no lower bound
        ("PIN101", "pyproject.toml", 23),  # httpx>=0.24 in a dependency group
        ("PIN101", "pyproject.toml", 25),  # ruff>=0.4 next to include-group entries
        ("PIN101", "pyproject.toml", 28),  # alembic>=1.10 in [tool.uv]
        ("PIN101", "pyproject.toml", 31),  # pydantic>=2.6 in PDM, after an editable
        ("PIN102", "pyproject.toml", 14),  # pydantic-settings==2.0.3
        ("PIN104", "pyproject.toml", 12),  # sqlalchemy<1.5
        ("PIN105", "pyproject.toml", 7),
        ("PIN106", "pyproject.toml", 20),  # python-jose
        ("PIN106", "pyproject.toml", 24),  # black
        ("PIN106", "pyproject.toml", 24),  # isort
    ]
    # Markers for Pythons the project does not support (< 3.8) leave lines 15-16 alone.
    messages = project.messages()
    assert messages[("PIN101", "pyproject.toml", 10)] == (
        "`fastapi[standard] >=0.100, <1.0 ; python_version >= '3.8'` admits 0.100.0, "
        "below the minimum 0.115"
    )
    assert "has no lower bound" in messages[("PIN101", "pyproject.toml", 13)]
    assert "admits Python 3.9, below the minimum 3.11" in messages[("PIN105", "pyproject.toml", 7)]


def test_pep621_safe_fixes_change_only_the_lower_bounds(project):
    project.write({"pyproject.toml": PEP621})
    project.fix()
    tomllib.loads(project.read("pyproject.toml"))
    assert project.changed_lines("pyproject.toml") == [
        ('requires-python = ">=3.9"', 'requires-python = ">=3.11"'),
        (
            "    \"fastapi[standard] >=0.100, <1.0 ; python_version >= '3.8'\",  # keep in step",
            "    \"fastapi[standard] >=0.115, <1.0 ; python_version >= '3.8'\",  # keep in step",
        ),
        ('    "httpx",', '    "httpx>=0.27",'),
        ('test = ["httpx>=0.24", "pytest>=8"]', 'test = ["httpx>=0.27", "pytest>=8"]'),
        (
            'dev = [{include-group = "test"}, {include-group = "lint"}, "ruff>=0.4"]',
            'dev = [{include-group = "test"}, {include-group = "lint"}, "ruff>=0.6"]',
        ),
        ('dev-dependencies = ["alembic>=1.10"]', 'dev-dependencies = ["alembic>=1.13"]'),
        (
            'docs = ["-e file:///${PROJECT_ROOT}/docs", "pydantic>=2.6"]',
            'docs = ["-e file:///${PROJECT_ROOT}/docs", "pydantic>=2.7"]',
        ),
    ]
    # What is left needs a person: exact pin, upper bound, replaced packages.
    assert [f[0] for f in project.findings()] == ["PIN102", "PIN104", "PIN106", "PIN106", "PIN106"]


def test_unsafe_fixes_move_pins_and_upper_bounds_and_swap_packages(project):
    # The code already imports PyJWT's ``jwt``: pyjwt goes in python-jose's place.
    project.write({"pyproject.toml": PEP621, "app/auth.py": "import jwt\n"})
    project.fix(unsafe=True)
    text = project.read("pyproject.toml")
    tomllib.loads(text)
    changed = dict(project.changed_lines("pyproject.toml"))
    assert changed['    "sqlalchemy<1.5",'] == '    "sqlalchemy>=2.0",'
    assert changed['    "pydantic-settings==2.0.3",'] == '    "pydantic-settings==2.4.0",'
    assert changed['jwt = ["python-jose[cryptography]>=3.3"]'] == 'jwt = ["pyjwt>=2.9"]'
    # black and isort both map to ruff, which is declared already: nothing to swap in.
    assert 'lint = ["black>=24", "isort"]' in text
    assert project.findings() == [("PIN106", "pyproject.toml", 24)] * 2


def test_include_group_problems_are_reported(project):
    project.write(
        {
            "pyproject.toml": """
            [dependency-groups]
            a = [{include-group = "b"}]
            b = [{include-group = "a"}, "fastapi>=0.115"]
            c = [{include-group = "missing"}]
            """
        }
    )
    messages = project.messages()
    assert sorted(k for k in messages if k[0] == "PIN109") == [
        ("PIN109", "pyproject.toml", 2),
        ("PIN109", "pyproject.toml", 3),
        ("PIN109", "pyproject.toml", 4),
    ]
    assert "unknown group missing" in messages[("PIN109", "pyproject.toml", 4)]
    assert "includes itself" in messages[("PIN109", "pyproject.toml", 2)]


POETRY = """
[tool.poetry]
name = "shop"

[tool.poetry.dependencies]
python = "^3.9"
fastapi = "^0.100.0"
pydantic = { version = ">=2.5", extras = ["email"] }
sqlalchemy = [
    { version = "^1.4", python = "<3.9" },
    { version = "^2.0", python = ">=3.9" },
]
httpx = { git = "https://github.com/encode/httpx.git", tag = "0.27.0" }
alembic = "1.*"
pydantic-settings = ">=2.0 || >=2.4"

[tool.poetry.group.dev.dependencies]
black = "^24.3"
ruff = "0.5.0"

[tool.poetry.dev-dependencies]
pyjwt = { version = "~2.8", optional = true }

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
pydantic = "*"
"""


def test_poetry_forms_and_groups(project):
    project.write({"pyproject.toml": POETRY, "poetry.lock": "[metadata]\n"})
    assert project.findings() == [
        ("PIN101", "pyproject.toml", 7),  # pydantic table form >=2.5
        ("PIN101", "pyproject.toml", 13),  # alembic 1.*
        ("PIN101", "pyproject.toml", 14),  # pydantic-settings alternatives
        ("PIN101", "pyproject.toml", 27),  # optional docs group: pydantic "*"
        ("PIN102", "pyproject.toml", 18),  # ruff 0.5.0 in group dev
        ("PIN104", "pyproject.toml", 6),  # fastapi ^0.100.0 means <0.101
        ("PIN104", "pyproject.toml", 21),  # pyjwt ~2.8 means <2.9 (legacy dev-dependencies)
        ("PIN105", "pyproject.toml", 5),
        ("PIN106", "pyproject.toml", 17),  # black (ruff is declared: no swap)
        ("PIN110", "pyproject.toml", 12),  # httpx from git
    ]
    # The ^1.4 entry applies only below Python 3.9, which the project does not support.
    messages = project.messages()
    assert messages[("PIN104", "pyproject.toml", 6)].startswith(
        '`fastapi = "^0.100.0"` shuts out fastapi 0.115'
    )


def test_poetry_fixes_keep_poetry_syntax(project):
    project.write({"pyproject.toml": POETRY, "poetry.lock": "[metadata]\n"})
    result = project.scan()
    notes = {f.line: f.fix.note for f in result.findings if f.fix is not None}
    assert "`poetry lock`" in notes[7]
    # Seen on mealie: a raised floor left poetry.lock stale and `poetry install` stopped.
    assert "poetry.lock records a hash of this file: `poetry install` refuses" in notes[7]
    assert project.fix() == {}  # nothing is safe while the lock would go stale
    project.fix(unsafe=True)
    tomllib.loads(project.read("pyproject.toml"))
    # ruff is declared, so black's entry goes, line and all; every other line stays.
    assert 'black = "^24.3"' not in project.read("pyproject.toml")
    written = project.written["pyproject.toml"]
    project.written["pyproject.toml"] = written.replace('black = "^24.3"\n', "")
    assert project.changed_lines("pyproject.toml") == [
        ('python = "^3.9"', 'python = "^3.11"'),
        ('fastapi = "^0.100.0"', 'fastapi = "^0.115.0"'),
        (
            'pydantic = { version = ">=2.5", extras = ["email"] }',
            'pydantic = { version = ">=2.7", extras = ["email"] }',
        ),
        ('alembic = "1.*"', 'alembic = "1.13.*"'),
        ('ruff = "0.5.0"', 'ruff = "0.6.0"'),
        (
            'pyjwt = { version = "~2.8", optional = true }',
            'pyjwt = { version = "~2.9", optional = true }',
        ),
        ('pydantic = "*"', 'pydantic = ">=2.7"'),
    ]


def test_a_test_harness_follows_the_package_it_tests(project):
    """``integration_tests/pyproject.toml`` of a package is a harness nobody installs:
    its Python range follows the package's, which is reported on the package's own
    file (naming the harness among the places to raise). Alone, it is reported."""
    package = '[project]\nname = "relay"\nrequires-python = ">=3.9"\n'
    harness = '[project]\nname = "relay-e2e"\nrequires-python = ">=3.9"\n'
    project.write({"pyproject.toml": package, "integration_tests/pyproject.toml": harness})
    findings = project.scan("PIN105").findings
    assert [(f.rule, f.path) for f in findings] == [("PIN105", "pyproject.toml")]
    assert "integration_tests/pyproject.toml" in findings[0].message


def test_a_test_harness_alone_is_reported(project):
    harness = '[project]\nname = "relay-e2e"\nrequires-python = ">=3.9"\n'
    project.write({"e2e-tests/pyproject.toml": harness})
    assert [(f.rule, f.path) for f in project.scan("PIN105").findings] == [
        ("PIN105", "e2e-tests/pyproject.toml")
    ]

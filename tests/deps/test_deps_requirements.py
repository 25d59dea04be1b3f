"""pip requirements files: includes, constraints, hashes, continuations, markers,
unversioned lines, and pip-compile output read as a lock."""

from __future__ import annotations

from packaging.requirements import Requirement

FILES = {
    "requirements.txt": """
        # Production dependencies
        -r requirements/base.txt
        -c constraints.txt
        --index-url https://pypi.org/simple

        fastapi[standard]>=0.100 ; python_version >= "3.8" \\
            --hash=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \\
            --hash=sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
        pydantic<2; python_version < "3.8"
        -e git+https://github.com/encode/httpx.git@0.23.0#egg=httpx
        ./vendor/somelib
        https://example.com/packages/other-1.0.tar.gz
        sqlalchemy @ https://example.com/SQLAlchemy-1.4.0.tar.gz
        this is not a requirement
        -r missing.txt
        """,
    "requirements/base.txt": """
        -r ../requirements.txt   # a cycle: followed once
        pydantic-settings  # no version at all
        alembic\\
        >=1.10
        PyJWT==2.8.0 \\
            --hash=sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
        """,
    "constraints.txt": "sqlalchemy<2.0\n",
}


def test_requirements_tree_findings(project):
    project.write(FILES)
    assert project.findings() == [
        ("PIN101", "requirements.txt", 6),  # fastapi, first line of a continued entry
        ("PIN101", "requirements/base.txt", 2),  # pydantic-settings, no lower bound
        ("PIN101", "requirements/base.txt", 3),  # alembic, split over two lines
        ("PIN102", "requirements/base.txt", 5),  # PyJWT==2.8.0 with a hash
        ("PIN104", "constraints.txt", 1),  # a constraint that shuts out 2.0
        ("PIN109", "requirements.txt", 14),  # not a requirement
        ("PIN109", "requirements.txt", 15),  # missing include
        ("PIN110", "requirements.txt", 10),  # -e git ... #egg=httpx
        ("PIN110", "requirements.txt", 13),  # sqlalchemy from a URL
    ]
    messages = project.messages()
    assert "missing.txt, which does not exist" in messages[("PIN109", "requirements.txt", 15)]
    assert "editable" in messages[("PIN110", "requirements.txt", 10)]


def test_requirements_fixes_touch_only_the_specifier(project):
    project.write(FILES)
    changed = project.fix()
    # fastapi carries --hash lines: editing its version would leave them describing other
    # files, so requirements.txt is not touched (see the hashed tests below).
    assert set(changed) == {"requirements/base.txt"}
    assert project.read("requirements.txt") == project.written["requirements.txt"]
    # The alembic entry spans two lines: it is reported but not edited.
    assert project.changed_lines("requirements/base.txt") == [
        ("pydantic-settings  # no version at all", "pydantic-settings>=2.4  # no version at all")
    ]
    for rel in ("requirements.txt", "requirements/base.txt"):
        # Every requirement still parses (continuations joined the way pip joins them).
        for line in project.read(rel).replace("\\\n", "").splitlines():
            text = line.split(" #")[0].split(" --hash")[0].strip()
            if text and not text.startswith(("-", "#", ".", "https:", "this")):
                Requirement(text)


def test_hashed_requirements_are_not_half_edited(project):
    project.write(FILES)
    messages = project.messages()
    for key in (("PIN101", "requirements.txt", 6), ("PIN102", "requirements/base.txt", 5)):
        assert "re-lock it instead (e.g. `pip-compile --generate-hashes`)" in messages[key]
    fixes = {(f.rule, f.path, f.line): f.fix for f in project.scan().findings}
    assert fixes[("PIN101", "requirements.txt", 6)] is None
    assert fixes[("PIN102", "requirements/base.txt", 5)] is None
    project.fix(unsafe=True)
    # Neither the version nor its hashes move; the unhashed constraint still does.
    assert project.read("requirements.txt") == project.written["requirements.txt"]
    assert "PyJWT==2.8.0 \\\n" in project.read("requirements/base.txt")
    assert ("sqlalchemy<2.0", "sqlalchemy>=2.0") in project.changed_lines("constraints.txt")


def test_a_requirement_without_hashes_next_to_hashed_ones_is_still_raised(project):
    project.write(
        {
            "requirements.txt": "fastapi==0.100.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"
            "pydantic>=2.0\n"
        }
    )
    changed = project.fix()
    assert project.changed_lines("requirements.txt") == [("pydantic>=2.0", "pydantic>=2.7")]
    assert set(changed) == {"requirements.txt"}


def test_crlf_requirements_keep_their_line_endings(project):
    (project.root / "requirements.txt").write_bytes(b"fastapi>=0.100\r\nhttpx>=0.27\r\n")
    project.written["requirements.txt"] = "fastapi>=0.100\r\nhttpx>=0.27\r\n"
    assert project.findings() == [("PIN101", "requirements.txt", 1)]
    project.fix()
    assert (project.root / "requirements.txt").read_bytes() == b"fastapi>=0.115\r\nhttpx>=0.27\r\n"


COMPILED = """
#
# This file is autogenerated by pip-compile with Python 3.11
# by the following command:
#
#    pip-compile --output-file=requirements.txt requirements.in
#
anyio==4.4.0
    # via httpx
fastapi==0.110.0
    # via -r requirements.in
httpx==0.27.0
    # via -r requirements.in
pydantic==2.8.2
    # via fastapi
"""


def test_pip_compile_output_is_a_lock(project):
    project.write(
        {
            "requirements.in": "fastapi>=0.100\nhttpx\n",
            "requirements.txt": COMPILED,
        }
    )
    assert project.findings() == [
        ("PIN101", "requirements.in", 1),
        ("PIN101", "requirements.in", 2),
        ("PIN103", "requirements.txt", 9),
    ]
    result = project.scan()
    fixes = {f.line: f.fix for f in result.findings if f.path == "requirements.in"}
    command = "pip-compile --output-file=requirements.txt requirements.in"
    assert f"`{command}`" in fixes[1].note
    # pip-compile output records no hash of its input: it stays installable, the fix safe.
    assert fixes[1].safety == "safe"
    project.fix()
    assert project.read("requirements.in") == "fastapi>=0.115\nhttpx>=0.27\n"
    assert project.read("requirements.txt") == project.written["requirements.txt"]  # never edited


def test_a_sibling_in_file_makes_the_txt_a_lock_even_without_header(project):
    project.write({"requirements/dev.in": "ruff>=0.6\n", "requirements/dev.txt": "ruff==0.5.0\n"})
    assert project.findings() == [("PIN103", "requirements/dev.txt", 1)]


def test_manifest_in_is_not_a_requirements_file(project):
    project.write({"MANIFEST.in": "include README.md\nrecursive-include src *.py\n"})
    assert project.findings() == []

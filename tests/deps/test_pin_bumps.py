"""Pin bumps that respect what the file says: a commented upper bound is quoted when the
fix moves it, new requirements follow the file's pinning style, hashed requirements are
left for a re-lock."""

from __future__ import annotations

from fastaudit.model import Safety


def fixes(project, select: str = "PIN") -> dict[tuple[str, int], object]:
    return {(f.rule, f.line): f for f in project.scan(select).findings}


def test_dropping_a_commented_upper_bound_quotes_the_comment(project) -> None:
    project.write({"requirements.txt": "fastapi>=0.100,<0.110  # 0.110 breaks our middleware\n"})
    finding = fixes(project)[("PIN104", 1)]
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note == (
        "drops the upper bound `<0.110`, which shuts out 0.115: crossing it can need code "
        'changes; its comment says "0.110 breaks our middleware"'
    )
    assert project.fix() == {}  # not applied by a plain --fix
    assert project.fix(unsafe=True) == {
        "requirements.txt": "fastapi>=0.115  # 0.110 breaks our middleware\n"
    }


def test_comment_on_the_line_above_in_pyproject(project) -> None:
    project.write(
        {
            "pyproject.toml": """\
                [project]
                name = "shop"
                version = "1"
                dependencies = [
                    # Pydantic 2 breaks our models
                    "pydantic>=1.10,<2",
                    "fastapi>=0.115",  # the web framework
                ]
                """
        }
    )
    finding = fixes(project)[("PIN104", 6)]
    assert finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.endswith('; its comment says "Pydantic 2 breaks our models"')


def test_a_cap_that_stays_is_still_a_safe_fix_without_quoting(project) -> None:
    project.write({"requirements.txt": "fastapi>=0.100,<0.200  # 0.200 is untested\n"})
    finding = fixes(project)[("PIN101", 1)]
    assert finding.fix.safety is Safety.SAFE and finding.fix.note == ""
    assert project.fix() == {"requirements.txt": "fastapi>=0.115,<0.200  # 0.200 is untested\n"}


def test_only_the_comment_that_goes_with_the_line_is_quoted(project) -> None:
    project.write({"requirements.txt": "# web services\n\nfastapi>=0.100,<0.110\n"})
    note = fixes(project)[("PIN104", 3)].fix.note
    assert "its comment says" not in note  # a blank line apart: a heading, not the cap's
    project.write({"requirements.txt": "# Our services.\n# Kept by hand.\nfastapi>=0.100,<0.110\n"})
    note = fixes(project)[("PIN104", 3)].fix.note
    assert "its comment says" not in note  # the end of the file's opening paragraph
    project.write({"requirements.txt": "httpx>=0.27\n# keep below 0.110\nfastapi>=0.100,<0.110\n"})
    assert fixes(project)[("PIN104", 3)].fix.note.endswith('its comment says "keep below 0.110"')


def test_successor_pinned_exactly_among_exact_pins(project) -> None:
    project.write({"requirements.txt": "fastapi==0.115.0\nhttpx==0.27.0\nblack==24.3.0\n"})
    assert project.fix(unsafe=True) == {
        "requirements.txt": "fastapi==0.115.0\nhttpx==0.27.0\nruff==0.6.0\n"
    }


def test_successor_gets_a_lower_bound_among_ranges(project) -> None:
    project.write({"requirements.txt": "fastapi>=0.115\nhttpx>=0.27\nblack==24.3.0\n"})
    assert project.fix(unsafe=True) == {
        "requirements.txt": "fastapi>=0.115\nhttpx>=0.27\nruff>=0.6\n"
    }


def test_added_successor_follows_the_style_too(project) -> None:
    project.write(
        {
            "requirements.txt": "fastapi==0.115.0\npython-jose==3.3.0\n",
            "app/auth.py": "from jose import jwt\n",
        }
    )
    assert project.fix(unsafe=True, select="PIN106") == {
        "requirements.txt": "fastapi==0.115.0\npyjwt==2.9.0\npython-jose==3.3.0\n"
    }


def test_hashed_replaced_package_is_left_for_a_relock(project) -> None:
    project.write(
        {
            "requirements.txt": (
                "fastapi==0.115.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"
                "black==24.3.0 \\\n    --hash=sha256:" + "b" * 64 + "\n"
            )
        }
    )
    finding = fixes(project, "PIN106")[("PIN106", 3)]
    assert finding.fix is None
    assert "re-lock it instead (e.g. `pip-compile --generate-hashes`)" in finding.message
    assert project.fix(unsafe=True) == {}

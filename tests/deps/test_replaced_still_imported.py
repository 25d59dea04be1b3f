"""PIN106 while the code still imports the replaced package: the declaration stays, the
successor is added next to it, and the removal waits until the code has moved."""

from __future__ import annotations

import tomllib

from fastaudit.cli import main
from fastaudit.model import Safety

AUTH = """\
from jose import jwt


def read(token: str, key: str) -> dict:
    return jwt.decode(token, key, algorithms=["HS256"])
"""
KEEPS = (
    "keeps python-jose: the code imports it at app/auth.py:1; remove it once that code "
    "has moved to pyjwt (LIB101's fix moves it)"
)


def pin106(project):
    result = project.scan("PIN106")
    return result, [f for f in result.findings if f.rule == "PIN106"]


def test_requirements_line_stays_and_the_successor_goes_in_before_it(project) -> None:
    project.write(
        {
            "requirements.txt": "fastapi>=0.115\npython-jose[cryptography]==3.3.0  # jwt\n",
            "app/auth.py": AUTH,
        }
    )
    _, [finding] = pin106(project)
    assert finding.line == 2
    assert "the code imports it at app/auth.py:1, which needs its own change" in finding.message
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note == KEEPS
    assert finding.fix.description == "declare pyjwt next to python-jose"
    assert project.fix(unsafe=True, select="PIN106") == {
        "requirements.txt": "fastapi>=0.115\npyjwt>=2.9\npython-jose[cryptography]==3.3.0  # jwt\n"
    }


def test_toml_element_on_its_own_line_keeps_its_neighbours(project) -> None:
    pyproject = """\
        [project]
        name = "shop"
        version = "1"
        dependencies = [
            "fastapi>=0.115",
            "python-jose[cryptography]>=3.3"
        ]
        """
    project.write({"pyproject.toml": pyproject, "app/auth.py": AUTH})
    [text] = project.fix(unsafe=True, select="PIN106").values()
    assert tomllib.loads(text)["project"]["dependencies"] == [
        "fastapi>=0.115",
        "pyjwt>=2.9",
        "python-jose[cryptography]>=3.3",
    ]
    assert '    "pyjwt>=2.9",\n    "python-jose[cryptography]>=3.3"\n' in text


def test_toml_element_sharing_its_line(project) -> None:
    project.write(
        {
            "pyproject.toml": """\
                [project]
                name = "shop"
                version = "1"
                dependencies = ['fastapi>=0.115', 'python-jose>=3.3; python_version >= "3.11"']
                """,
            "app/auth.py": AUTH,
        }
    )
    [text] = project.fix(unsafe=True, select="PIN106").values()
    assert tomllib.loads(text)["project"]["dependencies"] == [
        "fastapi>=0.115",
        'pyjwt>=2.9; python_version >= "3.11"',  # the marker comes along
        'python-jose>=3.3; python_version >= "3.11"',
    ]


def test_successor_already_declared_means_no_removal_yet(project) -> None:
    project.write(
        {
            "requirements.txt": "fastapi>=0.115\npyjwt>=2.9\npython-jose==3.3.0\n",
            "app/auth.py": AUTH,
        }
    )
    _, [finding] = pin106(project)
    assert finding.fix is None
    assert "pyjwt is already declared, remove python-jose once the code no longer imports it" in (
        finding.message
    )
    assert project.fix(unsafe=True, select="PIN106") == {}


def test_nothing_imports_it_so_the_declaration_is_swapped(project) -> None:
    project.write(
        {
            "requirements.txt": "fastapi>=0.115\npython-jose==3.3.0\n",
            "app/auth.py": "import jwt\n",
        }
    )
    _, [finding] = pin106(project)
    # The code imports PyJWT's ``jwt`` and nothing else installs it: the swap declares
    # what the code needs, where a removal would leave it undeclared.
    assert finding.fix is not None and finding.fix.note == (
        "no Python file imports python-jose; the code imports pyjwt, which nothing else installs"
    )
    assert project.fix(unsafe=True, select="PIN106") == {
        "requirements.txt": "fastapi>=0.115\npyjwt>=2.9\n"
    }


def test_hashed_requirements_get_no_unhashed_line(project) -> None:
    project.write(
        {
            "requirements.txt": (
                "fastapi==0.115.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"
                "python-jose==3.3.0 \\\n    --hash=sha256:" + "b" * 64 + "\n"
            ),
            "app/auth.py": AUTH,
        }
    )
    _, [finding] = pin106(project)
    assert finding.fix is None


def test_check_fix_removes_it_once_the_code_fix_has_moved_the_import(tmp_path, capsys) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "auth.py").write_text(AUTH, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text(
        "fastapi>=0.115\npython-jose==3.3.0\n", encoding="utf-8"
    )
    args = ["check", str(tmp_path), "--select", "PIN106,LIB101", "--no-cache", "--no-color"]
    main([*args, "--fix", "--unsafe-fixes"])
    capsys.readouterr()
    assert "jose" not in (tmp_path / "app" / "auth.py").read_text(encoding="utf-8")
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8") == (
        "fastapi>=0.115\npyjwt>=2.9\n"
    )
    assert main(args) == 0

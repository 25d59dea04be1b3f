"""SEC rules, part 1 (SEC101-SEC105): cases that need a small project or a path, and
the look-alikes calibration on real code turned up."""

from __future__ import annotations

from pathlib import Path

from .conftest import found, project_findings, write_tree


def test_secret_default_in_a_settings_class_built_on_a_project_base(tmp_path: Path) -> None:
    # mealie's shape: the providers derive from the project's own settings base.
    root = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": """
                from pydantic_settings import BaseSettings

                class AppSettingsBase(BaseSettings):
                    pass
            """,
            "app/providers.py": """
                from app.base import AppSettingsBase

                class NotSettings:
                    pass

                class PostgresProvider(AppSettingsBase):
                    POSTGRES_PASSWORD: str = "mealie"

                class Other(NotSettings):
                    api_key: str = "not-a-setting"
            """,
        },
    )
    findings = project_findings(root, "SEC104")
    assert [(f.path, f.line) for f in findings] == [("app/providers.py", 7)]
    assert '`POSTGRES_PASSWORD` defaults to "mealie"' in findings[0].message
    assert "type it `SecretStr`" in findings[0].message


def test_private_attribute_of_settings_is_no_setting() -> None:
    # mealie's `_DEFAULT_PASSWORD`: a pydantic private attribute, set by no variable.
    source = """
        from pydantic_settings import BaseSettings

        class AppSettings(BaseSettings):
            _DEFAULT_PASSWORD: str = "MyPassword"
    """
    assert found(source, "SEC104") == []


def test_settings_modules_constants_and_test_settings(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/config.py": 'SECRET_KEY = "dev"\nTOKEN_URL = "/token"\n',
            "app/helpers.py": 'SECRET_KEY = "constant outside settings"\n',
            "app/settings/test.py": """
                from pydantic_settings import BaseSettings

                class Settings(BaseSettings):
                    SECRET_KEY: str = "test-secret"
            """,
        },
    )
    findings = project_findings(root, "SEC104")
    assert [(f.path, f.line) for f in findings] == [("app/config.py", 1)]


def test_benchmark_harness_defaults_are_not_deployed() -> None:
    source = """
        import os

        LOAD_DB_PASSWORD = os.environ.get("LOAD_DB_PASSWORD", "postgres")
    """
    assert found(source, "SEC104", "bench/run_load.py") == []
    assert found(source, "SEC104", "shop/benchmarks/queries.py") == []
    assert len(found(source, "SEC104", "shop/queries.py")) == 1


def test_fill_in_marker_for_a_providers_key() -> None:
    source = """
        import os

        MAPS_API_KEY = os.getenv("MAPS_API_KEY", "YOUR_MAPS_API_KEY_HERE")
        WEATHER_APIKEY = os.getenv("WEATHER_APIKEY", "<your weather key>")
        SECRET_KEY = os.getenv("SECRET_KEY", "YOUR_SECRET_KEY_HERE")
        ADMIN_API_KEY = os.getenv("ADMIN_API_KEY", "your-admin-key-here")
        API_KEY = os.getenv("API_KEY", "YOUR_API_KEY_HERE")
        MAIL_API_KEY = os.getenv("MAIL_API_KEY", "mail-key-2024")
    """
    # A provider never accepts the marker; the app's own secrets accept it, and a
    # real-looking value may be a real key.
    assert [f.line for f in found(source, "SEC104", "tools/build_info.py")] == [5, 6, 7, 8]


def test_sql_in_a_script_the_app_never_imports_is_not_reported(tmp_path: Path) -> None:
    # polar's scripts/: operator tools, not request handlers (SEC105 is a serving rule).
    root = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": """
                from fastapi import FastAPI
                from sqlalchemy import text

                app = FastAPI()

                @app.get("/users")
                async def users(session, email: str):
                    query = text(f"SELECT * FROM users WHERE email = '{email}'")
                    return await session.execute(query)
            """,
            "scripts/cleanup.py": """
                import asyncio
                from sqlalchemy import text

                async def main(session, org_id):
                    await session.execute(text(f"DELETE FROM orgs WHERE id = '{org_id}'"))

                if __name__ == "__main__":
                    asyncio.run(main(None, "x"))
            """,
        },
    )
    findings = project_findings(root, "SEC105")
    assert [f.path for f in findings] == ["app/main.py"]


def test_sql_message_names_the_value_and_the_variable() -> None:
    source = """
        def rows(cursor, user_id):
            query = "SELECT * FROM users WHERE id = %s" % user_id
            cursor.execute(query)
    """
    (finding,) = found(source, "SEC105")
    assert finding.line == 2
    assert "`user_id`" in finding.message and "through `query`" in finding.message


def test_unverified_decode_is_reported_once_and_not_by_lib104() -> None:
    source = """
        import jwt

        def claims(token):
            return jwt.decode(token, verify=False)
    """
    assert [f.rule for f in found(source, ["SEC103", "LIB104"])] == ["SEC103"]


def test_unverified_decode_in_tests_is_not_reported() -> None:
    source = """
        import jwt

        def test_token_claims(token):
            assert jwt.decode(token, options={"verify_signature": False})["sub"] == "1"
    """
    assert found(source, "SEC103", path="tests/test_auth.py") == []


def test_debug_in_tests_is_not_reported_and_the_fix_is_unsafe() -> None:
    source = """
        from fastapi import FastAPI

        app = FastAPI(debug=True)
    """
    assert found(source, "SEC102", path="tests/conftest.py") == []
    (finding,) = found(source, "SEC102")
    assert finding.fix is not None and finding.fix.safety.name == "UNSAFE"


def test_cors_with_credentials_from_a_constant() -> None:
    # App Corrieri (a public app read in the index): its one-line call, held in constants.
    source = """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        ANY = ["*"]
        CREDENTIALS = True

        app = FastAPI(title="App")
        app.add_middleware(CORSMiddleware, allow_origins=ANY, allow_credentials=CREDENTIALS)


        @app.get("/me")
        def me(request: Request) -> dict:
            return {"session": request.cookies.get("sid")}
    """
    (finding,) = found(source, "SEC101")
    assert "`allow_origins=ANY`" in finding.message


def test_cors_with_credentials_where_another_file_sets_the_cookie(tmp_path) -> None:
    """The credentials may live anywhere in the project: a login route elsewhere setting
    a cookie is enough. Its test files do not count."""
    app = """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """
    login = """
        from fastapi import APIRouter, Response

        router = APIRouter()


        @router.post("/login")
        def login(response: Response) -> None:
            response.set_cookie("sid", new_session())
    """
    cookie_test = """
        def test_no_cookie_needed(client):
            assert not client.cookies
    """
    write_tree(tmp_path / "bearer", {"app/main.py": app, "tests/test_api.py": cookie_test})
    assert project_findings(tmp_path / "bearer", "SEC101") == []
    write_tree(tmp_path / "cookies", {"app/main.py": app, "app/auth.py": login})
    assert [f.path for f in project_findings(tmp_path / "cookies", "SEC101")] == ["app/main.py"]

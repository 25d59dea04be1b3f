"""SEC104 hardcoded-secret-default: a secret setting with a literal default."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.engine.layout import is_settings_path, is_test_path
from fastaudit.engine.project_index import SETTINGS_CLASS, SETTINGS_ROOTS
from fastaudit.model import Severity
from fastaudit.rules.base import Rule
from fastaudit.rules.security._shared import keyword, string_value

# The last word of a secret's name, or of a key's name with one of the key words.
_SECRET_WORDS = frozenset({"secret", "password", "passwd", "pwd", "token", "apikey", "passphrase"})
_KEY_WORDS = frozenset(
    {"secret", "private", "api", "signing", "encryption", "encrypt", "master", "hmac", "jwt"}
)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_FIELDS = frozenset({"pydantic.Field", "pydantic.fields.Field"})
_SECRET_TYPES = frozenset(
    {"pydantic.SecretStr", "pydantic.SecretBytes", "pydantic.types.SecretStr"}
)
_ENV_READS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_CONFIG_READS = frozenset(
    {"starlette.config.Config()", "decouple.config", "decouple.AutoConfig()()"}
)
# Defaults that name where the secret is, not the secret.
_LOCATION = re.compile(r"^(\.{0,2}/|~/)|\.(pem|key|crt|json|txt|pub)$")
# Settings written for tests, whichever folder holds them.
_TEST_MODULES = frozenset({"test", "tests", "testing"})
# Benchmark harnesses: run on a developer's machine against a local database.
_BENCH_FOLDERS = frozenset({"bench", "benches", "benchmark", "benchmarks"})
# A fill-in marker (``YOUR_API_KEY_HERE``, ``<your key>``): no provider ever issued it.
_PLACEHOLDER = re.compile(r"^(your[\W_]|<.*>$)|[\W_]here$", re.IGNORECASE)
# Qualifiers of a key the app itself checks (``ADMIN_API_KEY``): a placeholder works there.
_OWN_KEY_WORDS = frozenset({"admin", "internal", "service", "master", "app", "server", "root"})


def secret_name(name: str) -> bool:
    """``SECRET_KEY``, ``jwt_secret``, ``DB_PASSWORD``, ``apiKey``, ``BOT_TOKEN``: not
    ``TOKEN_URL``, ``PASSWORD_MIN_LENGTH``, ``JWT_TOKEN_PREFIX`` (the last word decides)."""
    words = [word.lower() for part in name.split("_") for word in _WORD.findall(part)]
    if not words:
        return False
    if words[-1] in _SECRET_WORDS:
        return True
    return words[-1] == "key" and any(word in _KEY_WORDS for word in words[:-1])


def _placeholder_for_a_provider(name: str, value: str) -> bool:
    """``AMPLITUDE_API_KEY`` defaulting to ``YOUR_AMPLITUDE_API_KEY_HERE``: the key a
    third party issues, and a marker that can never be one. A missing variable makes the
    calls fail; nobody can use the marker to get in. A placeholder for the app's own
    secret (``SECRET_KEY``, ``ADMIN_API_KEY``) is a value anyone can use, and stays."""
    if not _PLACEHOLDER.search(value.strip()):
        return False
    words = [word.lower() for part in name.split("_") for word in _WORD.findall(part)]
    if words[-1:] == ["apikey"]:
        qualifiers = words[:-1]
    elif words[-2:] == ["api", "key"]:
        qualifiers = words[:-2]
    else:
        return False
    return bool(qualifiers) and not _OWN_KEY_WORDS.intersection(qualifiers)


def _literal_secret(node: ast.expr | None) -> str | None:
    """A non-empty string that could be the secret itself."""
    value = string_value(node)
    if value is None or not value.strip() or _LOCATION.search(value):
        return None
    return value


def _env_default(call: ast.Call, ctx: FileContext) -> tuple[str | None, ast.expr | None]:
    """``(variable name, default)`` of an environment read with a default:
    ``os.getenv("X", "d")``, ``os.environ.get("X", "d")``, starlette's or decouple's
    ``config("X", default="d")``; ``(None, None)`` for anything else."""
    callee = ctx.resolve(call.func)
    if callee in _ENV_READS:
        default = call.args[1] if len(call.args) >= 2 else keyword(call, "default")
    elif callee in _CONFIG_READS:
        default = keyword(call, "default")
        if default is None and callee == "starlette.config.Config()" and len(call.args) >= 3:
            default = call.args[2]
    else:
        return None, None
    name = string_value(call.args[0]) if call.args else None
    return name, default


def _kept_in(parent: ast.AST | None, value: ast.expr) -> tuple[str | None, ast.expr | None]:
    """``(name, annotation)`` when ``value`` is assigned to a plain name."""
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), None
    if (
        isinstance(parent, ast.AnnAssign)
        and parent.value is value
        and isinstance(parent.target, ast.Name)
    ):
        return parent.target.id, parent.annotation
    return None, None


class HardcodedSecretDefault(Rule):
    id = "SEC104"
    skips_tests = True  # a test's secret is a fixture (``finish``)
    name = "hardcoded-secret-default"
    title = "Secret setting with a literal default"
    severity = Severity.WARNING
    peers: ClassVar[tuple[str, ...]] = (
        "ruff S105",
        "ruff S107",
        "semgrep python.jwt.security.jwt-hardcode.jwt-python-hardcoded-secret",
    )
    rationale = """
    A default on a secret setting (`SECRET_KEY: str = "changeme"`, `os.getenv(
    "JWT_SECRET", "dev-secret")`) means a deployment that forgets the variable starts
    anyway, signing tokens or connecting with a value that is in the repository for
    anyone to read. Placeholders are the worst case: "changeme" is the first key an
    attacker tries. Give secrets no default (`SECRET_KEY: SecretStr`, or
    `Field(...)`), so a missing variable stops the app at start-up, and type them
    `SecretStr` so they are not printed in logs, reprs and tracebacks.

    Looked at: fields of `BaseSettings` classes (also through the project's own base
    classes), module constants of settings modules (`config.py`, `settings.py`, a
    `config/` package), and environment reads with a default anywhere outside tests.
    A secret is named like one (its last word is secret, password, token, or key after
    secret, private, api, signing, encryption, jwt...). Not reported: an empty default,
    a path to a key file, a value computed at start-up (`secrets.token_urlsafe()`), a
    placeholder the same module compares against to refuse it (a validator raising on
    "changethis"), a fill-in marker for a key a third party issues
    (`AMPLITUDE_API_KEY` defaulting to `"YOUR_AMPLITUDE_API_KEY_HERE"`: no provider ever
    accepts it, while a marker for the app's own secret is a password anyone can use),
    settings written for tests, and benchmark harnesses (`benches/`). ruff's S105/S107 report any
    password-like name assigned or defaulted to a string, anywhere; this rule looks
    where configuration lives and also reads environment defaults. A `str` typed secret
    with no default is not reported. No automatic fix: `SecretStr` changes how the
    value is read (`.get_secret_value()`), and removing the default breaks any
    environment that relies on it.
    """
    dont = """
    from pydantic_settings import BaseSettings


    class Settings(BaseSettings):
        DATABASE_URL: str
        SECRET_KEY: str = "changeme"
        ACCESS_TOKEN_EXPIRE_MINUTES: int = 30
    """
    do = """
    from pydantic import SecretStr
    from pydantic_settings import BaseSettings


    class Settings(BaseSettings):
        DATABASE_URL: str
        SECRET_KEY: SecretStr
        ACCESS_TOKEN_EXPIRE_MINUTES: int = 30
    """
    extra_valid = (
        # Empty, required, generated at start-up, a key file, or not a secret.
        """
        import secrets

        from pydantic import Field
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            STRIPE_SECRET_KEY: str = ""
            JWT_SECRET: str = Field(...)
            SESSION_SECRET: str = secrets.token_urlsafe(32)
            JWT_PRIVATE_KEY: str = "keys/jwt.pem"
            TOKEN_URL: str = "/auth/token"
            JWT_TOKEN_PREFIX: str = "Bearer"
            PASSWORD_MIN_LENGTH: int = 8
        """,
        # A placeholder the settings refuse outside local development.
        """
        from pydantic import model_validator
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            ENVIRONMENT: str = "local"
            SECRET_KEY: str = "changethis"

            @model_validator(mode="after")
            def _refuse_placeholders(self):
                if self.ENVIRONMENT != "local" and self.SECRET_KEY == "changethis":
                    raise ValueError("set SECRET_KEY")
                return self
        """,
        # A plain model (a request body), and an environment read without a default.
        """
        import os

        from pydantic import BaseModel

        class Login(BaseModel):
            password: str = "hunter2"

        SECRET_KEY = os.environ["SECRET_KEY"]
        API_TOKEN = os.getenv("API_TOKEN")
        """,
        # A settings class for the test environment.
        """
        from pydantic import SecretStr
        from pydantic_settings import BaseSettings

        class TestSettings(BaseSettings):
            secret_key: SecretStr = SecretStr("test_secret")
        """,
    )
    extra_invalid = (
        # An environment read with a default, anywhere.
        """
        import os

        JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")
        """,
        # starlette's Config, inside a settings class.
        """
        from pydantic_settings import BaseSettings
        from starlette.config import Config

        config = Config(".env")

        class DatabaseSettings(BaseSettings):
            POSTGRES_PASSWORD: str = config("POSTGRES_PASSWORD", default="postgres")
        """,
        # SecretStr does not make a literal default secret; nor does Field.
        """
        from pydantic import Field, SecretStr
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            api_key: SecretStr = SecretStr("sk-live-123")
            webhook_secret: str = Field(default="whsec_abc")
        """,
    )

    calls = CallFilter.of(callees=_ENV_READS | _CONFIG_READS)

    def __init__(self) -> None:
        # (default reported, name, default text, annotation text, and the class that
        # must be a settings class; None when the file already tells)
        self._pending: list[tuple[ast.expr, str, str, str | None, str | None]] = []
        self._compared: set[str] = set()

    def visit_Compare(self, node: ast.Compare, ctx: FileContext) -> None:
        for side in (node.left, *node.comparators):
            elements = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            for element in elements:
                value = string_value(element)
                if value is not None:
                    self._compared.add(value)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if isinstance(node.target, ast.Name) and node.value is not None:
            self._assigned(node, node.target.id, node.value, node.annotation, ctx)

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._assigned(node, node.targets[0].id, node.value, None, ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name, default = _env_default(node, ctx)
        if default is None or _literal_secret(default) is None:
            return
        target, annotation = _kept_in(ctx.parent, node)
        if name is None or not secret_name(name):
            # ``JWT_SECRET = os.getenv("JWT", "dev")``: the name it is kept under.
            if target is None or not secret_name(target):
                return
            name = target
        shown = ctx.text(annotation) if annotation is not None else None
        self._pending.append((default, name, ctx.text(default), shown, None))

    def _assigned(
        self,
        node: ast.Assign | ast.AnnAssign,
        name: str,
        value: ast.expr,
        annotation: ast.expr | None,
        ctx: FileContext,
    ) -> None:
        default: ast.expr | None = value
        if isinstance(value, ast.Call):
            callee = ctx.resolve(value.func)
            if callee in _FIELDS:
                default = value.args[0] if value.args else keyword(value, "default")
            elif callee in _SECRET_TYPES:
                default = value.args[0] if value.args else None
            else:
                return  # environment reads are looked at as calls
        if not secret_name(name) or default is None or _literal_secret(default) is None:
            return
        if name.startswith("_") and isinstance(ctx.parent, ast.ClassDef):
            return  # a private attribute: no environment variable sets it
        shown = ctx.text(annotation) if annotation is not None else None
        record = (default, name, ctx.text(default), shown, None)
        holder = ctx.parent
        if isinstance(holder, ast.ClassDef):
            if "test" in holder.name.lower():
                return
            bases = [ctx.resolve(base) for base in holder.bases]
            if any(base in SETTINGS_ROOTS for base in bases):
                self._pending.append(record)
            elif any(base is not None and ctx.is_own(base) for base in bases):
                self._pending.append((*record[:4], ctx.qualify(holder.name)))
        elif isinstance(holder, ast.Module) and is_settings_path(ctx.path):
            self._pending.append(record)

    def finish(self, ctx: FileContext) -> None:
        stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py")
        if is_test_path(ctx.path) or stem in _TEST_MODULES:
            return
        if _BENCH_FOLDERS.intersection(ctx.path.split("/")[:-1]):
            return
        for node, name, text, annotation, settings_class in self._pending:
            value = string_value(node)
            if value in self._compared:
                continue
            if value is not None and _placeholder_for_a_provider(name, value):
                continue
            typing = ""
            if annotation in ("str", "str | None", "Optional[str]"):
                typing = " (and type it `SecretStr`)"
            shown = text if len(text) <= 40 else "a literal"
            ctx.report(
                node,
                f"`{name}` defaults to {shown}: a deployment that does not set it runs with "
                f"a secret anyone with the code knows; give it no default{typing} so a "
                "missing value stops the app at start-up",
                when=(SETTINGS_CLASS, settings_class) if settings_class else None,
            )

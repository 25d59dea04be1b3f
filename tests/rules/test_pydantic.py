"""PYD rules: what a user sees (rule, line, message) and what the fixes write."""

from __future__ import annotations

import ast
import textwrap

import pytest

from fastaudit.audit.scan import check_source, scan
from fastaudit.config import Config
from fastaudit.fixes.runner import fix_project, fix_source
from fastaudit.model import Safety

from .conftest import code, found, project_findings, write_tree


# ------------------------------------------------------------------ PYD101 v1 methods
def test_dict_on_a_model_names_the_call_and_its_replacement():
    [finding] = found(
        """
        from pydantic import BaseModel


        class UserOut(BaseModel):
            name: str


        def to_payload(user: UserOut) -> dict:
            return user.dict()
        """,
        "PYD101",
    )
    assert finding.line == 9
    assert finding.message == "`user.dict()` is Pydantic v1 API: use `user.model_dump()`"
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE


def test_model_defined_in_another_file(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": """
                from pydantic import BaseModel


                class Schema(BaseModel):
                    pass
            """,
            "app/schemas.py": """
                from dataclasses import dataclass

                from app.base import Schema


                class UserOut(Schema):
                    name: str


                @dataclass
                class Point:
                    x: int

                    def dict(self):
                        return {"x": self.x}
            """,
            "app/service.py": """
                import httpx

                from app.schemas import Point, UserOut


                def export(user: UserOut, point: Point) -> list:
                    reply = httpx.get("https://example.test")
                    return [user.dict(exclude_none=True), point.dict(), reply.json()]


                def load(raw: dict) -> UserOut:
                    return UserOut.parse_obj(raw)
            """,
        },
    )
    result = scan(tmp_path, Config(select=["PYD101"]))
    shown = [(f.path, f.line, f.message) for f in result.findings]
    assert shown == [
        (
            "app/service.py",
            8,
            "`user.dict(...)` is Pydantic v1 API: use `user.model_dump(...)`",
        ),
        (
            "app/service.py",
            12,
            "`UserOut.parse_obj(...)` is Pydantic v1 API: use `UserOut.model_validate(...)`",
        ),
    ]
    report = fix_project(result, write=True)
    assert not report.errors
    fixed = (tmp_path / "app/service.py").read_text(encoding="utf-8")
    assert "[user.model_dump(exclude_none=True), point.dict(), reply.json()]" in fixed
    assert "return UserOut.model_validate(raw)" in fixed
    assert not scan(tmp_path, Config(select=["PYD101"])).findings


def test_v1_method_fixes_and_their_safety():
    before = code(
        """
        from pydantic import BaseModel


        class Item(BaseModel):
            name: str

            def as_text(self) -> str:
                return self.json(indent=2)  # pretty


        def go(item: Item, row, data):
            a = Item.from_orm(
                row,
            )
            b = item.copy(update={"name": "x"}, deep=True)
            c = Item.parse_raw(data)
            d = Item.construct(name="x")
            return a, b, c, d
        """
    )
    safe_only = fix_source(before, ["PYD101"], unsafe=False)
    assert "return self.json(indent=2)  # pretty" in safe_only
    assert "a = Item.model_validate(\n        row, from_attributes=True,\n    )" in safe_only
    assert 'b = item.model_copy(update={"name": "x"}, deep=True)' in safe_only
    assert "c = Item.model_validate_json(data)" in safe_only
    assert 'd = Item.model_construct(name="x")' in safe_only
    everything = fix_source(before, ["PYD101"])
    assert "return self.model_dump_json(indent=2)  # pretty" in everything
    [json_finding] = [f for f in found(before, "PYD101") if f.line == 8]
    assert json_finding.fix.safety is Safety.UNSAFE
    assert "compact JSON" in json_finding.fix.note


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "item.dict(skip_defaults=True)",
            "`item.dict(...)` is Pydantic v1 API: use `item.model_dump(...)` (not fixed "
            "automatically: `skip_defaults=` is spelled `exclude_unset=` in v2)",
        ),
        (
            "item.copy(include={'name'})",
            "`item.copy(...)` is Pydantic v1 API: use `item.model_copy(...)` (not fixed "
            "automatically: `model_copy()` has no `include=`)",
        ),
        (
            "Item.parse_raw(data, content_type='application/json')",
            "`Item.parse_raw(...)` is Pydantic v1 API: use `Item.model_validate_json(...)` (not "
            "fixed automatically: v2's `model_validate_json()` takes the data alone; move the "
            "other arguments)",
        ),
        (
            "Item.schema()",
            "`Item.schema()` is Pydantic v1 API: use `Item.model_json_schema()` (v2 schemas put "
            "definitions under `$defs`)",
        ),
        (
            "Item.parse_file('item.json')",
            "`Item.parse_file(...)` is Pydantic v1 API: read the file yourself and pass its "
            "text to `Item.model_validate_json()`",
        ),
    ],
)
def test_v1_methods_without_a_safe_rewrite_explain_themselves(call, message):
    [finding] = found(
        f"""
        from pydantic import BaseModel


        class Item(BaseModel):
            name: str


        def go(item: Item, data):
            return {call}
        """,
        "PYD101",
    )
    assert finding.message == message
    assert finding.fix is None


def test_v1_method_names_on_other_objects_do_not_fire():
    assert not found(
        """
        import json
        from pydantic import BaseModel
        from pydantic.v1 import BaseModel as V1Model


        class Item(BaseModel):
            name: str


        class Old(V1Model):
            name: str


        def go(item: Item, old: Old, pairs, payload: dict):
            copied = payload.copy()
            # item.dict() was the old spelling
            text = "item.json()"
            return dict(pairs), copied, text, json.dumps(item.model_dump()), old.dict()
        """,
        "PYD101",
    )


# ------------------------------------------------------------------ PYD102 class Config
GUARDED = """
    import pydantic
    from pydantic import VERSION, BaseModel

    from app.compat import IS_PYDANTIC_V2, PYDANTIC_V1, is_v2_model


    class Ticket(BaseModel):
        title: str


    def dump(ticket: Ticket):
        {test}
            data = ticket.model_dump()
        else:
            data = ticket.dict()
        return data, ticket.copy()
    """


@pytest.mark.parametrize(
    ("test", "v1_branch_left_alone"),
    [
        ("if is_v2_model(ticket):", True),
        ("if IS_PYDANTIC_V2:", True),
        ("if not PYDANTIC_V1:", True),
        ('if hasattr(ticket, "model_dump"):', True),
        ('if pydantic.VERSION >= "2":', True),
        ("if int(VERSION.split('.')[0]) >= 2:", True),
        ("if pydantic.version.VERSION > '1':", True),
        ('if not pydantic.VERSION.startswith("1."):', True),
        ("if is_v2_model(ticket) or not ticket.title:", True),
        # The else branch may run under v2 too: still reported.
        ("if is_v2_model(ticket) and ticket.title:", False),
        ("if pydantic.VERSION >= (2, 0):", True),
        ('if pydantic.VERSION >= "2.5":', False),  # 2.0 to 2.4 take the else branch
        ('if pydantic.VERSION > "2":', False),
        ('if hasattr(ticket, "dict"):', False),
        ("if ticket.title:", False),
    ],
)
def test_the_v1_branch_of_a_version_check_is_left_alone(test, v1_branch_left_alone):
    findings = found(GUARDED.replace("{test}", test), "PYD101")
    lines = sorted(f.line for f in findings)
    # ``ticket.copy()`` after the check is v2 code whatever the branch: always reported.
    assert lines == ([16] if v1_branch_left_alone else [15, 16])


@pytest.mark.parametrize(
    "test",
    [
        'if PV >= "2":',  # the word only in what the name resolves to
        "if major(pydantic_version=True) == 2:",  # in a keyword
        'if SETTINGS["pydantic_version"] >= "2":',  # in a string
    ],
)
def test_a_version_under_another_name_or_in_a_keyword_is_a_version(test):
    """The word is in a keyword or a string, or only in what the name resolves to."""
    source = textwrap.dedent(
        """
        from pydantic import VERSION as PV, BaseModel

        from app.compat import SETTINGS, major


        class Ticket(BaseModel):
            title: str


        def dump(ticket: Ticket):
            {test}
                return ticket.model_dump()
            return ticket.dict()
        """
    ).replace("{test}", test)
    assert found(source, "PYD101") == []


def test_a_version_check_named_by_its_module_alone(tmp_path):
    """A check whose text never spells "pydantic": the module it is defined in does
    (``app/pydantic_shim.py``), and its own ``Version`` resolves under that name."""
    root = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": """
                from pydantic import BaseModel


                class Ticket(BaseModel):
                    title: str
                """,
            "app/pydantic_shim.py": """
                from app.models import Ticket


                class Version:
                    major = 2


                def dump(ticket: Ticket):
                    if Version.major >= 2:
                        return ticket.model_dump()
                    return ticket.dict()


                def copy(ticket: Ticket):
                    return ticket.copy()
                """,
        },
    )
    findings = project_findings(root, "PYD101")
    assert [(f.path, f.line) for f in findings] == [("app/pydantic_shim.py", 15)]


def test_v1_only_code_paths_in_other_shapes():
    findings = found(
        """
        import pydantic
        from pydantic import BaseModel

        from app.compat import PYDANTIC_V1, is_v2_model

        V1 = pydantic.VERSION.startswith("1.")


        class Ticket(BaseModel):
            title: str


        def as_text(ticket: Ticket) -> str:
            if is_v2_model(ticket):
                return ticket.model_dump_json()
            return ticket.json()


        def as_dict(ticket: Ticket) -> dict:
            return ticket.dict() if PYDANTIC_V1 else ticket.model_dump()


        def as_copy(ticket: Ticket, deep: bool) -> Ticket:
            if pydantic.VERSION < "2":
                return ticket.copy(deep=deep)
            elif deep:
                return ticket.model_copy(deep=True)
            return ticket.model_copy()


        def schema_of(ticket: Ticket) -> dict:
            if is_v2_model(ticket):
                print("v2")
            return ticket.schema()


        def v2_only(ticket: Ticket) -> dict:
            if is_v2_model(ticket):
                return ticket.dict()
            return {}
        """,
        "PYD101",
    )
    # ``schema()`` runs under v2 too (the check's branch does not return); a v1 call in
    # the v2 branch is reported as anywhere else.
    assert [f.message.split(" is ")[0] for f in findings] == [
        "`ticket.schema()`",
        "`ticket.dict()`",
    ]


def test_class_config_becomes_config_dict_with_comments_carried_over():
    before = code(
        """
        from pydantic import BaseModel


        class Order(BaseModel):
            id: int

            class Config:  # shared by the API
                # rows come from SQLAlchemy
                orm_mode = True  # read attributes
                schema_extra = {
                    "example": {"id": 7},  # shown in /docs
                }

            def total(self) -> int:  # untouched
                return 0
        """
    )
    [finding] = found(before, "PYD102")
    assert finding.line == 7
    assert finding.message == (
        "`class Config` in `Order` is Pydantic v1 style: use `model_config = ConfigDict(...)`"
    )
    assert fix_source(before, ["PYD102"]) == code(
        """
        from pydantic import BaseModel, ConfigDict


        class Order(BaseModel):
            id: int

            model_config = ConfigDict(
                # shared by the API
                # rows come from SQLAlchemy
                from_attributes=True,  # read attributes
                json_schema_extra={
                    "example": {"id": 7},  # shown in /docs
                },
            )

            def total(self) -> int:  # untouched
                return 0
        """
    )


def test_class_config_on_settings_uses_settings_config_dict():
    before = code(
        """
        from pydantic_settings import BaseSettings


        class AuthSettings(BaseSettings):
            secret: str

            class Config:
                env_prefix = "AUTH_"
                env_file = ".env"
        """
    )
    assert fix_source(before, ["PYD102"]) == code(
        """
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class AuthSettings(BaseSettings):
            secret: str

            model_config = SettingsConfigDict(env_prefix="AUTH_", env_file=".env")
        """
    )


def test_class_config_allow_mutation_is_an_unsafe_fix():
    source = """
        from pydantic import BaseModel


        class Point(BaseModel):
            x: int

            class Config:
                allow_mutation = False
        """
    [finding] = found(source, "PYD102")
    assert finding.fix.safety is Safety.UNSAFE
    assert "model_config = ConfigDict(frozen=True)" in fix_source(code(source), ["PYD102"])


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("fields = {'name': {'alias': 'n'}}", "`fields` has no Pydantic v2 equivalent"),
        ("table = 'points'", "`table` is not a Pydantic setting (code may read it from `Config`)"),
        (
            "@staticmethod\n"
            "                def schema_extra(schema, model):\n"
            "                    pass",
            "it defines `schema_extra()`, which has no `ConfigDict` form",
        ),
    ],
)
def test_class_config_without_a_mechanical_rewrite_is_not_fixed(body, reason):
    [finding] = found(
        f"""
        from pydantic import BaseModel


        class Point(BaseModel):
            x: int

            class Config:
                {body}
        """,
        "PYD102",
    )
    assert finding.fix is None
    assert finding.message.endswith(f"(not fixed automatically: {reason})")


def test_class_config_outside_pydantic_models_is_ignored(tmp_path):
    write_tree(
        tmp_path,
        {
            "jobs.py": """
                class Job:
                    class Config:
                        retries = 3
            """,
            "models.py": """
                from pydantic import BaseModel


                class Base(BaseModel):
                    pass
            """,
            "api.py": """
                from models import Base


                class Thing(Base):
                    class Config:
                        extra = "forbid"
            """,
        },
    )
    findings = scan(tmp_path, Config(select=["PYD102"])).findings
    assert [(f.path, f.line) for f in findings] == [("api.py", 5)]


# ------------------------------------------------------------------ PYD103 orm_mode
def test_orm_mode_everywhere_it_can_be_set():
    source = """
        from pydantic import BaseModel, ConfigDict


        class A(BaseModel, orm_mode=True):
            x: int


        class B(BaseModel):
            model_config = {"orm_mode": True}


        class C(BaseModel):
            class Config:
                orm_mode = True


        class D(BaseModel):
            model_config = ConfigDict(orm_mode=True, from_attributes=True)
        """
    findings = found(source, "PYD103")
    assert [f.line for f in findings] == [4, 9, 14, 18]
    assert findings[0].message == (
        "`orm_mode` is the Pydantic v1 name: v2 ignores it (with a warning), so attribute "
        "loading stays off; use `from_attributes=True`"
    )
    assert findings[3].fix is None
    assert "already set here, so remove it" in findings[3].message
    fixed = fix_source(code(source), ["PYD103"])
    assert "class A(BaseModel, from_attributes=True):" in fixed
    assert 'model_config = {"from_attributes": True}' in fixed
    assert "        from_attributes = True" in fixed


# ------------------------------------------------------------------ PYD104 json_encoders
def test_json_encoders_sites():
    source = """
        from datetime import datetime
        from pydantic import BaseModel, ConfigDict


        class A(BaseModel):
            class Config:
                json_encoders = {datetime: str}


        class B(BaseModel):
            model_config = ConfigDict(json_encoders={datetime: str})


        json_encoders = {datetime: str}  # a module-level dict of our own
        """
    findings = found(source, "PYD104")
    assert [f.line for f in findings] == [7, 11]
    assert findings[0].message == (
        "`json_encoders` in `A` is deprecated in Pydantic v2: serialise with "
        "`@field_serializer`, or `Annotated[T, PlainSerializer(...)]` on the type"
    )
    assert all(f.fix is None for f in findings)


# ------------------------------------------------------------------ PYD105 validators
def test_validator_fix_is_mechanical_and_keeps_the_body():
    # The comment of a removed argument stays on its own line, where it was, rather
    # than being moved onto an argument it never described.
    before = code(
        """
        from pydantic import BaseModel, validator


        class Form(BaseModel):
            email: str

            @validator(
                "email",
                pre=True,
                allow_reuse=True,  # shared
            )
            def lower(cls, value):  # normalise
                return str(value).lower()
        """
    )
    [finding] = found(before, "PYD105")
    assert finding.line == 7
    assert finding.message == (
        "`@validator(..., pre=True)` is deprecated in Pydantic v2: use "
        '`@field_validator(..., mode="before")` with `@classmethod`'
    )
    assert fix_source(before, ["PYD105"]) == code(
        """
        from pydantic import BaseModel, field_validator


        class Form(BaseModel):
            email: str

            @field_validator(
                "email",
                mode="before",
                # shared
            )
            @classmethod
            def lower(cls, value):  # normalise
                return str(value).lower()
        """
    )


@pytest.mark.parametrize(
    ("decorator", "signature", "message"),
    [
        (
            '@validator("a", always=True)',
            "(cls, value)",
            "`@validator(..., always=True)` is Pydantic v1 API: use `@field_validator` and "
            "set `validate_default=True` on the field",
        ),
        (
            '@validator("a", each_item=True)',
            "(cls, value)",
            "`@validator(..., each_item=True)` is Pydantic v1 API: v2 has no `each_item`; "
            "validate the item type instead (`list[Annotated[T, AfterValidator(...)]]`)",
        ),
        (
            '@validator("a")',
            "(cls, value, values)",
            "`@validator` is deprecated in Pydantic v2: use `@field_validator` with "
            "`@classmethod` (it takes `values`: in v2 take `info: ValidationInfo` and read "
            "`info.data`)",
        ),
        (
            "@root_validator",
            "(cls, values)",
            "`@root_validator` is deprecated in Pydantic v2: use "
            '`@model_validator(mode="after")`, which receives the model instance (`self`) '
            "rather than a dict of values; v2 refuses this one outright without "
            "`skip_on_failure=True`",
        ),
    ],
)
def test_validators_that_need_a_person(decorator, signature, message):
    [finding] = found(
        f"""
        from pydantic import BaseModel, root_validator, validator


        class Form(BaseModel):
            a: str

            {decorator}
            def check{signature}:
                return value
        """,
        "PYD105",
    )
    assert finding.message == message
    assert finding.fix is None


def test_pre_root_validator_fix_is_unsafe():
    before = code(
        """
        import pydantic


        class Window(pydantic.BaseModel):
            width: int

            @pydantic.root_validator(pre=True)
            def fill(cls, values):
                return values
        """
    )
    [finding] = found(before, "PYD105")
    assert finding.fix.safety is Safety.UNSAFE
    assert fix_source(before, ["PYD105"], unsafe=False) == before
    assert '    @pydantic.model_validator(mode="before")\n    @classmethod\n' in fix_source(
        before, ["PYD105"]
    )


def test_validator_used_twice_adds_field_validator_import():
    before = code(
        """
        from pydantic import BaseModel, validator


        class Form(BaseModel):
            a: str
            b: str

            @validator("a")
            def one(cls, value):
                return value

            @validator("b", always=True)
            def two(cls, value):
                return value
        """
    )
    fixed = fix_source(before, ["PYD105"])
    assert fixed.startswith("from pydantic import BaseModel, field_validator, validator\n")
    assert '@field_validator("a")\n    @classmethod\n    def one' in fixed
    assert '@validator("b", always=True)' in fixed


# ------------------------------------------------------------------ PYD106 BaseSettings
def test_base_settings_import_is_split_out():
    before = code(
        """
        from pydantic import (
            BaseSettings,
            Field,  # constraints
        )
        from pydantic import SecretStr, BaseSettings as Settings
        """
    )
    findings = found(before, "PYD106")
    assert [f.line for f in findings] == [1, 5]
    assert findings[0].message == (
        "`BaseSettings` is imported from `pydantic`: it moved to the `pydantic-settings` "
        "package in v2 (`from pydantic_settings import BaseSettings`)"
    )
    assert fix_source(before, ["PYD106"], unsafe=False) == code(
        """
        from pydantic import (
            Field,  # constraints
        )
        from pydantic_settings import BaseSettings
        from pydantic import SecretStr
        from pydantic_settings import BaseSettings as Settings
        """
    )


def test_base_settings_through_the_module():
    before = code(
        """
        import pydantic


        class Settings(pydantic.BaseSettings):
            debug: bool = False
        """
    )
    assert fix_source(before, ["PYD106"]) == code(
        """
        import pydantic_settings


        class Settings(pydantic_settings.BaseSettings):
            debug: bool = False
        """
    )


# ------------------------------------------------------------------ PYD107 None default
def test_none_default_on_a_non_optional_field():
    source = """
        from typing import Annotated, Optional
        from pydantic import BaseModel, Field


        class Query(BaseModel):
            limit: int = Field(None, ge=1, le=100)
            tags: list[str] = Field(default=None)
            offset: Optional[int] = Field(default=None, ge=0)
            cursor: Annotated[str | None, "opaque"] = Field(default=None)
            page: int = Field(default=1, ge=1)
        """
    findings = found(source, "PYD107")
    assert [f.line for f in findings] == [6, 7]
    assert findings[0].message == (
        "`limit: int` has a `None` default from `Field(...)`, which its type does not allow "
        "and Pydantic does not validate (nor is `ge=` checked for it): make it `int | None`, "
        "or drop the default to make the field required"
    )
    assert findings[0].fix.safety is Safety.UNSAFE
    fixed = fix_source(code(source), ["PYD107"])
    assert "limit: int | None = Field(None, ge=1, le=100)" in fixed
    assert "tags: list[str] | None = Field(default=None)" in fixed
    assert fix_source(code(source), ["PYD107"], unsafe=False) == code(source)


# ------------------------------------------------------------------ all together
def test_whole_v1_model_file_fixes_to_valid_v2():
    before = code(
        '''
        """Schemas."""

        from pydantic import BaseModel, BaseSettings, Field, validator


        class UserOut(BaseModel):
            name: str
            age: int = Field(default=None, ge=18)

            class Config:
                orm_mode = True  # rows

            @validator("name")
            def strip(cls, value):
                return value.strip()

            def payload(self) -> dict:
                return self.dict()


        class Settings(BaseSettings):
            class Config:
                env_file = ".env"
        '''
    )
    rules = ["PYD101", "PYD102", "PYD103", "PYD104", "PYD105", "PYD106", "PYD107"]
    fixed = fix_source(before, rules)
    ast.parse(fixed)
    assert not check_source(fixed, rule_ids=rules)
    assert "from_attributes=True,  # rows" in fixed
    assert "from pydantic_settings import BaseSettings" in fixed
    assert "age: int | None = Field(default=None, ge=18)" in fixed
    assert "return self.model_dump()" in fixed


# ------------------------------------------------ PYD107 on real-code shapes (issue 12)
@pytest.mark.parametrize(
    "annotation",
    [
        "SkipJsonSchema[int | None]",
        "SkipJsonSchema[Optional[UUID]]",
        "EmptyStrToNone",  # an alias of Annotated[str | None, ...] in the project
    ],
)
def test_none_default_on_types_that_may_allow_none_is_quiet(annotation):
    source = f"""
        from typing import Optional
        from uuid import UUID

        from pydantic import BaseModel, Field
        from pydantic.json_schema import SkipJsonSchema

        from app.kit.types import EmptyStrToNone


        class Patch(BaseModel):
            value: {annotation} = Field(default=None)
        """
    findings = [
        f for f in check_source(code(source), "app/schemas.py", ["PYD107"]) if f.rule == "PYD107"
    ]
    assert findings == []


def test_none_default_on_a_plain_type_is_still_reported():
    source = """
        from pydantic import BaseModel, Field


        class Patch(BaseModel):
            value: list[int] = Field(default=None)
        """
    findings = check_source(code(source), "app/schemas.py", ["PYD107"])
    assert [f.rule for f in findings] == ["PYD107"]


def test_none_default_through_a_project_alias_below_the_scan_root(tmp_path):
    """A monorepo scanned from its top: ``server/shop/...`` imports ``shop.types``. The
    alias may admit None (``Annotated[str | None, ...]``), so it is not judged."""
    write_tree(
        tmp_path,
        {
            "server/shop/__init__.py": "",
            "server/shop/types.py": """
                from typing import Annotated

                from pydantic import AfterValidator

                BlankToNone = Annotated[str | None, AfterValidator(lambda v: v or None)]
                """,
            "server/shop/schemas.py": """
                from pydantic import BaseModel, Field

                from shop.types import BlankToNone


                class Signup(BaseModel):
                    nickname: BlankToNone = Field(default=None)
                    age: int = Field(default=None)
                """,
        },
    )
    findings = scan(tmp_path, Config(select=["PYD107"])).findings
    assert [(f.path, f.line) for f in findings] == [("server/shop/schemas.py", 8)]


def test_field_spelling_fixes_stay_safe_under_a_pydantic_1_pin(tmp_path):
    # `Field(default=...)` and a plain default are Pydantic v1 spellings too.
    write_tree(
        tmp_path,
        {
            "requirements.txt": "pydantic<2\n",
            "app/schemas.py": """
                from pydantic import BaseModel, Field


                class Page(BaseModel):
                    size: int = Field(20, le=100)
                    sort: str = Field(default="-id")
                """,
        },
    )
    result = scan(tmp_path, Config(select=["PYD108", "PYD109"])).findings
    assert [(f.rule, f.fix.safety if f.fix else None) for f in result] == [
        ("PYD108", "safe"),
        ("PYD109", "safe"),
    ]


def test_dropping_a_required_marker_is_unsafe_where_none_may_be_allowed():
    result = found(
        """
        from typing import Optional

        from pydantic import BaseModel, Field


        class Item(BaseModel):
            a: int = Field(..., ge=1)
            b: Optional[int] = Field(..., ge=1)
            c: Optional[int] = Field(...)
            d: int = Field(...)
        """,
        ["PYD108", "PYD109"],
    )
    assert [(f.rule, f.line, f.fix.safety if f.fix else None) for f in result] == [
        ("PYD108", 7, Safety.SAFE),
        ("PYD108", 8, Safety.UNSAFE),
        ("PYD109", 9, Safety.UNSAFE),
        ("PYD109", 10, Safety.SAFE),
    ]


def test_extra_allow_is_reported_only_on_models_routes_take(tmp_path):
    write_tree(
        tmp_path,
        {
            "app/schemas.py": """
                from pydantic import BaseModel, Extra


                class ItemIn(BaseModel):
                    name: str

                    class Config:
                        extra = Extra.allow


                class Webhook(BaseModel, extra="allow"):
                    kind: str


                class Settings(BaseModel):
                    model_config = {"extra": "allow"}


                class Filters(BaseModel):
                    model_config = {"extra": "allow"}
                """,
            "app/routes.py": """
                from typing import Annotated

                from fastapi import APIRouter, Depends

                from app.schemas import Filters, ItemIn, Settings, Webhook

                router = APIRouter()


                @router.post("/items")
                async def create(items: list[ItemIn] | None = None) -> None: ...


                @router.get("/search")
                async def search(filters: Annotated[Filters, Depends()]) -> None: ...


                def helper(settings: Settings, hook: Webhook) -> None: ...
                """,
        },
    )
    result = project_findings(tmp_path, "PYD110")
    assert [(f.path, f.line) for f in result] == [("app/schemas.py", 8)]
    assert "request parameter of `create` (app/routes.py:11)" in result[0].message

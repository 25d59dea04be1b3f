"""``fastaudit learn``: a guided tour of the practices, one area at a time, each shown
with this project's own instances. Progress (steps marked done) is kept per project in
the user cache directory, so a tour can be resumed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fastaudit.engine.cache import cache_dir
from fastaudit.model import Finding
from fastaudit.rules import all_rules
from fastaudit.rules.base import Rule


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    title: str
    practice: str
    why: str


AREAS: tuple[Area, ...] = (
    Area(
        "layout",
        "Project layout",
        "Group code by domain (auth/, orders/, ...) with each domain owning its router, "
        "schemas, models and service; other domains import its modules by name.",
        "A feature then lives in one folder: easy to find, review and change, and "
        "domains stay loosely coupled.",
    ),
    Area(
        "async",
        "Async routes",
        "In `async def` code, only await non-blocking work; blocking libraries belong in "
        "plain `def` routes or behind `run_in_threadpool`.",
        "One blocking call in an async route stalls every request the worker serves.",
    ),
    Area(
        "security",
        "Security",
        "Keep secrets out of code (`SecretStr` settings read from the environment), verify "
        "every token, build SQL with bound parameters, never trust a client's path, URL "
        "or bytes, and allow credentials only for the origins you name.",
        "These mistakes pass every functional test and surface only when someone exploits them.",
    ),
    Area(
        "pydantic",
        "Pydantic v2",
        "Use the v2 API: `model_config`, `model_dump()`, `field_validator`, "
        "`field_serializer`; settings from `pydantic_settings`.",
        "v1 spellings are deprecated or gone, and mixing both makes upgrades painful.",
    ),
    Area(
        "dependencies",
        "Dependencies",
        "Declare dependencies and parameters with `Annotated[T, Depends(...)]`; let "
        "dependencies validate, not just inject.",
        "Annotated keeps the function callable as plain Python and reusable type aliases "
        "remove repetition.",
    ),
    Area(
        "auth",
        "Authentication",
        "Use PyJWT and always pass the accepted `algorithms=` when decoding.",
        "python-jose is unmaintained, and decoding without fixed algorithms invites "
        "algorithm-confusion attacks.",
    ),
    Area(
        "database",
        "Database",
        "SQLAlchemy 2.0 async sessions, a naming convention on the metadata, singular "
        "snake_case tables, `_at`/`_date` suffixes, one FK column name per target.",
        "Consistent names make migrations and queries predictable, and async sessions "
        "keep the event loop free.",
    ),
    Area(
        "migrations",
        "Migrations",
        "Alembic with dated, descriptive file names, async env.py, reversible revisions.",
        "A migration history people can read and roll back is an operational safety net.",
    ),
    Area(
        "docs",
        "Routes and API docs",
        "Declare status codes and response types; hide docs outside the environments that "
        "need them; catch specific exceptions.",
        "Accurate OpenAPI docs are free documentation, and exposed docs are free "
        "reconnaissance for attackers.",
    ),
    Area(
        "tests",
        "Tests",
        "Test through `httpx.AsyncClient` with `ASGITransport`, override dependencies "
        "with `app.dependency_overrides`, use a real database.",
        "Tests then exercise the same async stack as production, without brittle mocks.",
    ),
    Area(
        "tooling",
        "Tooling and versions",
        "Pin the compatibility matrix minimums and use ruff for lint and format.",
        "Old pins keep deprecated APIs alive; one fast tool replaces four slow ones.",
    ),
)


def rules_for(area: Area) -> list[type[Rule]]:
    """The rules taught in ``area``: those of the families whose learn area it is (see
    rules/families.py), and those that name it themselves."""
    return [rule for rule in all_rules().values() if rule.learn_area_key() == area.key]


def findings_for(area: Area, findings: list[Finding]) -> list[Finding]:
    ids = {rule.id for rule in rules_for(area)}
    return [f for f in findings if f.rule in ids]


def example_rule(area: Area, findings: list[Finding]) -> type[Rule] | None:
    """The rule whose Do/Don't illustrates the area: one this project breaks, if any."""
    rules = rules_for(area)
    broken = {f.rule for f in findings_for(area, findings)}
    for rule in rules:
        if rule.id in broken:
            return rule
    return rules[0] if rules else None


class Progress:
    """Which steps a person marked done, per project, kept between runs."""

    def __init__(self, root: Path) -> None:
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = cache_dir() / f"learn-{key}.json"
        self.done: set[str] = set()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.done = {k for k in data.get("done", []) if isinstance(k, str)}
        except (OSError, ValueError, AttributeError):
            self.done = set()

    def mark(self, key: str, done: bool = True) -> None:
        (self.done.add if done else self.done.discard)(key)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_suffix(".tmp")
            temp.write_text(json.dumps({"done": sorted(self.done)}), encoding="utf-8")
            temp.replace(self.path)
        except OSError:
            pass

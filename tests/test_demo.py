"""The bundled demo project ("shopfront"): every seeded problem is found at its line,
the correct look-alikes are left alone, `--fix` leaves working code, and the copy shipped
inside the package is never touched.

The demo is always audited from a copy (``fastaudit.cli.copy_demo``), as `fastaudit demo`
does. Each row of ``EXPECTED`` names a seed by a piece of its text (its anchor), not by line
number, so seeding a new problem does not shift the other rows; the finding must still be
reported on exactly the anchor's line.
"""

from __future__ import annotations

import ast
import hashlib
import tomllib
from functools import cache
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement

from fastaudit.audit.scan import check_source, scan
from fastaudit.cli import copy_demo, demo_source, main
from fastaudit.rules import FAMILIES, all_rules

# Every family is compared exactly with EXPECTED: the demo holds a true instance of every
# rule that runs by default (opt-in rules are checked in test_opt_in_rules_have_instances).
CHECKED_FAMILIES = tuple(FAMILIES)
NOT_SEEDED: dict[str, str] = {
    # The demo hashes passwords only in sync helpers; ASY108 reports them (below).
    "ASY109": "issue 14 hashing step: no hash written in an async body of the demo",
    # A terminal prompt in served code is rare (none in the calibration set); the rule's
    # own examples cover it, and a seeded one would look contrived.
    "ASY110": "issue 14 peer rules: no `input()` on a route's path in the demo",
    # Issue 14 asyncio-peer rules: not seeded, to keep the demo's findings (and the TUI
    # snapshots built on them) still while the other issue-14 steps land.
    "ASY112": "issue 14: no async helper of the demo enforces its own timeout",
    "ASY113": "issue 14: the demo polls nothing with asyncio.sleep",
    "ASY114": "issue 14: the demo's awaitless async routes block outright or stay cheap",
    # Issue 16 security rules, part 1: not seeded, so the demo's findings and the TUI
    # snapshots built on them stay still while the other issue-16 steps land.
    "SEC101": "issue 16: the demo's CORS names its origins",
    "SEC102": "issue 16: the demo's app takes debug from nowhere (off)",
    "SEC103": "issue 16: the demo verifies every token it decodes",
    "SEC104": "issue 16: the demo's settings give secrets no default",
    "SEC105": "issue 16: the demo builds SQL with SQLAlchemy expressions only",
    "SEC106": "issue 16: the demo's routes answer failures with fixed messages",
    "SEC107": "issue 16: the demo sets no cookie",
    "SEC108": "issue 16: the demo serves no file by a client's path",
    "SEC109": "issue 16: the demo redirects nowhere the client names",
    "SEC110": "issue 16: the demo deserialises nothing with pickle or yaml",
    # Issue 16 route-correctness rules: the demo's routes are written correctly on these
    # points, and seeding them would move the TUI snapshots under review.
    "RTE104": "issue 16: every path parameter of the demo reaches its endpoint",
    "RTE105": "issue 16: the demo declares each route once",
    "RTE106": "issue 16: the demo's 204 routes return nothing",
    "RTE107": "issue 16: the demo adds CORSMiddleware last",
    # Issue 16 misc step: not seeded, to keep the demo's findings (and the TUI snapshots
    # built on them) still while the other issue-16 steps land.
    "TST104": "issue 16: the demo's tests already pass ASGITransport",
    "PYD109": "issue 16: the demo's Field calls all carry constraints",
    "PYD110": "issue 16: the demo's request models keep the default extra handling",
    "PIN111": "issue 16: the demo has no pre-commit configuration",
    # A pre-commit configuration in the demo would add TLG101/PIN findings to the default
    # view (and to the TUI snapshots built on it); the rule's examples and tests cover it.
    "TLG102": "issue 16: the demo has no pre-commit configuration",
}

# (path, rule, anchor): the finding is reported on the line where the anchor text starts.
# An anchor must occur once in its file; where a line's text repeats, the anchor runs on
# into the next line(s) ("\n") until it is unique.
EXPECTED: list[tuple[str, str, str]] = [
    # ASY: blocking calls directly in an async def
    ("src/catalog/images.py", "ASY103", 'with open(target, "wb")'),
    ("src/catalog/images.py", "ASY105", "subprocess.run("),
    ("src/notifications/service.py", "ASY101", "requests.post(settings.SLACK_WEBHOOK_URL"),
    ("src/orders/router.py", "ASY104", "db.query(Order)"),
    ("src/orders/service.py", "ASY102", "time.sleep(0.05 * attempt)"),
    ("src/orders/webhooks.py", "ASY111", "asyncio.create_task(notification_service"),
    # ASY108: hashlib.scrypt (src/auth/security.py) reached through the password helpers
    ("src/auth/service.py", "ASY108", "hashed_password=hash_password(payload.password)"),
    ("src/auth/service.py", "ASY108", "not verify_password(password, user.hashed_password)"),
    ("src/auth/service.py", "ASY108", "user.hashed_password = hash_password(password)"),
    # DEP: Depends/Query/Header/File as parameter defaults
    ("src/catalog/router.py", "DEP102", "file: UploadFile = File(...)"),
    ("src/orders/router.py", "DEP102", "page: int = Query(1, ge=1)"),
    ("src/orders/router.py", "DEP102", "page_size: int = Query(20"),
    ("src/orders/router.py", "DEP101", "user: User = Depends(get_current_user),\n    db: Session"),
    ("src/orders/router.py", "DEP101", "db: Session = Depends(get_db)"),
    ("src/orders/router.py", "DEP101", "user: User = Depends(get_current_user),\n    session:"),
    ("src/orders/router.py", "DEP101", "session: AsyncSession = Depends(get_session)"),
    ("src/orders/router.py", "DEP102", "idempotency_key: str | None = Header(default=Non"),
    # RTE: redundant response_model; a route swallowing every exception
    ("src/catalog/router.py", "RTE101", '@router.get("/{product_id}", response_model=ProductOut)'),
    ("src/orders/router.py", "RTE102", 'except Exception:\n        logger.exception("cancelling'),
    # LIB: replaced libraries (python-jose's JWTError is part of LIB101's fix)
    ("src/orders/webhooks.py", "LIB101", "from jose import JWTError, jwt"),
    ("tests/test_orders.py", "LIB102", "from async_asgi_testclient import TestClient"),
    ("src/database.py", "LIB103", "import databases"),
    ("src/auth/security.py", "LIB104", "claims = jwt.decode(token, auth_settings.SECRET_"),
    ("src/orders/webhooks.py", "LIB104", "jwt.decode(token, orders_settings.PAYMENT_WEBHOO"),
    # PYD: Pydantic v1 leftovers
    ("src/catalog/cache.py", "PYD101", "ProductOut.parse_raw(raw)"),
    ("src/notifications/service.py", "PYD101", "content=event.json()"),
    ("src/orders/router.py", "PYD101", "OrderOut.from_orm(row)"),
    ("src/orders/service.py", "PYD101", "payload = payload.copy(update="),
    ("src/orders/service.py", "PYD101", "**payload.dict(exclude="),
    ("src/orders/webhooks.py", "PYD101", "PaymentEvent.parse_obj(claims)"),
    ("src/orders/config.py", "PYD102", "class Config:"),
    (
        "src/orders/schemas.py",
        "PYD102",
        "class Config:\n        orm_mode = True\n\n\nclass OrderOut",
    ),
    (
        "src/orders/schemas.py",
        "PYD102",
        "class Config:\n        orm_mode = True\n        json_encoders",
    ),
    ("src/orders/schemas.py", "PYD103", "orm_mode = True\n\n\nclass OrderOut"),
    ("src/orders/schemas.py", "PYD103", "orm_mode = True\n        json_encoders"),
    ("src/orders/schemas.py", "PYD104", "json_encoders = {Decimal"),
    ("src/auth/schemas.py", "PYD105", '@validator("password")'),
    ("src/orders/schemas.py", "PYD105", "@root_validator(skip_on_failure=True)"),
    ("src/orders/config.py", "PYD106", "from pydantic import BaseSettings"),
    ("src/catalog/schemas.py", "PYD107", "stock: int = Field(default=None, ge=0)"),
    # PIN: dependency declarations and locks
    ("pyproject.toml", "PIN105", 'requires-python = ">=3.10"'),
    ("pyproject.toml", "PIN101", '"fastapi>=0.110,<0.116",'),
    ("pyproject.toml", "PIN101", '"pydantic[email]>=2.5",'),
    ("pyproject.toml", "PIN106", '"databases[asyncpg]>=0.9",'),
    ("pyproject.toml", "PIN106", '"python-jose[cryptography]>=3.3",'),
    ("pyproject.toml", "PIN106", '"async-asgi-testclient>=1.4",'),
    ("pyproject.toml", "PIN106", '"black>=24.3",'),
    ("pyproject.toml", "PIN106", '"isort>=5.13",'),
    ("requirements.txt", "PIN102", "fastapi==0.110.2"),
    ("requirements.txt", "PIN102", "pydantic[email]==2.6.4"),
    ("requirements.txt", "PIN102", "pydantic-settings==2.2.1"),
    ("requirements.txt", "PIN104", "alembic>=1.11,<1.13"),
    ("requirements.txt", "PIN106", "databases[asyncpg]==0.9.0"),
    ("requirements.txt", "PIN106", "python-jose[cryptography]==3.3.0"),
    ("requirements.txt", "PIN102", "PyJWT==2.8.0"),
    ("requirements-dev.txt", "PIN106", "async-asgi-testclient==1.4.11"),
    ("requirements-dev.txt", "PIN106", "black==24.3.0"),
    ("requirements-dev.txt", "PIN106", "isort==5.13.2"),
    ("uv.lock", "PIN103", 'version = "0.110.2"'),
    ("uv.lock", "PIN103", 'version = "2.6.4"'),
    ("uv.lock", "PIN103", 'version = "2.2.1"'),
    ("src/catalog/cache.py", "PIN107", "import redis.asyncio as redis"),
    ("scripts/requirements.txt", "PIN108", "jwt==1.3.1"),
    ("Pipfile", "PIN109", "<<<<<<< HEAD"),
    ("scripts/requirements.txt", "PIN110", "httpx @ git+"),
    # STR: cross-domain imports; auth -> notifications -> orders -> auth cycle
    # The back office is a second app laid out by file type (routers/ schemas/ services/)
    ("backoffice/main.py", "STR101", "app = FastAPI("),
    ("src/auth/router.py", "STR103", "from src.notifications import service as notific"),
    ("src/orders/quotes.py", "STR102", "from src.catalog.pricing.discounts import apply_d"),
    # SET: settings and docs exposure
    ("src/config.py", "SET101", "class Settings(BaseSettings):"),
    ("src/notifications/service.py", "SET102", 'os.getenv("MAIL_API_URL"'),
    ("src/notifications/service.py", "SET102", 'os.getenv("EVENTS_URL"'),
    ("src/main.py", "SET103", "app = FastAPI("),
    # DBS: database conventions
    ("src/database.py", "DBS101", "legacy_engine = create_engine("),
    ("src/database.py", "DBS102", "metadata = MetaData()"),
    ("src/catalog/models.py", "DBS103", '__tablename__ = "categories"'),
    ("src/auth/models.py", "DBS104", "last_login: Mapped[datetime | None]"),
    ("src/catalog/models.py", "DBS104", "available_from: Mapped[date | None]"),
    ("src/orders/models.py", "DBS104", "placed = Column(DateTime"),
    ("src/orders/models.py", "DBS105", 'customer_id = Column(ForeignKey("user.id")'),
    # MIG: Alembic
    ("alembic.ini", "MIG101", "[alembic]"),
    ("migrations/env.py", "MIG102", "from sqlalchemy import engine_from_config, pool"),
    (
        "migrations/versions/a41c7d0e93b2_add_order_tables.py",
        "MIG103",
        "def downgrade() -> None:",
    ),
    ("migrations/versions/e7b3f9d21c04_.py", "MIG104", '"""empty message'),
    # DOC: route documentation and sync/async choices
    ("src/auth/router.py", "DOC101", '@router.post("/me/addresses")'),
    ("src/orders/router.py", "DOC102", '@router.post("/")'),
    ("src/orders/router.py", "RTE103", "background_tasks.add_task(payments.refund"),
    ("src/auth/dependencies.py", "ASY106", "def require_staff("),
    ("src/catalog/router.py", "ASY107", "def sort_options("),
    # TST: tests
    ("tests/test_auth.py", "TST101", "client = TestClient(app)"),
    ("tests/test_auth.py", "TST102", 'monkeypatch.setattr("src.auth.dependencies.get_c'),
    ("tests/test_orders.py", "TST103", "session = MagicMock()"),
    # TLG: black and isort configured, ruff absent
    ("pyproject.toml", "TLG101", "[tool.black]"),
    ("pyproject.toml", "TLG101", "[tool.isort]"),
]

# Correct code that resembles a seeded problem: no finding of a checked family may be
# reported on these lines. (path, text on the line, why it is fine)
LOOK_ALIKES: list[tuple[str, str, str]] = [
    ("src/orders/payments.py", "requests.post,", "handed to run_in_threadpool, not called"),
    ("src/orders/payments.py", "return response.json()", "httpx response, not a Pydantic model"),
    ("src/notifications/service.py", 'return response.json()["id"]', "httpx response"),
    ("src/notifications/retry.py", "await sleep(base_delay", "the module's own sleep coroutine"),
    ("src/catalog/images.py", "asyncio.create_subprocess_exec", "the async subprocess API"),
    ("src/catalog/images.py", "asyncio.to_thread(path.read_bytes)", "file read in a thread"),
    ("src/catalog/router.py", "for product in db.scalars(", "sync Session in a sync def route"),
    ("src/catalog/router.py", "def export_catalog(", "a sync route that does block"),
    ("src/catalog/router.py", "dependencies=[Depends(require_staff)])", "not a parameter"),
    ("src/catalog/router.py", "limit: Annotated[int, Query(ge=1, le=100)] = 20", "Annotated"),
    ("src/catalog/router.py", "except service.DuplicateSlug as exc:", "a specific exception"),
    ("src/catalog/router.py", '@router.patch("/{product_id}", response_model=', "no annotation"),
    ("src/catalog/router.py", "from src.catalog import cache, images, service", "own domain"),
    ("src/catalog/schemas.py", "discount_percent: int | None = Field(default=None", "Optional"),
    ("src/catalog/schemas.py", '@field_validator("name")', "the Pydantic v2 validator"),
    ("src/auth/router.py", '@router.get("/me", response_model=UserOut)', "no annotation"),
    ("src/auth/router.py", "form: Annotated[OAuth2PasswordRequestForm, Depends()]", "Annotated"),
    ("src/auth/router.py", '@router.post("/register", status_code=', "says 201"),
    ("src/auth/router.py", "background_tasks.add_task(notification_service.send_w", "e-mail"),
    ("src/auth/security.py", "algorithms=[auth_settings.JWT_ALGORITHM],", "algorithms given"),
    ("src/auth/dependencies.py", "except InvalidTokenError as exc:", "PyJWT's exception"),
    ("src/auth/dependencies.py", "async def get_current_user(", "an async dependency"),
    ("src/orders/router.py", "return price_cart(subtotal, discount).dict()", "dataclass method"),
    ("src/orders/router.py", "OrderOut.model_validate(order, from_attributes=True)", "v2 API"),
    ("src/orders/router.py", "        raise\n", "re-raised after logging"),
    ("src/orders/router.py", "except ValueError as exc:", "a specific exception"),
    ("src/orders/router.py", "order = db.get(Order, order_id)", "sync Session in a sync route"),
    ("src/orders/router.py", '@router.post("/{order_id}/cancel")', "an action, not a creation"),
    ("src/orders/router.py", "background_tasks.add_task(notification_service.notif", "an alert"),
    ("src/orders/router.py", "from src.notifications import service as notificat", "module alias"),
    ("src/orders/invoices.py", 'with open(path, "w", encoding="utf-8")', "called from sync def"),
    ("src/orders/reports.py", "return [dict(row._mapping) for row in rows]", "builtin dict"),
    ("src/auth/models.py", "created_at: Mapped[datetime]", "named *_at"),
    ("src/auth/models.py", 'user_id: Mapped[int] = mapped_column(ForeignKey("user.id"', "usual"),
    ("scripts/seed_catalog.py", "time.sleep(2**attempt)", "a sync script"),
    ("scripts/seed_catalog.py", "response = requests.get(url, timeout=30)", "a sync script"),
    ("scripts/make_dev_token.py", "me = httpx.get(", "sync httpx in a sync script"),
    ("tests/conftest.py", "app.dependency_overrides[get_current_user] = lambda", "overrides"),
    ("tests/test_catalog.py", 'assert response.json()["detail"]', "httpx response"),
    ("tests/test_auth.py", 'monkeypatch.setattr(service, "get_user_by_email"', "not a Depends"),
    ("tests/test_orders.py", "assert totals.dict() == {", "a dataclass method"),
    (".python-version", "3.12", "a supported Python"),
    ("pyproject.toml", '"pyjwt>=2.9",', "at the minimum"),
    ("pyproject.toml", '"pydantic-settings>=2.4",', "at the minimum (the lock is stale)"),
    ("requirements.txt", "httpx==0.27.0", "at the minimum"),
    ("requirements-dev.txt", "-r requirements.txt", "an include: its lines are reported there"),
    ("uv.lock", 'version = "2.9.0"', "pyjwt locked at the minimum"),
    (
        "migrations/versions/5c1f0e2a9b7d_create_user_and_catalog_tables.py",
        "op.drop_table(",
        "real",
    ),
]

# Files with nothing wrong at all.
CLEAN_FILES = [
    "migrations/versions/5c1f0e2a9b7d_create_user_and_catalog_tables.py",
    "scripts/make_dev_token.py",
    "scripts/seed_catalog.py",
    "src/auth/config.py",
    "src/catalog/dependencies.py",
    "src/catalog/service.py",
    "src/models.py",
    "src/notifications/retry.py",
    "src/notifications/schemas.py",
    "src/orders/cart.py",
    "src/orders/invoices.py",
    "src/orders/payments.py",
    "src/orders/reports.py",
    "tests/conftest.py",
    "tests/test_catalog.py",
]


def anchor_line(root: Path, path: str, anchor: str) -> int:
    """The line where ``anchor`` starts in ``path``; it must start on exactly one line."""
    text = (root / path).read_text(encoding="utf-8")
    starts: set[int] = set()
    at = text.find(anchor)
    while at != -1:
        starts.add(text.count("\n", 0, at) + 1)
        at = text.find(anchor, at + 1)
    assert starts, f"{path} no longer holds {anchor!r}"
    assert len(starts) == 1, (
        f"{anchor!r} occurs on lines {sorted(starts)} of {path}: "
        "lengthen the anchor (it may run on into the next line) until it is unique"
    )
    return starts.pop()


@cache
def expected_keys() -> frozenset[tuple[str, int, str]]:
    """EXPECTED as (path, line, rule), each anchor found in the shipped demo."""
    root = demo_source()
    rules = all_rules()
    return frozenset(
        (path, anchor_line(root, path, anchor), rule)
        for path, rule, anchor in EXPECTED
        if rule in rules
    )


def checked(findings) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule) for f in findings if f.rule[:3] in CHECKED_FAMILIES}


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo") / "shopfront")


@pytest.fixture(scope="module")
def demo_result(demo):
    return scan(demo)


def test_every_anchor_starts_on_one_line():
    root = demo_source()
    for path, _, anchor in EXPECTED:
        anchor_line(root, path, anchor)


def test_every_rule_of_the_checked_families_is_seeded():
    seeded = {rule for _, rule, _ in EXPECTED}
    missing = [
        rule_id
        for rule_id, rule in all_rules().items()
        if rule_id[:3] in CHECKED_FAMILIES
        and rule_id[:3] != "SCN"  # scan problems: the demo parses
        and rule.default_enabled  # `fastaudit demo` runs the default selection
        and rule_id not in seeded
        and rule_id not in NOT_SEEDED
    ]
    assert not missing, f"rules with no seeded instance in the demo: {missing}"


def test_findings_are_exactly_the_seeded_problems(demo_result):
    found = checked(demo_result.findings)
    expected = set(expected_keys())
    missed = sorted(expected - found)
    unexpected = sorted(found - expected)
    assert not missed and not unexpected, f"missed: {missed}\nunexpected: {unexpected}"


def test_look_alikes_are_not_reported(demo, demo_result):
    by_line: dict[tuple[str, int], list[str]] = {}
    for finding in demo_result.findings:
        if finding.rule[:3] in CHECKED_FAMILIES:
            by_line.setdefault((finding.path, finding.line), []).append(finding.rule)
    for path, text, why in LOOK_ALIKES:
        lines = (demo / path).read_text(encoding="utf-8").splitlines(keepends=True)
        hits = [n for n, line in enumerate(lines, start=1) if text in line]
        assert hits, f"look-alike {text!r} is gone from {path}"
        for n in hits:
            assert (path, n) not in by_line, f"{path}:{n} ({why}) reported {by_line[(path, n)]}"
    for path in CLEAN_FILES:
        assert (demo / path).is_file(), path
        assert not [k for k in by_line if k[0] == path], f"{path} should have no findings"


def test_gitignored_experiments_are_not_audited(demo, demo_result):
    scratch = demo / "scratch" / "try_checkout.py"
    # The file must ship with the demo (it is ignored by the demo's own .gitignore, so it
    # is committed to fastaudit with `git add -f`), and it really has problems...
    assert scratch.is_file()
    assert "scratch/" in (demo / ".gitignore").read_text(encoding="utf-8")
    assert {f.rule[:3] for f in check_source(scratch.read_text(encoding="utf-8"))} & {"ASY"}
    # ...that the audit does not report, because git would not see the file either.
    assert "scratch/try_checkout.py" not in demo_result.files
    assert not [f for f in demo_result.findings if f.path.startswith("scratch/")]


def test_every_file_of_the_demo_is_read(demo_result):
    # Nothing in the demo is unparsable or skipped, apart from the ignored folder.
    assert not [f for f in demo_result.findings if f.rule.startswith("SCN")]
    assert "src/orders/router.py" in demo_result.files
    assert "tests/test_orders.py" in demo_result.files


def _assert_project_still_reads(root: Path) -> None:
    for path in root.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for name in ("pyproject.toml", "uv.lock"):
        tomllib.loads((root / name).read_text(encoding="utf-8"))
    for name in ("requirements.txt", "requirements-dev.txt"):
        for raw in (root / name).read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                try:
                    Requirement(line)
                except InvalidRequirement as exc:  # pragma: no cover - the message is the point
                    pytest.fail(f"{name}: {raw!r} no longer parses: {exc}")


def test_fix_leaves_working_code_without_the_fixed_problems(tmp_path, capsys):
    project = copy_demo(tmp_path / "shopfront")
    before = scan(project)
    safe = [f for f in before.findings if f.fix is not None and f.fix.safety == "safe"]
    assert safe, "the demo should have safely fixable findings"

    assert main(["check", str(project), "--fix", "--exit-zero", "--no-color"]) == 0
    capsys.readouterr()
    _assert_project_still_reads(project)

    after = scan(project)
    still_fixable = [
        (f.path, f.line, f.rule)
        for f in after.findings
        if f.fix is not None and f.fix.safety == "safe"
    ]
    assert not still_fixable, f"safe fixes left undone: {still_fixable}"
    # Rules whose every finding had a safe fix are gone altogether.
    fully_fixed = {f.rule for f in safe} - {
        f.rule for f in before.findings if f.fix is None or f.fix.safety != "safe"
    }
    remaining = sorted({f.rule for f in after.findings} & fully_fixed)
    assert not remaining, f"fixed rules still reported: {remaining}"
    assert len(after.findings) < len(before.findings)

    # A second run has nothing left to do.
    assert main(["check", str(project), "--fix", "--diff", "--exit-zero", "--no-color"]) == 0
    captured = capsys.readouterr()
    assert "0 fix(es) would be applied" in captured.out + captured.err


def test_the_installed_demo_is_never_modified(tmp_path, capsys):
    source = demo_source()
    before = tree_digest(source)
    keep = tmp_path / "kept"
    # `demo --check` exits as `check` does: the demo has findings.
    assert main(["demo", "--check", "--keep", str(keep)]) == 1
    assert (keep / "src" / "main.py").is_file()
    assert not keep.resolve().is_relative_to(source.resolve())
    assert main(["check", str(keep), "--fix", "--unsafe-fixes", "--exit-zero"]) == 0
    capsys.readouterr()
    _assert_project_still_reads(keep)
    assert tree_digest(source) == before


def test_the_demo_ships_its_dotfiles():
    # package-data must carry these, or the wheel's demo loses its Python pin and ignores.
    source = demo_source()
    for name in (".gitignore", ".python-version", ".env.example"):
        assert (source / name).is_file(), name


def test_opt_in_rules_have_instances(tmp_path: Path, capsys) -> None:
    """Rules that are off by default still have true instances in the demo: selecting
    them shows them."""
    demo = copy_demo(tmp_path / "demo")
    opt_in = [r for r in all_rules().values() if not r.default_enabled]
    for rule in opt_in:
        assert main(["check", str(demo), "--select", rule.id, "--format", "json"]) == 1
        assert f'"rule": "{rule.id}"' in capsys.readouterr().out


def test_one_naming_decision_is_one_finding(demo_result):
    """Plural table names are one convention: one DBS103, the other tables listed."""
    root = demo_source()
    (finding,) = [f for f in demo_result.findings if f.rule == "DBS103"]
    first = anchor_line(root, "src/catalog/models.py", '__tablename__ = "categories"')
    other = anchor_line(root, "src/orders/models.py", '__tablename__ = "orders"')
    assert (finding.path, finding.line) == ("src/catalog/models.py", first)
    assert f"(and 1 more like it: src/orders/models.py:{other})" in finding.message

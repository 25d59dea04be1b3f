"""The bundled demo project ("shopfront"): every seeded problem is found at its line,
the correct look-alikes are left alone, `--fix` leaves working code, and the copy shipped
inside the package is never touched.

The demo is always audited from a copy (``fastaudit.cli.copy_demo``), as `fastaudit demo`
does. Each row of ``EXPECTED`` also names a piece of the line's text, so a demo edit that
moves a seed fails here with a clear message instead of as an unexplained line mismatch.
"""

from __future__ import annotations

import ast
import hashlib
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement

from fastaudit.audit.scan import check_source, scan
from fastaudit.cli import copy_demo, demo_source, main
from fastaudit.rules import FAMILIES, all_rules

# Every family is compared exactly with EXPECTED: the demo holds a true instance of every
# rule that runs by default (opt-in rules are checked in test_opt_in_rules_have_instances).
CHECKED_FAMILIES = tuple(FAMILIES)
NOT_SEEDED: dict[str, str] = {}

# (path, line, rule, text found on that line)
EXPECTED: list[tuple[str, int, str, str]] = [
    # ASY: blocking calls directly in an async def
    ("src/catalog/images.py", 19, "ASY103", 'with open(target, "wb")'),
    ("src/catalog/images.py", 26, "ASY105", "subprocess.run("),
    ("src/notifications/service.py", 45, "ASY101", "requests.post(settings.SLACK_WEBHOOK_URL"),
    ("src/orders/router.py", 33, "ASY104", "db.query(Order)"),
    ("src/orders/service.py", 32, "ASY102", "time.sleep(0.05 * attempt)"),
    # DEP: Depends/Query/Header/File as parameter defaults
    ("src/catalog/router.py", 87, "DEP102", "file: UploadFile = File(...)"),
    ("src/orders/router.py", 27, "DEP102", "page: int = Query(1, ge=1)"),
    ("src/orders/router.py", 28, "DEP102", "page_size: int = Query(20"),
    ("src/orders/router.py", 29, "DEP101", "user: User = Depends(get_current_user)"),
    ("src/orders/router.py", 30, "DEP101", "db: Session = Depends(get_db)"),
    ("src/orders/router.py", 57, "DEP101", "user: User = Depends(get_current_user)"),
    ("src/orders/router.py", 58, "DEP101", "session: AsyncSession = Depends(get_session)"),
    ("src/orders/router.py", 59, "DEP102", "idempotency_key: str | None = Header(default=Non"),
    # RTE: redundant response_model; a route swallowing every exception
    ("src/catalog/router.py", 53, "RTE101", "response_model=ProductOut)"),
    ("src/orders/router.py", 89, "RTE102", "except Exception:"),
    # LIB: replaced libraries (python-jose's JWTError is part of LIB101's fix)
    ("src/orders/webhooks.py", 9, "LIB101", "from jose import JWTError, jwt"),
    ("tests/test_orders.py", 4, "LIB102", "from async_asgi_testclient import TestClient"),
    ("src/database.py", 11, "LIB103", "import databases"),
    ("src/auth/security.py", 44, "LIB104", "claims = jwt.decode(token, auth_settings.SECRET_"),
    ("src/orders/webhooks.py", 26, "LIB104", "jwt.decode(token, orders_settings.PAYMENT_WEBHOO"),
    # PYD: Pydantic v1 leftovers
    ("src/catalog/cache.py", 21, "PYD101", "ProductOut.parse_raw(raw)"),
    ("src/notifications/service.py", 35, "PYD101", "content=event.json()"),
    ("src/orders/router.py", 40, "PYD101", "OrderOut.from_orm(row)"),
    ("src/orders/service.py", 39, "PYD101", "payload = payload.copy(update="),
    ("src/orders/service.py", 54, "PYD101", "**payload.dict(exclude="),
    ("src/orders/webhooks.py", 31, "PYD101", "PaymentEvent.parse_obj(claims)"),
    ("src/orders/config.py", 12, "PYD102", "class Config:"),
    ("src/orders/schemas.py", 38, "PYD102", "class Config:"),
    ("src/orders/schemas.py", 49, "PYD102", "class Config:"),
    ("src/orders/schemas.py", 39, "PYD103", "orm_mode = True"),
    ("src/orders/schemas.py", 50, "PYD103", "orm_mode = True"),
    ("src/orders/schemas.py", 51, "PYD104", "json_encoders = {Decimal"),
    ("src/auth/schemas.py", 13, "PYD105", '@validator("password")'),
    ("src/orders/schemas.py", 25, "PYD105", "@root_validator(skip_on_failure=True)"),
    ("src/orders/config.py", 1, "PYD106", "from pydantic import BaseSettings"),
    ("src/catalog/schemas.py", 27, "PYD107", "stock: int = Field(default=None, ge=0)"),
    # PIN: dependency declarations and locks
    ("pyproject.toml", 6, "PIN105", 'requires-python = ">=3.10"'),
    ("pyproject.toml", 8, "PIN101", '"fastapi>=0.110,<0.116",'),
    ("pyproject.toml", 10, "PIN101", '"pydantic[email]>=2.5",'),
    ("pyproject.toml", 16, "PIN106", '"databases[asyncpg]>=0.9",'),
    ("pyproject.toml", 17, "PIN106", '"python-jose[cryptography]>=3.3",'),
    ("pyproject.toml", 28, "PIN106", '"async-asgi-testclient>=1.4",'),
    ("pyproject.toml", 29, "PIN106", '"black>=24.3",'),
    ("pyproject.toml", 30, "PIN106", '"isort>=5.13",'),
    ("requirements.txt", 3, "PIN102", "fastapi==0.110.2"),
    ("requirements.txt", 5, "PIN102", "pydantic[email]==2.6.4"),
    ("requirements.txt", 6, "PIN102", "pydantic-settings==2.2.1"),
    ("requirements.txt", 10, "PIN104", "alembic>=1.11,<1.13"),
    ("requirements.txt", 11, "PIN106", "databases[asyncpg]==0.9.0"),
    ("requirements.txt", 12, "PIN106", "python-jose[cryptography]==3.3.0"),
    ("requirements.txt", 13, "PIN102", "PyJWT==2.8.0"),
    ("requirements-dev.txt", 6, "PIN106", "async-asgi-testclient==1.4.11"),
    ("requirements-dev.txt", 7, "PIN106", "black==24.3.0"),
    ("requirements-dev.txt", 8, "PIN106", "isort==5.13.2"),
    ("uv.lock", 33, "PIN103", 'version = "0.110.2"'),
    ("uv.lock", 52, "PIN103", 'version = "2.6.4"'),
    ("uv.lock", 65, "PIN103", 'version = "2.2.1"'),
    ("src/catalog/cache.py", 3, "PIN107", "import redis.asyncio as redis"),
    ("scripts/requirements.txt", 3, "PIN108", "jwt==1.3.1"),
    ("Pipfile", 9, "PIN109", "<<<<<<< HEAD"),
    ("scripts/requirements.txt", 4, "PIN110", "httpx @ git+"),
    # STR: cross-domain imports; auth -> notifications -> orders -> auth cycle
    # The back office is a second app laid out by file type (routers/ schemas/ services/)
    ("backoffice/main.py", 6, "STR101", "app = FastAPI("),
    ("src/auth/router.py", 12, "STR103", "from src.notifications import service as notific"),
    ("src/orders/quotes.py", 6, "STR102", "from src.catalog.pricing.discounts import apply_d"),
    # SET: settings and docs exposure
    ("src/config.py", 19, "SET101", "class Settings(BaseSettings):"),
    ("src/notifications/service.py", 17, "SET102", 'os.getenv("MAIL_API_URL"'),
    ("src/notifications/service.py", 18, "SET102", 'os.getenv("EVENTS_URL"'),
    ("src/main.py", 27, "SET103", "app = FastAPI("),
    # DBS: database conventions
    ("src/database.py", 23, "DBS101", "legacy_engine = create_engine("),
    ("src/database.py", 32, "DBS102", "metadata = MetaData()"),
    ("src/catalog/models.py", 11, "DBS103", '__tablename__ = "categories"'),
    ("src/auth/models.py", 19, "DBS104", "last_login: Mapped[datetime | None]"),
    ("src/catalog/models.py", 33, "DBS104", "available_from: Mapped[date | None]"),
    ("src/orders/models.py", 19, "DBS104", "placed = Column(DateTime"),
    ("src/orders/models.py", 13, "DBS105", 'customer_id = Column(ForeignKey("user.id")'),
    # MIG: Alembic
    ("alembic.ini", 3, "MIG101", "[alembic]"),
    ("migrations/env.py", 4, "MIG102", "from sqlalchemy import engine_from_config, pool"),
    (
        "migrations/versions/a41c7d0e93b2_add_order_tables.py",
        51,
        "MIG103",
        "def downgrade() -> None:",
    ),
    ("migrations/versions/e7b3f9d21c04_.py", 1, "MIG104", '"""empty message'),
    # DOC: route documentation and sync/async choices
    ("src/auth/router.py", 44, "DOC101", '@router.post("/me/addresses")'),
    ("src/orders/router.py", 53, "DOC102", '@router.post("/")'),
    ("src/orders/router.py", 86, "DOC104", "background_tasks.add_task(payments.refund"),
    ("src/auth/dependencies.py", 36, "DOC105", "def require_staff("),
    ("src/catalog/router.py", 37, "DOC106", "def sort_options("),
    # TST: tests
    ("tests/test_auth.py", 6, "TST101", "client = TestClient(app)"),
    ("tests/test_auth.py", 28, "TST102", 'monkeypatch.setattr("src.auth.dependencies.get_c'),
    ("tests/test_orders.py", 13, "TST103", "session = MagicMock()"),
    # TLG: black and isort configured, ruff absent
    ("pyproject.toml", 33, "TLG101", "[tool.black]"),
    ("pyproject.toml", 37, "TLG101", "[tool.isort]"),
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
    "src/auth/service.py",
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


def line_of(root: Path, path: str, line: int) -> str:
    lines = (root / path).read_text(encoding="utf-8").splitlines(keepends=True)
    assert 1 <= line <= len(lines), f"{path} has no line {line}"
    return lines[line - 1]


def expected_keys() -> set[tuple[str, int, str]]:
    rules = all_rules()
    return {(path, line, rule) for path, line, rule, _ in EXPECTED if rule in rules}


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


def test_expected_rows_point_at_their_text():
    root = demo_source()
    for path, line, rule, text in EXPECTED:
        assert text in line_of(root, path, line), f"{path}:{line} ({rule}) no longer holds {text!r}"


def test_every_rule_of_the_checked_families_is_seeded():
    seeded = {rule for _, _, rule, _ in EXPECTED}
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
    expected = expected_keys()
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
    (finding,) = [f for f in demo_result.findings if f.rule == "DBS103"]
    assert (finding.path, finding.line) == ("src/catalog/models.py", 11)
    assert "(and 1 more like it: src/orders/models.py:10)" in finding.message

"""DOC rules: exact findings and messages, look-alikes, and the cross-file dependency pass."""

from __future__ import annotations

import textwrap

from fastaudit.audit.scan import check_source, scan
from fastaudit.audit.selection import enabled_rules
from fastaudit.config import Config


def found(source: str, rule: str, path: str = "app/router.py"):
    return [f for f in check_source(textwrap.dedent(source), path, [rule]) if f.rule == rule]


HEAD = """
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, HTTPException, status

app = FastAPI()
router = APIRouter()
"""


# ------------------------------------------------------------------ DOC101
def test_create_route_without_status_code():
    (finding,) = found(
        HEAD
        + """
@router.post("/orders")
async def create_order() -> dict:
    return {}


@router.post("/orders/{order_id}/cancel")
async def cancel_order(order_id: int) -> dict:
    return {}


@router.post("/orders/import", status_code=status.HTTP_202_ACCEPTED)
async def add_orders_in_bulk() -> dict:
    return {}
""",
        "DOC101",
    )
    assert (finding.path, finding.line, finding.span.column) == ("app/router.py", 7, 2)
    assert finding.message == (
        "`POST /orders` (`create_order`) creates a resource but answers 200 OK; add "
        "`status_code=status.HTTP_201_CREATED`"
    )
    assert finding.fix is None


def test_create_verb_must_be_the_first_word():
    assert (
        found(HEAD + '\n@router.post("/x")\nasync def recreate_index() -> dict: ...\n', "DOC101")
        == []
    )
    assert found(HEAD + '\n@router.post("/x")\nasync def createIndex() -> dict: ...\n', "DOC101")


def test_adding_things_to_something_that_exists_is_not_creating():
    """``add_items_to_cart`` puts things into a resource that exists: 200 fits."""
    source = HEAD + (
        '\n@router.post("/carts/{cart_id}/items")\n'
        "async def add_items_to_cart(cart_id: int, items: list[int]) -> dict: ...\n"
        '\n@router.post("/carts")\n'
        "async def add_cart() -> dict: ...\n"
        '\n@router.post("/carts/{cart_id}/share")\n'
        "async def add_sharing_to_cart(cart_id: int, tasks: BackgroundTasks) -> dict:\n"
        "    tasks.add_task(notify_owner, cart_id)\n"
        "    return {}\n"
    )
    # A route answering nothing shows no resource: 201 would say nothing more.
    assert (
        found(
            HEAD + '\n@router.post("/{cart_id}/favourite")\n'
            "def add_favourite(cart_id: int) -> None:\n"
            "    mark_favourite(cart_id)\n",
            "DOC101",
        )
        == []
    )
    # Work only queued is still told 202, whatever the name.
    assert [f.message.split(" but ")[0] for f in found(source, "DOC101")] == [
        "`POST /carts` (`add_cart`) creates a resource",
        "`POST /carts/{cart_id}/share` (`add_sharing_to_cart`) queues work (`tasks.add_task(...)`)",
    ]


# ------------------------------------------------------------------ DOC102
def test_route_without_response_model():
    findings = found(
        HEAD
        + """
@router.get("")
async def list_orders():
    return []


@router.get("/typed")
async def typed() -> list[dict]:
    return []


@router.get("/model", response_model=list[dict])
async def with_model():
    return []


@router.get("/redirect", status_code=307)
async def moved():
    return None
""",
        "DOC102",
    )
    assert [(f.line, f.message) for f in findings] == [
        (
            7,
            '`GET ""` (`list_orders`) declares neither `response_model=` nor a return '
            "annotation: the schema shows no response body and nothing filters what it returns",
        )
    ]


def test_route_that_returns_nothing_is_told_to_annotate_none():
    findings = found(
        HEAD
        + """
from app.worker import refresh_feed


@router.patch("/{ticket_id}/notes")
def update_note(ticket_id: int, background_tasks: BackgroundTasks):
    background_tasks.add_task(store_note, ticket_id)


@router.post("/{ticket_id}/refresh")
def refresh(ticket_id: int):
    if ticket_id < 0:
        return None
    refresh_feed.delay(ticket_id)


@router.post("/{ticket_id}/watch")
def watch(ticket_id: int):
    def later():
        return ticket_id

    watchers.add(later)
    return


@router.post("/{ticket_id}/seen", status_code=status.HTTP_202_ACCEPTED)
def seen(ticket_id: int, background_tasks: BackgroundTasks):
    background_tasks.add_task(mark_seen, ticket_id)


@router.post("/{ticket_id}/close")
def close(ticket_id: int):
    if ticket_id:
        return {"closed": ticket_id}
    tickets.close(ticket_id)
""",
        "DOC102",
    )
    assert [(f.line, f.message) for f in findings] == [
        (
            10,
            "`PATCH /{ticket_id}/notes` (`update_note`) returns nothing: annotate it "
            "`-> None` and set `status_code=202` (it queues work)",
        ),
        (
            15,
            "`POST /{ticket_id}/refresh` (`refresh`) returns nothing: annotate it "
            "`-> None` and set `status_code=202` (it queues work)",
        ),
        (
            22,
            "`POST /{ticket_id}/watch` (`watch`) returns nothing: annotate it `-> None` "
            "and set `status_code=204`",
        ),
        (31, "`POST /{ticket_id}/seen` (`seen`) returns nothing: annotate it `-> None`"),
        (
            36,
            "`POST /{ticket_id}/close` (`close`) declares neither `response_model=` nor a "
            "return annotation: the schema shows no response body and nothing filters what "
            "it returns",
        ),
    ]


def test_returning_a_response_object_only_in_a_nested_function_still_counts():
    source = (
        HEAD
        + """
from fastapi.responses import JSONResponse


@router.get("/x")
async def x():
    def helper():
        return JSONResponse({})
    return {"a": 1}
"""
    )
    assert [f.line for f in found(source, "DOC102")] == [10]


# ------------------------------------------------------------------ DOC103
def test_undocumented_route_is_off_by_default():
    from fastaudit.rules import get_rule

    rule = get_rule("DOC103")
    assert rule is not None and rule.default_enabled is False
    assert "DOC103" not in enabled_rules(Config())
    assert "DOC103" in enabled_rules(Config(select=["DOC103"]))


def test_undocumented_route_lists_what_is_missing():
    (finding,) = found(
        HEAD
        + """
@app.delete("/orders/{order_id}", responses={404: {"description": "gone"}})
async def delete_order(order_id: int) -> None:
    if order_id == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    if order_id < 0:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail="locked")
""",
        "DOC103",
    )
    assert finding.line == 7
    assert finding.message == (
        "`DELETE /orders/{order_id}` (`delete_order`) has no summary or description (nor a "
        "docstring); no tags; raises 409 without listing it in `responses=`"
    )


def test_undocumented_route_counts_the_422_fastapi_documents_itself():
    """FastAPI lists 422 for a route with any parameter to validate; a route taking only
    the request gets none, so raising 422 there is undocumented."""
    findings = found(
        HEAD
        + """from fastapi import Request


@app.post("/orders", summary="Place an order", tags=["orders"])
async def place_order(order: dict) -> dict:
    if not order:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="empty order")
    return order


@app.post("/replay", summary="Replay the last order", tags=["orders"])
async def replay(request: Request, tasks: BackgroundTasks) -> dict:
    if request.headers.get("x-dry-run"):
        raise HTTPException(status_code=422)
    return {}
""",
        "DOC103",
    )
    assert [(f.line, f.message) for f in findings] == [
        (
            16,
            "`POST /replay` (`replay`) raises 422 without listing it in `responses=`",
        )
    ]


def test_undocumented_route_of_a_hidden_router_a_factory_builds_is_fine():
    """A router made per provider by a function, kept out of the schema: its routes are
    documented nowhere. A module router of the same name is still asked."""
    findings = found(
        """
from fastapi import APIRouter, Request

router = APIRouter()


def provider_router(name: str, method: str) -> APIRouter:
    router = APIRouter(prefix=f"/{name}", include_in_schema=False)

    @router.api_route("/callback", methods=[method])
    async def callback(request: Request) -> dict:
        return {}

    return router


@router.api_route("/hook", methods=[HOOK_METHOD])
async def hook(request: Request) -> dict:
    return {}
""",
        "DOC103",
    )
    assert [(f.line, f.message) for f in findings] == [
        (17, "`API_ROUTE /hook` (`hook`) has no summary or description (nor a docstring)")
    ]


# ------------------------------------------------------------------ RTE103
def test_background_payment_task():
    (finding,) = found(
        HEAD
        + """
from app.billing import tasks as billing


@router.post("/checkout", status_code=202)
async def checkout(background: BackgroundTasks) -> dict:
    background.add_task(billing.capture_payments, 42)
    background.add_task(billing.email_invoice, 42)
    background.add_task(print, "done")
    return {}
""",
        "RTE103",
    )
    assert (finding.line, finding.span.column) == (12, 5)
    assert finding.message == (
        "`background.add_task(billing.capture_payments, ...)` runs `capture_payments` as a "
        "background task; its name contains `capture`, which reads like moving money: "
        "background tasks are not retried and are lost if the worker stops; use a task queue"
    )


# ------------------------------------------------------------------ ASY106
def test_sync_dependency_in_same_file():
    (finding,) = found(
        """
        from typing import Annotated

        from fastapi import Depends, Query


        def pagination(page: Annotated[int, Query(ge=1)] = 1) -> dict:
            return {"offset": (max(page, 1) - 1) * 20, "limit": 20}


        Page = Annotated[dict, Depends(pagination)]
        """,
        "ASY106",
    )
    assert (finding.line, finding.span.column, finding.span.end_column) == (7, 1, 15)
    assert finding.message == (
        "`def pagination` is a sync dependency (named in `Depends(...)` in this file) whose "
        "body makes no call that could block, yet FastAPI runs it in the threadpool on every "
        "request; make it `async def`"
    )


def test_sync_dependency_doing_io_or_unknown_calls_is_left_alone():
    source = """
        from fastapi import Depends
        from sqlalchemy.orm import Session

        def by_id(db: Session, item_id: int):
            return db.get(Item, item_id)

        def cached(key: str):
            return lookup(key.lower())

        def noisy(name: str):
            print(name)
            return name

        async def route(a=Depends(by_id), b=Depends(cached), c=Depends(noisy)): ...
        """
    assert found(source, "ASY106") == []


def test_sync_dependency_defined_in_another_module(tmp_path):
    files = {
        "app/deps.py": """
            from fastapi import Header, HTTPException


            def require_tenant(x_tenant: str = Header()) -> str:
                if not x_tenant.isalnum():
                    raise HTTPException(400)
                return x_tenant.lower()


            def unused(x: int) -> int:
                return x
            """,
        "app/router.py": """
            from fastapi import APIRouter, Depends

            from app import deps
            from app.deps import require_tenant

            router = APIRouter()


            @router.get("/things")
            async def things(tenant: str = Depends(require_tenant)) -> list:
                return []
            """,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    findings = [f for f in scan(tmp_path, Config(select=["ASY106"])).findings if f.rule == "ASY106"]
    assert [(f.path, f.line, f.span.column) for f in findings] == [("app/deps.py", 4, 1)]
    assert "(named in `Depends(...)` in app/router.py)" in findings[0].message


def test_a_marker_imported_under_another_name_is_still_a_dependency():
    """``Security`` imported as ``guard``, FastAPI itself as ``fa``: the file spells the
    markers' names in its imports, and the function they name is a dependency."""
    source = """
        import fastapi as fa
        from fastapi import Security as guard


        def api_key(key: str = fa.Header()) -> str:
            return key.strip()


        def tenant(name: str = fa.Header()) -> str:
            return name.lower()


        async def route(key=guard(api_key), who=fa.Depends(tenant)): ...
        """
    assert [(f.rule, f.line) for f in found(source, "ASY106")] == [("ASY106", 6), ("ASY106", 10)]


def test_asy106_and_asy107_note_one_file_together_as_each_alone():
    """The two rules share what their walk notes (one set of handlers for both): run
    together, each reports what it reports alone."""
    source = """
        from fastapi import Depends, FastAPI

        app = FastAPI()


        def pagination(page: int = 1) -> dict:
            return {"offset": (page - 1) * 20}


        def outer() -> int:
            def inner() -> int:
                return 1

            return inner()


        @app.get("/version")
        async def version(page: dict = Depends(pagination)) -> dict:
            return {"version": "1.2.3".split("."), "page": page}


        @app.get("/health")
        def health() -> dict:
            return {"ok": True}


        @app.get("/slow")
        def slow() -> dict:
            return open("/dev/null").read()
        """
    alone = [(f.rule, f.line) for rule in ("ASY106", "ASY107") for f in found(source, rule)]
    assert alone == [("ASY106", 7), ("ASY107", 24)]
    both = check_source(textwrap.dedent(source), "app/router.py", ["ASY106", "ASY107"])
    assert sorted((f.rule, f.line) for f in both) == alone


# ------------------------------------------------------------------ ASY107
def test_sync_route_without_blocking_work():
    findings = found(
        HEAD
        + """
@app.get("/version")
def version() -> dict:
    return {"version": "1.2.3".split(".")}


@app.get("/slow")
def slow() -> dict:
    import time
    time.sleep(1)
    return {}
""",
        "ASY107",
    )
    assert [(f.line, f.span.column, f.span.end_column) for f in findings] == [(8, 1, 12)]
    assert findings[0].message == (
        "`def version` is a sync route whose body makes no call that could block: FastAPI "
        "still runs it in the threadpool; make it `async def`"
    )


def test_sync_route_of_a_class_based_view_reading_self_is_left_alone():
    """A method route returning ``self.kitchen``: a property of the view's base class
    that queries, or a dependency the class declares. A method touching nothing of the
    view is still told."""
    findings = found(
        """
        from fastapi import APIRouter, Depends

        from app.auth import current_cook
        from app.views import register_view

        router = APIRouter()


        class CookView:
            cook = Depends(current_cook)

            @property
            def kitchen(self):
                return self.repos.kitchens.get_one(self.cook.kitchen_id)

            @router.get("/kitchen")
            def read_kitchen(self):
                return self.kitchen

            @router.get("/me")
            def read_me(self):
                return self.cook

            @router.get("/units")
            def units(self) -> list[str]:
                return ["g", "ml"]


        register_view(router, CookView)
        """,
        "ASY107",
    )
    assert [f.message.split(" is ")[0] for f in findings] == ["`def units`"]


# ------------------------------------------------------------------ DOC101: look-alikes
QUEUES = """
from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import User
from app.worker import celery_app, render_export

router = APIRouter()


@router.post("/exports")
def create_export(kind: str) -> dict:
    job = render_export.delay(kind)
    return {"job": job.id}


@router.post("/thumbnails")
async def add_thumbnail(key: str, redis=Depends(get_redis)) -> dict:
    await redis.enqueue_job("make_thumbnail", key)
    return {}


@router.post("/reports")
def create_report(tasks: BackgroundTasks) -> dict:
    tasks.add_task(build_report)
    return {}


@router.post("/mailings")
def new_mailing() -> dict:
    celery_app.send_task("mail.send_all")
    return {}


@router.post("/users")
def register_user(name: str, tasks: BackgroundTasks, db: Session = Depends(get_db)) -> dict:
    user = User(name=name)
    db.add(user)
    db.commit()
    tasks.add_task(send_welcome_email, user.id)
    return {"id": user.id}
"""


def test_create_route_that_queues_work_is_told_202():
    findings = found(QUEUES, "DOC101")
    assert [f.line for f in findings] == [12, 18, 24, 30, 36]
    assert findings[0].message == (
        "`POST /exports` (`create_export`) queues work (`render_export.delay(...)`) but "
        "answers 200 OK; add `status_code=status.HTTP_202_ACCEPTED`"
    )
    assert "queues work (`redis.enqueue_job(...)`)" in findings[1].message
    assert "queues work (`tasks.add_task(...)`)" in findings[2].message
    assert "queues work (`celery_app.send_task(...)`)" in findings[3].message
    # The user exists once the route answers; the e-mail is a side job: 201 is right.
    assert findings[4].message == (
        "`POST /users` (`register_user`) creates a resource but answers 200 OK; add "
        "`status_code=status.HTTP_201_CREATED`"
    )


def test_multi_method_and_html_form_routes_are_left_alone():
    source = """
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

router = APIRouter()
templates = Jinja2Templates(directory="templates")


@router.api_route("/signup", methods=["GET", "POST"])
async def register(request: Request):
    return {}


@router.get("/notes/new")
@router.post("/notes/new")
async def new_note(request: Request):
    return {}


@router.post("/items/new", response_class=HTMLResponse)
async def create_item_page(request: Request):
    return "<p>ok</p>"


@router.post("/accounts")
async def create_account(username: str = Form(...)):
    return RedirectResponse("/accounts", status_code=303)


@router.post("/posts")
async def add_post(request: Request, title: str = Form(...)):
    return templates.TemplateResponse(request, "post.html", {"title": title})


@router.post("/pages")
async def create_page(request: Request) -> HTMLResponse:
    return HTMLResponse("<p>made</p>")
"""
    assert found(source, "DOC101") == []


def test_route_that_builds_adds_and_returns_a_row_creates():
    findings = found(
        """
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import AuditEntry, Order

router = APIRouter()


@router.post("/orders")
def place_order(sku: str, db: Session = Depends(get_db)) -> dict:
    order = Order(sku=sku)
    db.add(order)
    db.commit()
    db.refresh(order)
    return order


@router.post("/orders/{order_id}/pay")
def pay_order(order_id: int, db: Session = Depends(get_db)) -> dict:
    entry = AuditEntry(order_id=order_id)
    db.add(entry)
    db.commit()
    return {"paid": True}


@router.post("/orders/{order_id}/touch")
def touch_order(order_id: int, db: Session = Depends(get_db)) -> dict:
    order = db.get(Order, order_id)
    db.add(order)
    return order


@router.post("/cart")
def put_in_cart(sku: str) -> dict:
    item = Item(sku=sku)
    cart.add(item)
    return item
""",
        "DOC101",
    )
    assert [(f.line, f.span.column) for f in findings] == [(11, 2)]
    assert findings[0].message == (
        "`POST /orders` (`place_order`) creates a resource (`db.add(order)`, then returns "
        "it) but answers 200 OK; add `status_code=status.HTTP_201_CREATED`"
    )


# ------------------------------------------------------------------ ASY107: look-alikes
PURE_SYNC_ROUTE = (
    HEAD
    + """
@app.get("/version")
def version() -> dict:
    return {"version": "1.2.3"}
"""
)


def test_sync_route_in_tests_is_left_alone():
    for path in ("tests/test_app.py", "test_app.py", "app/app_test.py", "conftest.py"):
        assert found(PURE_SYNC_ROUTE, "ASY107", path) == [], path
    assert len(found(PURE_SYNC_ROUTE, "ASY107", "app/testing_tools.py")) == 1


def test_sync_route_returning_what_a_dependency_loaded_is_left_alone():
    findings = found(
        """
from typing import Annotated

from fastapi import APIRouter, Depends

from app.deps import current_user, valid_order
from app.models import Order, User

router = APIRouter()


@router.get("/orders/{order_id}")
def read_order(order: Order = Depends(valid_order)) -> dict:
    return order


@router.get("/me/orders")
def my_orders(user: Annotated[User, Depends(current_user)]) -> list:
    return user.orders


@router.get("/me/summary")
def my_summary(user: User = Depends(current_user)) -> dict:
    return {"name": user.name, "orders": user.orders}


@router.get("/ping")
def ping(user: User = Depends(current_user)) -> dict:
    return {"ok": True}
""",
        "ASY107",
    )
    # Only the route that returns nothing loaded: made async, the others would run
    # their lazy loads (``user.orders``) on the event loop.
    assert [(f.line, f.span.column) for f in findings] == [(28, 1)]
    assert findings[0].message.startswith("`def ping` is a sync route")


def test_sync_route_returning_a_dependency_through_an_annotated_alias_is_left_alone():
    findings = found(
        """
from typing import Annotated, TypeAlias

from fastapi import APIRouter, Depends, Query, Security

from app.deps import load_ticket, load_viewer
from app.models import Ticket, Viewer

router = APIRouter()

CurrentTicket = Annotated[Ticket, Depends(load_ticket)]
CurrentViewer: TypeAlias = Annotated[Viewer, Security(load_viewer, scopes=["read"])]
PageSize = Annotated[int, Query(le=100)]


@router.get("/tickets/{ticket_id}")
def read_ticket(ticket_id: int, ticket: CurrentTicket):
    return ticket


@router.get("/me")
def read_me(viewer: CurrentViewer) -> dict:
    return {"viewer": viewer}


@router.get("/page")
def page(size: PageSize) -> dict:
    return {"size": size}
""",
        "ASY107",
    )
    # An alias of a query parameter holds a plain value: nothing to lazy-load.
    assert [f.message.split("`")[1] for f in findings] == ["def page"]


def test_annotated_aliases_imported_from_another_module_are_resolved(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/deps.py": """
            from typing import Annotated

            from fastapi import Depends, Query

            from app.models import Ticket


            def load_ticket(ticket_id: int) -> Ticket:
                return fetch(ticket_id)


            CurrentTicket = Annotated[Ticket, Depends(load_ticket)]
            PageSize = Annotated[int, Query(le=100)]
            """,
        "app/router.py": """
            from fastapi import APIRouter

            from app import deps
            from app.deps import CurrentTicket, PageSize
            from app.models import Ticket

            router = APIRouter()


            @router.get("/tickets/{ticket_id}")
            def read_ticket(ticket: CurrentTicket):
                return ticket


            @router.get("/tickets/{ticket_id}/again")
            def read_again(ticket: deps.CurrentTicket):
                return ticket


            @router.get("/page")
            def page(size: PageSize) -> dict:
                return {"size": size}


            @router.get("/page/again")
            def page_again(size: deps.PageSize, ticket: CurrentTicket) -> dict:
                return {"size": size}


            @router.get("/both")
            def both(size: deps.PageSize, ticket: CurrentTicket) -> dict:
                return {"size": size, "ticket": ticket}


            @router.get("/typed")
            def typed(ticket: Ticket) -> dict:
                return {"ticket": ticket}
            """,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    findings = [f for f in scan(tmp_path, Config(select=["ASY107"])).findings if f.rule == "ASY107"]
    # ``PageSize`` is a query parameter wherever it is spelled; ``CurrentTicket`` a row
    # loaded by a dependency; ``Ticket``, a project class that is no known alias, stays
    # possibly loaded.
    assert [(f.path, f.message.split("`")[1]) for f in findings] == [
        ("app/router.py", "def page"),
        ("app/router.py", "def page_again"),
    ]


# ------------------------------------------------------------------ DOC103
def test_routes_of_a_mounted_app_without_openapi_are_not_asked_for_docs(tmp_path):
    """A back office mounted into the API, built with ``openapi_url=None``: its HTML
    routes appear in no OpenAPI document, so summaries would be read by nobody."""
    files = {
        "shop/__init__.py": "",
        "shop/admin/__init__.py": """
            from fastapi import FastAPI

            from shop.admin.orders import router as orders_router

            admin = FastAPI(openapi_url=None, docs_url=None)
            admin.include_router(orders_router, prefix="/orders")
            """,
        "shop/admin/orders.py": """
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/{order_id}")
            async def order_page(order_id: int) -> str:
                return "<html></html>"
            """,
        "shop/api.py": """
            from fastapi import APIRouter

            router = APIRouter()
            hidden = APIRouter(include_in_schema=False)


            @router.get("/orders")
            async def list_orders() -> list:
                return []


            @router.get("/ping", include_in_schema=False)
            async def ping() -> str:
                return "pong"


            @hidden.get("/debug")
            async def debug() -> str:
                return "ok"
            """,
        "shop/main.py": """
            from fastapi import FastAPI

            from shop import api
            from shop.admin import admin

            app = FastAPI()
            app.include_router(api.router)
            app.mount("/admin", admin)
            """,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    findings = scan(tmp_path, Config(select=["DOC103"])).findings
    assert [(f.path, f.line) for f in findings] == [("shop/api.py", 7)]
    # Not mounted anywhere, the same app is the one serving its docs: asked again.
    main = (tmp_path / "shop/main.py").read_text().replace('app.mount("/admin", admin)\n', "")
    (tmp_path / "shop/main.py").write_text(main)
    findings = scan(tmp_path, Config(select=["DOC103"]), use_cache=False).findings
    assert [(f.path, f.line) for f in findings] == [
        ("shop/admin/orders.py", 6),
        ("shop/api.py", 7),
    ]


def test_a_route_handing_the_request_to_an_adapter_is_not_asked_for_a_model():
    source = textwrap.dedent(
        """\
        from fastapi import APIRouter, Request

        from app.chat import bot_handler, store

        router = APIRouter()


        @router.post("/chat/events")
        async def chat_events(request: Request):
            return await bot_handler.handle(request)


        @router.get("/chat/rooms")
        async def rooms(request: Request):
            return store.rooms(limit=10)
        """
    )
    findings = check_source(source, "app/chat/router.py", ["DOC102"])
    assert [f.line for f in findings] == [13]


def test_error_responses_listed_on_a_router_above_cover_its_routes(tmp_path):
    """``APIRouter(responses={404: ...})`` in another file documents 404 for every route
    included below it; a route of a test's own app is not asked for docs at all."""
    files = {
        "shop/__init__.py": "",
        "shop/api.py": """
            from fastapi import APIRouter

            from shop.orders import router as orders_router

            api = APIRouter(responses={404: {"description": "Not found"}})
            api.include_router(orders_router, prefix="/orders")
            """,
        "shop/orders.py": """
            from fastapi import APIRouter, HTTPException

            router = APIRouter()


            @router.get("/{order_id}", summary="Read one order")
            async def read_order(order_id: int) -> dict:
                raise HTTPException(404)


            @router.delete("/{order_id}", summary="Delete one order")
            async def delete_order(order_id: int) -> None:
                raise HTTPException(409)


            @router.put("/{order_id}", summary="Replace one order")
            async def replace_order(order_id: int) -> None:
                if order_id < 0:
                    raise HTTPException(409)
                raise HTTPException(404)


            @router.post("/{order_id}/refund")
            async def refund_order(order_id: int) -> None:
                raise HTTPException(404)
            """,
        "shop/main.py": """
            from fastapi import FastAPI

            from shop.api import api

            app = FastAPI()
            app.include_router(api)
            """,
        "tests/test_orders.py": """
            from fastapi import FastAPI

            app = FastAPI()


            @app.get("/probe")
            def probe():
                return {}
            """,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    findings = scan(tmp_path, Config(select=["DOC103"]), use_cache=False).findings
    # Only what no router above lists is said: 404 is documented by ``api``.
    assert [(f.path, f.line, f.message) for f in findings] == [
        (
            "shop/orders.py",
            11,
            "`DELETE /{order_id}` (`delete_order`) raises 409 without listing it in `responses=`",
        ),
        (
            "shop/orders.py",
            16,
            "`PUT /{order_id}` (`replace_order`) raises 409 without listing it in `responses=`",
        ),
        (
            "shop/orders.py",
            23,
            "`POST /{order_id}/refund` (`refund_order`) has no summary or description "
            "(nor a docstring)",
        ),
    ]


def test_routes_returning_a_response_they_build_are_left_alone():
    """``return JSONResponse(...)`` without an annotation (its own status is sent), and a
    redirect built into a name, a cookie set on it, then returned."""
    source = """
    from fastapi import APIRouter
    from fastapi.responses import JSONResponse, RedirectResponse

    router = APIRouter()


    @router.post("/uploads")
    async def create_upload(name: str):
        return JSONResponse(content={"name": name})


    @router.get("/login")
    async def login(provider: str):
        response = RedirectResponse(authorize_url(provider))
        response.set_cookie("state", new_state())
        return response
    """
    assert found(source, "DOC101") == []
    assert found(source, "DOC102") == []


def test_create_route_answering_with_a_response_of_its_own_is_left_alone():
    """``-> Response``: the route hands back a response an OAuth library built, with
    its own status (201 for a client registration); the decorator's would be unused.
    A ``dict`` route named alike is still told."""
    source = """
    from fastapi import APIRouter, Depends, Request, Response

    from app.oauth import server

    router = APIRouter()


    @router.post("/register")
    async def create_client(request: Request, auth=Depends(server)) -> Response:
        return auth.create_endpoint_response("client_registration", request)


    @router.post("/clients")
    async def create_other(request: Request) -> dict:
        return {}


    @router.post("/accounts")
    async def register(request: Request) -> JSONResponse:
        return session_response(await accounts.open(request))
    """
    source = source.replace(
        "from app.oauth import server",
        "from fastapi.responses import JSONResponse\n\n    from app.oauth import server",
    )
    # ``-> JSONResponse`` (any Response subclass) answers with a status of its own.
    assert [f.line for f in found(source, "DOC101")] == [16]


THROWAWAY_APP = """
from fastapi import FastAPI


def make_probe_app() -> FastAPI:
    probe = FastAPI()

    @probe.get("/echo-header")
    def echo_header():
        return {"seen": True}

    @probe.post("/things")
    def create_thing():
        return {"id": 1}

    return probe
"""


def test_apps_built_by_tests_are_not_asked_for_api_docs():
    """A fixture's or test function's throwaway app publishes no schema anyone reads."""
    for path in ("tests/conftest.py", "tests/fixtures/apps.py", "tests/api/test_headers.py"):
        for rule in ("DOC101", "DOC102", "DOC103"):
            assert found(THROWAWAY_APP, rule, path) == [], (path, rule)
    assert [f.rule for f in found(THROWAWAY_APP, "DOC102", "shop/probe.py")] == [
        "DOC102",
        "DOC102",
    ]
    assert len(found(THROWAWAY_APP, "DOC101", "shop/probe.py")) == 1

"""RTE101 (response_model repeating the return annotation) and RTE102 (a route that
swallows every exception): positions, messages, look-alikes, and the RTE101 fix."""

from __future__ import annotations

import pytest

from fastaudit.audit.scan import check_source
from fastaudit.model import Safety

from .conftest import code, fixed, found

HEAD = """
from fastapi import APIRouter

from app.schemas import Item

router = APIRouter()
"""


# ------------------------------------------------------------------------------ RTE101
def test_redundant_response_model_position_message_and_fix():
    text = (
        HEAD
        + """

@router.get("/items/{item_id}", response_model=Item)
async def read_item(item_id: int) -> Item:
    return Item(id=item_id)
"""
    )
    (finding,) = found(text, "RTE101")
    assert (finding.span.line, finding.span.column) == (8, 33)
    assert (finding.span.end_line, finding.span.end_column) == (8, 52)
    assert finding.message == (
        "`response_model=Item` on route `read_item` repeats its return annotation `-> Item`"
    )
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    assert fixed(text, "RTE101") == code(text).replace(", response_model=Item", "")


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        # Alone on its line, with a trailing comma: the line goes.
        (
            '@router.post(\n    "/items",\n    response_model=Item,\n    status_code=201,\n)',
            '@router.post(\n    "/items",\n    status_code=201,\n)',
        ),
        # Last, without a trailing comma: the comma before it goes.
        (
            '@router.post(\n    "/items",\n    response_model=Item\n)',
            '@router.post(\n    "/items"\n)',
        ),
        (
            '@router.post("/items",\n             response_model=Item)',
            '@router.post("/items")',
        ),
        # First keyword, more on the same line.
        (
            '@router.post("/items", response_model=Item, status_code=201)',
            '@router.post("/items", status_code=201)',
        ),
        # Comments on other lines, and one on its own line, stay.
        (
            '@router.post(\n    "/items",  # path\n    response_model=Item,  # model\n'
            "    status_code=201,  # created\n)",
            '@router.post(\n    "/items",  # path\n    # model\n    status_code=201,  # created\n)',
        ),
        # Before the path, as a keyword too.
        (
            '@router.post(response_model=Item, path="/items")',
            '@router.post(path="/items")',
        ),
    ],
)
def test_fix_removes_the_keyword_and_its_comma(decorator, expected):
    tail = "\ndef create_item(item: Item) -> Item:\n    return item\n"
    text = HEAD + "\n\n" + decorator + tail
    assert fixed(text, "RTE101") == code(HEAD + "\n\n" + expected + tail)


def test_each_route_decorator_is_checked():
    text = (
        HEAD
        + """

@router.get("/items", response_model=list[Item])
@router.head("/items", response_model=list[Item])
def list_items() -> list[Item]:
    return []
"""
    )
    assert [f.span.line for f in found(text, "RTE101")] == [8, 9]
    assert "response_model" not in fixed(text, "RTE101")


@pytest.mark.parametrize(
    ("response_model", "returns"),
    [
        ("list[Item]", "List[Item]"),
        ("schemas.Item", "Item"),
        ("Item", '"Item"'),
        ("Item | None", "Optional_ | None"),
        ("dict[str, Item]", "typing.Dict[str, Item]"),
    ],
)
def test_same_type_through_aliases(response_model, returns):
    text = f"""
import typing
from typing import List

from fastapi import FastAPI

from app import schemas
from app.schemas import Item
from app.schemas import Item as Optional_

app = FastAPI()


@app.get("/x", response_model={response_model})
def read() -> {returns}:
    return None
"""
    assert [f.rule for f in found(text, "RTE101")] == ["RTE101"]


@pytest.mark.parametrize(
    ("response_model", "returns"),
    [
        ("ItemPublic", "Item"),
        ("list[Item]", "Item"),
        ("list[Item]", "set[Item]"),
        ("Item | None", "Item"),
        ("None", "None"),
        ("other.Item", "Item"),
    ],
)
def test_different_types_are_left_alone(response_model, returns):
    text = f"""
from fastapi import FastAPI

from app import other
from app.schemas import Item, ItemPublic

app = FastAPI()


@app.get("/x", response_model={response_model})
def read() -> {returns}:
    return None
"""
    assert found(text, "RTE101") == []


def test_not_a_route_decorator():
    text = """
        from app.cache import memo
        from app.schemas import Item

        class Service:
            def get(self, *args, **kwargs):
                return lambda fn: fn

        service = Service()

        @memo(response_model=Item)
        def a() -> Item: ...

        @service.get("/x", response_model=Item)
        def b() -> Item: ...
        """
    assert found(text, "RTE101") == []


# ------------------------------------------------------------------------------ RTE102
ROUTE = """
from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.post("/orders")
async def create_order(order: dict):
    try:
        return await place(order)
{handler}
"""


@pytest.mark.parametrize(
    ("handler", "shown", "end_column"),
    [
        ("    except Exception:\n        return {}", "`except Exception`", 21),
        ("    except Exception as exc:\n        log(exc)", "`except Exception`", 21),
        ("    except:\n        pass", "bare `except:`", 11),
        ("    except BaseException:\n        pass", "`except BaseException`", 25),
        (
            "    except (KeyError, Exception):\n        pass",
            "`except (KeyError, Exception)`",
            33,
        ),
    ],
)
def test_swallowing_handler_is_reported_on_the_except_line(handler, shown, end_column):
    (finding,) = found(ROUTE.format(handler=handler), "RTE102")
    assert (finding.span.line, finding.span.column) == (10, 5)
    assert (finding.span.end_line, finding.span.end_column) == (10, end_column)
    assert finding.message == (
        f"{shown} in route `create_order` swallows every error without re-raising"
    )
    assert finding.fix is None


@pytest.mark.parametrize(
    "handler",
    [
        "    except ValueError:\n        return {}",
        "    except (KeyError, ValueError):\n        return {}",
        "    except Exception:\n        log()\n        raise",
        "    except Exception as exc:\n        raise HTTPException(500) from exc",
        "    except BaseException:\n        if retry():\n            raise",
        # A raise nested in another try inside the handler still re-raises.
        "    except Exception:\n        try:\n            undo()\n        finally:\n"
        "            raise",
    ],
)
def test_specific_or_reraising_handlers_are_fine(handler):
    assert found(ROUTE.format(handler=handler), "RTE102") == []


def test_raise_inside_a_nested_def_does_not_count():
    handler = "    except Exception as exc:\n        def later():\n            raise exc\n"
    handler += "        schedule(later)"
    assert len(found(ROUTE.format(handler=handler), "RTE102")) == 1


def test_only_the_handler_without_raise_is_reported():
    text = """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/a")
        def a():
            try:
                one()
            except Exception:
                raise
            try:
                two()
            except Exception:
                return None
        """
    assert [f.span.line for f in found(text, "RTE102")] == [13]


def test_except_star_is_named_as_written():
    text = """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/a")
        async def a():
            try:
                await many()
            except* Exception:
                pass
        """
    (finding,) = found(text, "RTE102")
    assert finding.message.startswith("`except* Exception` in route `a`")


def test_non_routes_and_helpers_inside_routes_are_not_checked():
    text = """
        from fastapi import APIRouter

        router = APIRouter()

        def helper():
            try:
                work()
            except Exception:
                return None

        @router.get("/a")
        def a():
            def inner():
                try:
                    work()
                except Exception:
                    return None
            return inner()

        class Api:
            def get(self):
                try:
                    work()
                except Exception:
                    return None
        """
    assert found(text, "RTE102") == []


def test_shadowed_exception_name_is_not_the_builtin():
    text = """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/a")
        def a():
            Exception = LookupError
            try:
                work()
            except Exception:
                return None
        """
    assert found(text, "RTE102") == []


# A route that renders a report; the preview is a best-effort extra shown when it loads.
LOOKUP_ROUTE = """
import logging

from fastapi import APIRouter

router = APIRouter()
logger = logging.getLogger(__name__)


@router.get("/reports/{{rid}}")
async def read_report(rid: int):
    report = await load_report(rid)
    preview_url: str | None = None
    try:
{body}
    except Exception:
{handler}
    return {{"report": report, "preview": preview_url}}
"""


@pytest.mark.parametrize(
    "body",
    [
        "        preview_url = await previews.url_for(report)",
        # A tuple target, part of it thrown away.
        "        preview_url, _ = await previews.url_and_size(report)",
        # A temporary the rest of the route never reads, then the display variable.
        "        preview = await previews.find(report)\n"
        "        if preview is not None:\n"
        "            preview_url = preview.url",
    ],
)
@pytest.mark.parametrize(
    "handler",
    [
        '        logger.exception("preview lookup failed", rid)',
        '        logger.warning("preview lookup failed")',
        '        log.error("preview lookup failed")',
        "        sentry_sdk.capture_exception()",
    ],
)
def test_logged_best_effort_lookup_with_a_fallback_is_fine(body, handler):
    text = LOOKUP_ROUTE.format(body=body, handler=handler)
    assert found(text, "RTE102") == []


@pytest.mark.parametrize(
    ("body", "handler"),
    [
        # Not logged: the failure leaves no trace at all.
        ("        preview_url = await previews.url_for(report)", "        pass"),
        ("        preview_url = await previews.url_for(report)", '        logger.debug("no")'),
        # ``shown`` has no value before the try: the lookup is not optional.
        (
            "        shown = await previews.url_for(report)\n        preview_url = shown",
            '        logger.exception("preview lookup failed")\n    preview_url = shown',
        ),
        # The handler answers instead of the route: a success made up from a failure.
        (
            "        preview_url = await previews.url_for(report)",
            '        logger.exception("preview lookup failed")\n        return {{"report": None}}',
        ),
    ],
)
def test_silent_or_mandatory_lookups_are_still_reported(body, handler):
    text = LOOKUP_ROUTE.format(body=body, handler=handler)
    assert len(found(text, "RTE102")) == 1


def test_logged_side_effect_after_the_routes_own_work_is_fine():
    text = """
        import logging

        from fastapi import APIRouter

        router = APIRouter()
        log = logging.getLogger(__name__)

        @router.put("/tags/{tag_id}")
        def retag(tag_id: int, db: Session):
            updated = []
            for item in items_of(db, tag_id):
                updated.append(recompute(db, item))
            try:
                notify_watchers(db, tag_id)
            except Exception as exc:
                log.warning(f"could not notify watchers: {exc}")
            return updated
        """
    assert found(text, "RTE102") == []


@pytest.mark.parametrize(
    "answer",
    [
        '{"captured": True}',
        # A parameter echoed back is not work done outside the try.
        "charge",
        "None",
    ],
)
def test_logged_failure_of_the_routes_main_work_is_still_reported(answer):
    text = f"""
        import logging

        from fastapi import APIRouter

        router = APIRouter()
        logger = logging.getLogger(__name__)

        @router.post("/charges")
        async def create_charge(charge: dict):
            try:
                await service.capture(charge)
            except Exception:
                logger.exception("charge failed")
            return {answer}
        """
    assert len(found(text, "RTE102")) == 1


TOAST_ROUTE = """
import logging

from fastapi import APIRouter, Request

router = APIRouter()
logger = logging.getLogger(__name__)


@router.api_route("/tickets", methods=["GET", "POST"])
async def open_ticket(request: Request):
    if request.method == "POST":
        try:
            await tickets.open(request)
        except Exception as e:
{handler}
    return render_form(request)
"""


@pytest.mark.parametrize(
    "handler",
    [
        # Logged and shown to the user as an error.
        '            logger.exception("ticket failed")\n'
        '            await add_toast(request, f"Failed to open ticket: {{e}}", "error")\n'
        "            return",
        '            logger.error("ticket failed")\n'
        "            flash(request, str(e), level=Level.ERROR)",
        "            error = repr(e)\n"
        '            logger.exception("ticket failed", error=error)\n'
        '            return {{"error": error}}',
        # An error status is not a success answer, logged or not.
        '            return JSONResponse({{"detail": "ticket service down"}}, status_code=503)',
        "            return Response(status_code=status.HTTP_502_BAD_GATEWAY)",
        "            return PlainTextResponse('down', 500)",
        # Handed to a function named for turning it into an error answer.
        "            self.handle_exceptions(e)",
        "            raise_http_error(e)",
        "            self.handle_exceptions(e)\n            return None",
        # The standard library's enum, by its member name.
        '            return JSONResponse({{"detail": str(e)}}, status_code=HTTPStatus.BAD_REQUEST)',
        "            return Response(status_code=http.HTTPStatus.SERVICE_UNAVAILABLE)",
    ],
)
def test_handler_that_reports_the_failure_to_the_caller_is_fine(handler):
    assert found(TOAST_ROUTE.format(handler=handler), "RTE102") == []


@pytest.mark.parametrize(
    "handler",
    [
        # An error toast on a page answered with 200, and nothing logged: the bug never
        # reaches error tracking.
        '            await add_toast(request, f"Failed to open ticket: {{e}}", "error")',
        '            return {{"error": str(e)}}',
        # Handed to a logger (or a handler whose name says nothing) is still swallowed.
        "            log_error(e)",
        "            notify(e)",
        # Something after the hand-over answers: the failure may well be swallowed.
        '            self.handle_exceptions(e)\n            return {{"ok": False}}',
        # Logged, but the caller is told it worked.
        '            logger.exception("ticket failed")\n'
        '            await add_toast(request, "Ticket opened.", "success")',
        '            logger.exception("ticket failed")\n'
        "            return JSONResponse({{'ok': True}}, status_code=200)",
    ],
)
def test_unlogged_error_message_or_logged_success_is_still_reported(handler):
    assert len(found(TOAST_ROUTE.format(handler=handler), "RTE102")) == 1


@pytest.mark.parametrize(
    ("path", "name"),
    [("/health", "check"), ("/", "healthcheck"), ("/readyz", "ready"), ("/ping", "ping")],
)
def test_health_check_that_reports_the_failure_is_fine(path, name):
    text = f"""
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("{path}")
        def {name}():
            try:
                ping_database()
            except Exception as exc:
                return {{"db": "down", "error": str(exc)}}
            return {{"db": "up"}}
        """
    assert found(text, "RTE102") == []


def test_health_check_that_hides_the_failure_is_still_reported():
    text = """
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/health")
        def health():
            try:
                ping_database()
            except Exception:
                pass
            return {"db": "up"}
        """
    assert len(found(text, "RTE102")) == 1


# ----------------------------------------------- RTE101 with a decorator underneath
DECORATED_ROUTE = """\
import functools

from fastapi import APIRouter

from app.schemas import Item

router = APIRouter()


def logged(func):
{inner_decorator}    async def wrapper(*args, **kwargs):
        return await func(*args, **kwargs)

    return wrapper


@router.get("/items/{{item_id}}", response_model=Item)
@logged
async def read_item(item_id: int) -> Item:
    return Item(id=item_id)
"""


def test_response_model_removal_is_unsafe_over_a_decorator_without_wraps():
    from fastaudit.model import Safety

    source = DECORATED_ROUTE.format(inner_decorator="")
    [finding] = check_source(source, "app/routes.py", ["RTE101"])
    assert finding.line == 17
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert finding.fix.note.startswith(
        "`@logged` sits between the route decorator and the function without visibly using "
        "`functools.wraps`"
    )


def test_response_model_removal_stays_safe_over_a_wraps_decorator():
    from fastaudit.model import Safety

    source = DECORATED_ROUTE.format(inner_decorator="    @functools.wraps(func)\n")
    [finding] = check_source(source, "app/routes.py", ["RTE101"])
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE


def test_a_broad_handler_on_another_handler_s_error_path_is_that_handler_s_call():
    """Cleanup inside ``except Exception:`` (cancelling a task, ignoring what that
    raises) before the outer handler answers 400: the outer one is judged, not the
    inner ``except BaseException: pass``."""
    source = """
        from fastapi import APIRouter
        from fastapi.responses import JSONResponse

        router = APIRouter()


        @router.post("/connect")
        async def connect(name: str):
            task = start(name)
            try:
                await task.wait_ready()
            except Exception as exc:
                task.cancel()
                try:
                    await task
                except BaseException:
                    pass
                return JSONResponse({"detail": str(exc)}, status_code=400)
            return {"ok": True}


        @router.post("/sync")
        async def sync(name: str):
            try:
                await pull(name)
            except Exception:
                try:
                    await rollback(name)
                except Exception:
                    pass
                return {"synced": False}
            return {"synced": True}
    """
    # The second route's outer handler passes a failure off as an answer: reported,
    # and only it (its inner cleanup is its own business).
    assert [f.line for f in found(source, "RTE102")] == [26]


def test_a_parse_with_a_plain_default_or_a_best_effort_cleanup_is_no_swallowing():
    source = """
        import json

        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/threads/{thread_id}")
        async def read_thread(thread_id: str):
            thread = await load(thread_id)
            try:
                meta = json.loads(thread.meta)
            except Exception:
                meta = {}
            return {"shared": meta.get("shared", False)}


        @router.post("/sessions/{name}")
        async def reconnect(name: str):
            old = sessions.pop(name)
            try:
                await old.close()
            except Exception:
                pass
            sessions[name] = await open_session(name)
            return {"ok": True}


        @router.get("/settings")
        async def settings():
            try:
                current = json.loads(await read_settings())
            except Exception:
                current = default_settings()
            return current
    """
    # A default computed by a call is the route's answer passed off as the settings.
    assert [f.line for f in found(source, "RTE102")] == [33]


def test_a_handler_followed_by_an_error_answer_is_no_swallowing():
    source = """
        import asyncio

        from fastapi import APIRouter
        from fastapi.responses import JSONResponse

        router = APIRouter()


        @router.post("/jobs")
        async def start_job(name: str):
            task = asyncio.create_task(run(name))
            await ready.wait()
            if failed(name):
                try:
                    await task
                except BaseException:
                    pass
                return JSONResponse({"detail": "could not start"}, status_code=400)
            return {"started": name}
    """
    assert found(source, "RTE102") == []

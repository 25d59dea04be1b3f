"""ASY114 (async-route-without-await): Async route or dependency that never awaits but
calls code of unknown cost."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from fastaudit.engine.context import FileContext
from fastaudit.engine.names import same_qualname
from fastaudit.model import Finding, Severity
from fastaudit.rules._support.project_walk import file_facts
from fastaudit.rules.async_code._dependency_refs import DependencyNames, DependencyRefs
from fastaudit.rules.async_code._reach import (
    Graph,
    blocking_kind,
    might_be_project,
    project_target,
)
from fastaudit.rules.async_code._shared import def_header
from fastaudit.rules.base import ProjectRule

if TYPE_CHECKING:
    from fastaudit.engine.project_view import ProjectView

# Per file: (qualname or "", shown name, is a route, line, column, end line, end column,
# costly calls as (written callee, what it costs), project calls as (qualname, a method
# of what a call returned, written callee)) of each ``async def`` that never awaits.
CANDIDATE_FACT = "awaitless-async-candidate"
# Per file: (qualname, written callee, what it costs) of each module- or class-level
# sync def whose body makes a costly call, so a route calling it is reported too.
COSTLY_FUNCTION_FACT = "awaitless-costly-function"

# Libraries whose calls are known to take time and that no blocking rule (ASY101-105,
# ASY109) covers: sync SDKs that talk to a service, and CPU-heavy data, image, model and
# document work. A library missing here is simply not reported (precision first).
_COSTLY: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "boto3.", "botocore.", "stripe.", "sendgrid.", "twilio.", "smtplib.", "ftplib.",
            "paramiko.", "redis.Redis().", "redis.StrictRedis().", "redis.client.",
            "redis.from_url().", "elasticsearch.Elasticsearch().", "openai.OpenAI().",
            "anthropic.Anthropic().", "slack_sdk.WebClient().", "google.cloud.",
            "firebase_admin.", "kafka.", "pika.", "minio.Minio().", "ldap3.", "socket.",
        ),
        "a sync network call",
    ),
    (
        (
            "pandas.", "PIL.", "cv2.", "sklearn.", "torch.", "tensorflow.", "transformers.",
            "sentence_transformers.", "openpyxl.", "xlsxwriter.", "reportlab.",
            "weasyprint.", "fpdf.", "pdfkit.", "docx.", "qrcode.", "matplotlib.", "zlib.",
            "gzip.", "bz2.", "lzma.", "zipfile.", "tarfile.",
        ),
        "CPU-heavy work",
    ),
)  # fmt: skip
# Calls whose argument is a coroutine or function to run later: the call in the
# argument only builds it (``create_task(notify(user))``, ``add_task(send, ...)``).
_SCHEDULERS = frozenset(
    {"create_task", "ensure_future", "add_task", "start_soon", "BackgroundTask"}
)


def _cost(callee: str) -> str | None:
    for prefixes, cost in _COSTLY:
        if callee.startswith(prefixes):
            return cost
    return None


@dataclass(slots=True)
class _Frame:
    qualname: str
    shown: str
    is_async: bool
    is_route: bool
    awaits: bool = False
    blocks: bool = False
    costly: list[tuple[str, str]] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (callee, written)


class AsyncRouteWithoutAwait(DependencyRefs, ProjectRule):
    id = "ASY114"
    name = "async-route-without-await"
    title = "Async route that never awaits but calls slow sync code"
    severity = Severity.INFO
    peers = ("ruff RUF029",)
    rationale = """
    FastAPI runs an `async def` route or dependency on the event loop and a plain `def`
    one in its threadpool. An `async def` that never awaits (no `await`, `async for`,
    `async with`) gains nothing from the loop, and everything it calls runs there: when
    it renders a spreadsheet, resizes an image or calls a service through a sync SDK,
    every other request on the worker waits. Declared `def`, the same body would run in
    a thread. ruff's RUF029 (unused-async) skips FastAPI routes on purpose; this is its
    FastAPI-aware counterpart.

    Precision first, so the rule needs evidence of cost, not just an unknown call: it
    reports a route (or a function named in `Depends(...)`) that never awaits and calls
    a library known to be slow that no blocking rule covers (sync SDKs such as boto3,
    stripe, smtplib or a sync Redis client; pandas, Pillow, openpyxl, reportlab, model
    inference, compression), directly or through one project function that does. A
    trivial `async def health(): return {...}` is the right choice (no thread hop) and
    is never reported; nor is a body that calls project helpers or other libraries of
    unknown cost (a JWT encoder, an HTML builder, a type guard): on real applications
    those were almost always cheap. Blocking calls ASY101-105, ASY108 and ASY109
    report are theirs, not repeated here.
    """
    dont = """
    import io

    import qrcode
    from fastapi import APIRouter
    from fastapi.responses import Response

    router = APIRouter()


    @router.get("/tickets/{ticket_id}/qr.png")
    async def ticket_qr(ticket_id: str) -> Response:
        image = qrcode.make(f"https://tickets.test/{ticket_id}")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return Response(buffer.getvalue(), media_type="image/png")
    """
    do = """
    import io

    import qrcode
    from fastapi import APIRouter
    from fastapi.responses import Response

    router = APIRouter()


    @router.get("/tickets/{ticket_id}/qr.png")
    def ticket_qr(ticket_id: str) -> Response:
        image = qrcode.make(f"https://tickets.test/{ticket_id}")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return Response(buffer.getvalue(), media_type="image/png")


    @router.get("/health")
    async def health() -> dict:
        return {"status": "ok"}
    """
    dont_files: ClassVar[dict[str, str]] = {
        "app/exports.py": """
            import io

            from openpyxl import Workbook


            def orders_workbook(rows: list[dict]) -> bytes:
                book = Workbook()
                sheet = book.active
                for row in rows:
                    sheet.append(list(row.values()))
                buffer = io.BytesIO()
                book.save(buffer)
                return buffer.getvalue()
            """,
        "app/routes.py": """
            from fastapi import APIRouter
            from fastapi.responses import Response

            from app.exports import orders_workbook

            router = APIRouter()


            @router.post("/orders/export")
            async def export_orders(rows: list[dict]) -> Response:
                return Response(orders_workbook(rows), media_type="application/vnd.ms-excel")
            """,
    }
    do_files: ClassVar[dict[str, str]] = {
        "app/exports.py": dont_files["app/exports.py"],
        "app/routes.py": """
            from fastapi import APIRouter
            from fastapi.responses import Response

            from app.exports import orders_workbook
            from app.tokens import sign

            router = APIRouter()


            @router.post("/orders/export")
            def export_orders(rows: list[dict]) -> Response:
                return Response(orders_workbook(rows), media_type="application/vnd.ms-excel")


            @router.get("/token")
            async def token(user_id: int) -> dict:
                return {"token": sign(user_id)}
            """,
    }

    def __init__(self) -> None:
        self._refs_init()
        self._frames: dict[int, _Frame] = {}
        self._scheduled: set[int] = set()  # ids of calls that only build a coroutine
        self._found: list[tuple[ast.AsyncFunctionDef, _Frame]] = []
        self._classes: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._classes.append(node.name)

    def leave_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        self._classes.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        is_route = ctx.route_decorator(node) is not None
        module_level = ctx.function is None and not self._classes
        if is_route or module_level:
            qualname = ctx.qualify(node.name) if module_level else ""
            self._frames[id(node)] = _Frame(qualname, node.name, True, is_route)

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        # A sync def a route may call by name: at module level or in a top-level class.
        if ctx.function is None and len(self._classes) <= 1:
            shown = ".".join([*self._classes, node.name])
            self._frames[id(node)] = _Frame(ctx.qualify(shown), shown, False, False)

    def _frame(self, ctx: FileContext) -> _Frame | None:
        function = ctx.function
        return self._frames.get(id(function.node)) if function is not None else None

    def _awaits(self, ctx: FileContext) -> None:
        frame = self._frame(ctx)
        if frame is not None:
            frame.awaits = True

    def visit_Await(self, node: ast.Await, ctx: FileContext) -> None:
        self._awaits(ctx)

    def visit_AsyncFor(self, node: ast.AsyncFor, ctx: FileContext) -> None:
        self._awaits(ctx)

    def visit_AsyncWith(self, node: ast.AsyncWith, ctx: FileContext) -> None:
        self._awaits(ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        super().visit_Call(node, ctx)
        frame = self._frame(ctx)
        if frame is None or frame.awaits or frame.blocks:
            return
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _SCHEDULERS:
            self._scheduled.update(id(arg) for arg in node.args if isinstance(arg, ast.Call))
        if id(node) in self._scheduled:
            return
        callee = ctx.resolve(func)
        if callee is None and isinstance(func, ast.Name) and ctx.is_module_binding(func.id):
            callee = ctx.qualify(func.id)  # a function of this module
        if callee is None:
            return
        if blocking_kind(callee, node) is not None:
            frame.blocks = True  # ASY101-105's or ASY109's finding (ASY108's in a sync def)
            return
        cost = _cost(callee)
        if cost is not None:
            frame.costly.append((ctx.text(func), cost))
        elif frame.is_async and might_be_project(callee):
            # Settled in the project pass, where other files' facts say what it calls.
            frame.calls.append((callee, ctx.text(func)))

    def leave_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        frame = self._frames.pop(id(node), None)
        if frame is not None and frame.costly and not frame.blocks:
            written, cost = frame.costly[0]
            ctx.add_fact(COSTLY_FUNCTION_FACT, (frame.qualname, written, cost))

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        frame = self._frames.pop(id(node), None)
        if frame is None or frame.awaits or frame.blocks:
            return
        if frame.costly or frame.calls:
            self._found.append((node, frame))

    def finish(self, ctx: FileContext) -> None:
        self.note_dependency_refs(ctx)
        for node, frame in self._found:
            span = ctx.span(def_header(node))
            ctx.add_fact(
                CANDIDATE_FACT,
                (
                    frame.qualname,
                    frame.shown,
                    frame.is_route,
                    span.line,
                    span.column,
                    span.end_line,
                    span.end_column,
                    tuple(frame.costly),
                    tuple(frame.calls),
                ),
            )

    def check_project(self, project: ProjectView) -> Iterable[Finding]:
        candidates = [
            (path, fact)
            for path in project.python_files
            for fact in file_facts(project, path, CANDIDATE_FACT)
        ]
        if not candidates:
            return []
        dependencies = DependencyNames(project)
        costly = _CostlyFunctions(project)
        graph = Graph.of(project)
        best = graph.shortest()
        findings = []
        for path, fact in candidates:
            qualname, shown, is_route, line, column, end_line, end_column, direct, calls = fact
            if not is_route and not (qualname and qualname in dependencies):
                continue  # a plain coroutine: RUF029's matter
            if any(
                graph.blocking(callee) is not None or any(t in best for t in graph.targets(callee))
                for callee, _ in calls
            ):
                continue  # ASY108 reports the blocking call it reaches or makes
            reasons = [f"`{written}(...)` ({cost})" for written, cost in direct]
            for callee, written in calls:
                target = project_target(graph.value(callee))
                found = costly.get(target) if target is not None else None
                if found is not None:
                    reasons.append(f"`{written}(...)`, which calls `{found[0]}(...)` ({found[1]})")
            if not reasons:
                continue
            findings.append(
                project.finding(
                    self,
                    path,
                    line,
                    _message(shown, is_route, reasons),
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
            )
        return findings


class _CostlyFunctions:
    """The project's sync defs that make a costly call, by qualified name (a src
    layout's ``src.app.x.f`` answers for ``app.x.f``)."""

    def __init__(self, project: ProjectView) -> None:
        self._by_name: dict[str, list[tuple[str, str, str]]] = {}
        for path in project.python_files:
            for qualname, written, cost in file_facts(project, path, COSTLY_FUNCTION_FACT):
                last = qualname.rpartition(".")[2]
                self._by_name.setdefault(last, []).append((qualname, written, cost))

    def get(self, qualname: str) -> tuple[str, str] | None:
        for known, written, cost in self._by_name.get(qualname.rpartition(".")[2], ()):
            if same_qualname(known, qualname):
                return written, cost
        return None


def _message(shown: str, is_route: bool, reasons: list[str]) -> str:
    kind = "a route" if is_route else "a dependency"
    listed = "; ".join(reasons[:2]) + (f" and {len(reasons) - 2} more" if len(reasons) > 2 else "")
    return (
        f"`async def {shown}` is {kind} that never awaits, so all of it runs on the event "
        f"loop, and it calls {listed}: every other request waits meanwhile; make it `def` "
        "so FastAPI runs it in the threadpool"
    )

"""ASY101 (blocking-http-call-in-async): Synchronous HTTP client called in async code."""

from __future__ import annotations

import ast

from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule


class BlockingHttpCall(BlockingCallRule):
    id = "ASY101"
    kind = "a sync HTTP call"
    name = "blocking-http-call-in-async"
    title = "Synchronous HTTP client called in async code"
    severity = Severity.ERROR
    see_also = "ASYNC210"
    async_alternative = "`httpx.AsyncClient`"
    rationale = """
    `requests`, `urllib.request` and `http.client` wait for the network on the calling
    thread. In an `async def` route that thread is the event loop, so one slow upstream
    holds up every request the worker is serving. Use an async client
    (`httpx.AsyncClient`) and `await` it, or hand the sync call to
    `run_in_threadpool`.
    """
    dont = """
    import requests
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/weather/{city}")
    async def city_weather(city: str):
        reply = requests.get(f"https://api.weather.test/{city}", timeout=3)
        return reply.json()
    """
    dont_fixed = """
    import requests
    from fastapi import APIRouter
    from fastapi.concurrency import run_in_threadpool

    router = APIRouter()


    @router.get("/weather/{city}")
    async def city_weather(city: str):
        reply = await run_in_threadpool(requests.get, f"https://api.weather.test/{city}", timeout=3)
        return reply.json()
    """
    do = """
    import httpx
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/weather/{city}")
    async def city_weather(city: str):
        async with httpx.AsyncClient(timeout=3) as client:
            reply = await client.get(f"https://api.weather.test/{city}")
        return reply.json()
    """
    extra_valid = (
        # Handing the sync call to a thread is the documented way out.
        """
        import requests
        from fastapi.concurrency import run_in_threadpool

        async def fetch(url: str):
            return await run_in_threadpool(requests.get, url)
        """,
        # A sync route runs in the threadpool: blocking there is fine.
        """
        import requests

        def fetch(url: str):
            return requests.get(url)
        """,
        # Only direct calls in the async body count, not a nested helper.
        """
        import requests

        async def fetch(url: str):
            def work():
                return requests.get(url)
            return work
        """,
        # An unrelated object that happens to be called `requests`.
        """
        async def count(requests: list[str]):
            return requests.count("x")
        """,
    )
    extra_invalid = (
        """
        import requests as rq

        async def ping():
            rq.post("https://hooks.test", json={})
        """,
        """
        from urllib.request import urlopen

        async def ping():
            return urlopen("https://status.test").read()
        """,
        """
        import httpx

        async def ping():
            return httpx.get("https://status.test")
        """,
    )

    blocking = frozenset(
        {
            *(
                f"requests.{verb}"
                for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
            ),
            "requests.Session().get",
            "urllib.request.urlopen",
            "urllib.request.urlretrieve",
            *(
                f"httpx.{verb}"
                for verb in (
                    "get",
                    "post",
                    "put",
                    "patch",
                    "delete",
                    "head",
                    "options",
                    "request",
                    "stream",
                )
            ),
            "http.client.HTTPConnection().request",
            "http.client.HTTPConnection().getresponse",
            "http.client.HTTPSConnection().request",
            "http.client.HTTPSConnection().getresponse",
        }
    )
    receivers = ("requests.Session()", "requests.session()", "httpx.Client()")
    methods = frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream"}
    )
    what = "waits for the network on the event loop"

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # A streamed body is read later, on the loop, by ``iter_content()`` and the like.
        streamed = any(
            k.arg == "stream" and not (isinstance(k.value, ast.Constant) and not k.value.value)
            for k in node.keywords
        )
        return not streamed and not callee.endswith(".stream")

"""ASY101 (blocking-http-call-in-async): Synchronous HTTP client called in async code."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine.context import CallFilter
from fastaudit.model import Severity
from fastaudit.rules.async_code._shared import BlockingCallRule

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
# What a sync client or session sends a request with (``stream`` is httpx's).
_CLIENT_METHODS = frozenset({*_VERBS, "send", "stream"})
# What a urllib3 pool or pool manager sends a request with.
_POOL_METHODS = frozenset({"request", "urlopen", "request_encode_url", "request_encode_body"})
_POOLS = (
    "urllib3.PoolManager()",
    "urllib3.ProxyManager()",
    "urllib3.proxy_from_url()",
    "urllib3.poolmanager.PoolManager()",
    "urllib3.poolmanager.ProxyManager()",
    "urllib3.poolmanager.proxy_from_url()",
    "urllib3.HTTPConnectionPool()",
    "urllib3.HTTPSConnectionPool()",
    "urllib3.connection_from_url()",
    "urllib3.connectionpool.HTTPConnectionPool()",
    "urllib3.connectionpool.HTTPSConnectionPool()",
    "urllib3.connectionpool.connection_from_url()",
)
# The pool a manager hands out for one host.
_HOST_POOLS = tuple(
    f"{manager}.{picks}()"
    for manager in _POOLS[:6]
    for picks in ("connection_from_url", "connection_from_host")
)
# A sync client, as a value: the exact receiver, so ``session.headers.get(...)`` (a
# dict lookup on an attribute of the session) is not a request.
SYNC_CLIENTS: dict[str, frozenset[str]] = {
    "requests.Session()": _CLIENT_METHODS,
    "requests.session()": _CLIENT_METHODS,
    "requests.sessions.Session()": _CLIENT_METHODS,
    "httpx.Client()": _CLIENT_METHODS,
    **dict.fromkeys(_POOLS + _HOST_POOLS, _POOL_METHODS),
}


class BlockingHttpCall(BlockingCallRule):
    id = "ASY101"
    kind = "a sync HTTP call"
    name = "blocking-http-call-in-async"
    title = "Synchronous HTTP client called in async code"
    severity = Severity.ERROR
    peers = ("ruff ASYNC210", "ruff ASYNC212", "flake8-async ASYNC211")
    async_alternative = "`httpx.AsyncClient`"
    rationale = """
    `requests`, `urllib.request`, `urllib3`, `http.client` and httpx's sync `Client`
    wait for the network on the calling thread. In an `async def` route that thread is
    the event loop, so one slow upstream holds up every request the worker is serving.
    Use an async client (`httpx.AsyncClient`) and `await` it, or hand the sync call to
    `run_in_threadpool`. ruff's ASYNC210 (module-level helpers) and ASYNC212 (httpx's
    sync client) cover part of this, as does flake8-async's ASYNC211 (urllib3 pools);
    this rule also follows a client bound by `with ... as client`, a parameter typed as
    one, and, through ASY108, a call made in a sync helper.
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
        # Reading a sync client's settings sends nothing.
        """
        import httpx
        import requests

        session = requests.Session()
        client = httpx.Client()

        async def token() -> str | None:
            return session.headers.get("Authorization") or client.cookies.get("sid")
        """,
        # The async clients, awaited.
        """
        import httpx

        async def ping(client: httpx.AsyncClient):
            async with httpx.AsyncClient() as other:
                await other.get("https://status.test")
            return await client.request("HEAD", "https://status.test")
        """,
        # Building a request is not sending it; a urllib3 header helper does no I/O.
        """
        import httpx
        import urllib3

        async def prepare(client: httpx.Client):
            headers = urllib3.make_headers(basic_auth="a:b")
            return client.build_request("GET", "https://status.test", headers=headers)
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
        # httpx's sync client, bound by `with`.
        """
        import httpx

        async def ping():
            with httpx.Client(timeout=2) as client:
                return client.get("https://status.test").status_code
        """,
        # A sync client handed in as a typed parameter.
        """
        from httpx import Client

        async def ping(client: Client):
            return client.post("https://hooks.test", json={})
        """,
        # urllib3 2.x's module-level helper.
        """
        import urllib3

        async def ping():
            return urllib3.request("GET", "https://status.test").status
        """,
        # A urllib3 pool manager made at import time.
        """
        import urllib3

        http = urllib3.PoolManager(num_pools=4)

        async def ping():
            return http.request("GET", "https://status.test").data
        """,
        # A connection pool for one host.
        """
        from urllib3 import HTTPSConnectionPool

        async def ping():
            pool = HTTPSConnectionPool("status.test", port=443)
            return pool.urlopen("GET", "/health")
        """,
    )

    blocking = frozenset(
        {
            *(f"requests.{verb}" for verb in _VERBS),
            "urllib.request.urlopen",
            "urllib.request.urlretrieve",
            "urllib3.request",
            *(f"httpx.{verb}" for verb in (*_VERBS, "stream")),
            "http.client.HTTPConnection().request",
            "http.client.HTTPConnection().getresponse",
            "http.client.HTTPSConnection().request",
            "http.client.HTTPSConnection().getresponse",
        }
    )
    receivers = tuple(SYNC_CLIENTS)
    methods: ClassVar[frozenset[str]] = frozenset().union(*SYNC_CLIENTS.values())
    what = "waits for the network on the event loop"

    calls = CallFilter.of(callees=blocking, tails=[m for ms in SYNC_CLIENTS.values() for m in ms])

    def matches(self, callee: str, node: ast.Call) -> bool:
        if callee in self.blocking:
            return True
        receiver, _, method = callee.rpartition(".")
        return method in SYNC_CLIENTS.get(receiver, ())

    def wrappable(self, callee: str, node: ast.Call) -> bool:
        # A streamed body is read later, on the loop, by ``iter_content()`` and the like.
        streamed = any(
            k.arg == "stream" and not (isinstance(k.value, ast.Constant) and not k.value.value)
            for k in node.keywords
        )
        return not streamed and not callee.endswith(".stream")

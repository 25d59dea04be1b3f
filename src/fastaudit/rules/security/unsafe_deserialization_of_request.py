"""SEC110 (unsafe-deserialization-of-request): `pickle` / `yaml.load` on request data."""

from __future__ import annotations

import ast
from typing import ClassVar

from fastaudit.engine import edit_builders
from fastaudit.engine.context import CallFilter, FileContext
from fastaudit.model import Edit, Severity
from fastaudit.rules._support.messages import one_line
from fastaudit.rules._support.route_calls import keyword_arg
from fastaudit.rules.base import Rule
from fastaudit.rules.security._request_data import Flow, route_data

# Loaders that build arbitrary objects (and so run code) from what they read.
_OBJECT_LOADERS = frozenset(
    {
        "pickle.loads",
        "pickle.load",
        "pickle.Unpickler",
        "_pickle.loads",
        "_pickle.load",
        "cPickle.loads",
        "cPickle.load",
        "dill.loads",
        "dill.load",
        "cloudpickle.loads",
        "cloudpickle.load",
        "joblib.load",
        "marshal.loads",
        "marshal.load",
        "jsonpickle.decode",
        "yaml.unsafe_load",
        "yaml.unsafe_load_all",
        "pandas.read_pickle",
    }
)
_YAML_LOAD = frozenset({"yaml.load", "yaml.load_all"})
# Loaders ``yaml.load`` is safe with; ``FullLoader`` still builds Python objects.
_SAFE_YAML_LOADERS = frozenset(
    {"yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader"}
)


class UnsafeDeserializationOfRequest(Rule):
    id = "SEC110"
    name = "unsafe-deserialization-of-request"
    title = "`pickle` / `yaml.load` on request data"
    severity = Severity.ERROR
    peers: ClassVar[tuple[str, ...]] = (
        "semgrep python.fastapi.security.fastapi-pickle-deserialization",
        "ruff S301",
        "ruff S506",
        "fastapi-doctor security/unsafe-pickle-load",
        "fastapi-doctor security/unsafe-yaml-load",
    )
    rationale = """
    `pickle` (and `dill`, `marshal`, `jsonpickle`, `joblib`) rebuilds whatever objects
    the bytes describe, and rebuilding an object can call any function: whoever writes
    the bytes runs code on your server. `yaml.load` with the default or full loader and
    `yaml.unsafe_load` do the same with YAML tags. On the body of a request, an
    uploaded file or a parameter, that is remote code execution for anyone who can
    reach the route. Accept JSON (a Pydantic model) or `yaml.safe_load`, and keep
    pickle for data your own processes wrote.

    Reported in a route's own body when the data comes from the request (a text or
    `bytes` parameter, an `UploadFile`'s `read()` or `.file`, `await request.body()`,
    `.json()`, `.form()`, ...), directly or through assignments. ruff's S301 and S506
    flag every `pickle`/`yaml.load` call wherever its data comes from; semgrep's
    `fastapi-pickle-deserialization` follows `request.body()` into `pickle` only. This
    rule reports the calls an attacker can feed.

    The fix turns `yaml.load(data)` / `yaml.load(data, Loader=yaml.FullLoader)` into
    `yaml.safe_load(data)`. It is unsafe: documents with Python tags (`!!python/...`)
    that loaded before are refused, which is the point, but a client that sent them
    breaks. There is no fix for `pickle`: the format has to change.
    """
    dont = """
    import yaml
    from fastapi import APIRouter, UploadFile

    router = APIRouter()


    @router.post("/pipelines/import")
    async def import_pipeline(file: UploadFile):
        spec = yaml.load(await file.read(), Loader=yaml.Loader)
        return {"steps": len(spec["steps"])}
    """
    dont_fixed = """
    import yaml
    from fastapi import APIRouter, UploadFile

    router = APIRouter()


    @router.post("/pipelines/import")
    async def import_pipeline(file: UploadFile):
        spec = yaml.safe_load(await file.read())
        return {"steps": len(spec["steps"])}
    """
    fix_safety = (
        "Unsafe: YAML documents with Python tags that loaded before are refused. "
        "`pickle` and the like have no fix."
    )
    extra_valid = (
        # Safe YAML.
        """
        import yaml
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/config")
        async def upload_config(file: UploadFile):
            raw = await file.read()
            return yaml.load(raw, Loader=yaml.SafeLoader) or yaml.safe_load(raw)
        """,
        # Pickle of data the server wrote itself (a cache), not the request.
        """
        import pickle

        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/report/{report_id}")
        async def report(report_id: str):
            blob = await cache.get(report_id)
            return pickle.loads(blob)
        """,
        # Outside a route.
        """
        import pickle

        def load_model(path):
            with open(path, "rb") as f:
                return pickle.load(f)
        """,
    )
    extra_invalid = (
        """
        import pickle

        from fastapi import APIRouter, Request

        router = APIRouter()

        @router.post("/models/import")
        async def import_model(request: Request):
            model = pickle.loads(await request.body())
            return {"features": len(model.features)}
        """,
        """
        import yaml
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/config")
        async def upload_config(file: UploadFile):
            return yaml.load(await file.read(), Loader=yaml.FullLoader)
        """,
        """
        import dill
        from fastapi import FastAPI, File

        app = FastAPI()

        @app.post("/jobs")
        def submit(payload: bytes = File()):
            job = dill.loads(payload)
            return job()
        """,
        """
        import pickle

        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/restore")
        def restore(upload: UploadFile):
            return pickle.load(upload.file)
        """,
    )

    calls = CallFilter.of(callees=_YAML_LOAD | _OBJECT_LOADERS)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        callee = ctx.resolve(node.func)
        if callee is None:
            return
        is_yaml = callee in _YAML_LOAD
        if not is_yaml and callee not in _OBJECT_LOADERS:
            return
        loader = keyword_arg(node, "Loader")
        loader_node = loader.value if loader is not None else None
        if loader_node is None and len(node.args) >= 2:
            loader_node = node.args[1]
        if is_yaml and ctx.resolve(loader_node) in _SAFE_YAML_LOADERS:
            return
        data_node = node.args[0] if node.args else None
        if data_node is None:
            given = keyword_arg(node, "stream") or keyword_arg(node, "data")
            data_node = given.value if given is not None else None
        data = route_data(ctx)
        if data is None or data_node is None:
            return
        source = data.origin(data_node, Flow.ANY)
        if source is None:
            return
        written = one_line(ctx.text(node.func), 40)
        advice = (
            "use `yaml.safe_load`"
            if callee.startswith("yaml.")
            else "accept JSON (a Pydantic model) instead"
        )
        fix = None
        if (
            is_yaml
            and callee == "yaml.load"
            and len(node.args) == 1
            and (loader_node is None or loader is not None)
            and len(node.keywords) == (1 if loader is not None else 0)
            and isinstance(node.func, ast.Attribute)
        ):
            safe_load = ctx.text(node.func.value) + ".safe_load"
            edits: list[Edit | None] = [ctx.replace(node.func, safe_load)]
            if loader is not None:
                edits.append(edit_builders.remove_call_argument(ctx, node, loader))
            fix = ctx.fix(
                f"use `{safe_load}`",
                *edits,
                safe=False,
                note="documents with Python tags that loaded before are refused",
            )
        ctx.report(
            node,
            f"`{written}(...)` in route `{data.node.name}` deserialises {source}: "
            f"whoever sends it runs code on the server; {advice}",
            fix=fix,
        )

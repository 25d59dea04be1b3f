"""PYD: Pydantic v1 leftovers in code that runs on Pydantic v2.

Pydantic v2 keeps much of the v1 API working with deprecation warnings, ignores renamed
configuration keys, and moved ``BaseSettings`` out to ``pydantic-settings``. These rules
point at each leftover; their fixes write the v2 spelling, so they assume the project
runs Pydantic v2.

Methods and configuration only count on Pydantic models, which may be declared in
another file: such findings are filed on condition (``when=("pydantic-model", ...)``)
and kept once the whole project has been indexed. A file that imports the
``pydantic.v1`` compatibility layer is deliberately on v1, and is left alone by the
model rules.
"""

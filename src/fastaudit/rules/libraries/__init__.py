"""LIB: libraries that have been replaced, and a JWT call that trusts the token too much.

python-jose, async_asgi_testclient and encode/databases each have a maintained
successor that FastAPI's own documentation now uses. The import is what is reported:
that is the line that ties the project to the old library. ``jwt.decode`` without
``algorithms=`` is reported wherever it is called.
"""

"""RTE: how path operations (route functions) are declared and how they fail.

A route is a function decorated with ``@app.get(...)``, ``@router.post(...)`` and the
like (see ``FileContext.route_decorator``). Nested helpers defined inside a route are
not routes themselves.
"""

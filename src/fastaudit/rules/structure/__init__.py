"""STR: how the application is laid out.

These rules look at the whole project (see :mod:`fastaudit.engine.layout` for how the
app, its package root and its domains are found). Findings about a domain import are
computed per file (the fix renames uses in that file) and confirmed once the domains
are known.
"""

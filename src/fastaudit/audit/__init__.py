"""Running an audit: discovery, the per-file walk, project rules, ``--since`` and refresh.

The top of the headless core: it joins the layers below (``config``, ``project``,
``engine``, ``rules``) and is what ``fixes``, ``report``, ``workflows``, the TUI and the
CLI call. Never imports textual.
"""

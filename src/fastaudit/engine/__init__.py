"""Analysis below the rules: the per-file walk (context, names), the facts it records
(outcomes, the project index, layout, serving) and the project view rules read, the
cache and the worker processes. Never imports the rules, nor textual."""

"""The interactive auditor (Textual). Imported only when the TUI is asked for.

Headless helpers (``grouping``, ``session``, ``noqa``, ``editor``, ``deps``) never import
Textual; widgets and screens render what they compute.
"""

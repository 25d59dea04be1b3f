"""Applying fixes: text edits, safe atomic writes, undo, suppression comments, and the
auditing session that plans and applies them (headless; the TUI renders it)."""

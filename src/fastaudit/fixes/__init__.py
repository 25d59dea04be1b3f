"""Applying fixes: text edits, safe atomic writes, undo."""

"""Helpers shared by rule modules (not rules themselves: the registry skips classes
without an id)."""

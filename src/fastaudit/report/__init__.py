"""Output formats for ``fastaudit check``."""

"""TLG: lint and format tooling: one fast tool (ruff) instead of black, isort,
autoflake and flake8 configured side by side."""

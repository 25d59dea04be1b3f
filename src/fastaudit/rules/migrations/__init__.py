"""MIG: Alembic migrations: dated, descriptive revision files; an async env.py for an
async app; downgrades that actually go back."""

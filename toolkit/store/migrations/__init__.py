"""Alembic environment and revision scripts of the store (loaded by Alembic, not imported)."""

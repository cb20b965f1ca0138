"""Alembic revision scripts, one per schema change, in a single linear chain."""

"""Alembic environment for Dalil's store; the URL comes from the caller's config."""

from dalil.store.migrate import run_migrations
from dalil.store.tables import Base

run_migrations(Base.metadata, version_table="dalil_store_version")

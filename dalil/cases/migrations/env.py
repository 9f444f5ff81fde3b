"""Alembic environment for the reference case service; the URL comes from the caller."""

from dalil.cases.tables import Base
from dalil.store.migrate import run_migrations

run_migrations(Base.metadata, version_table="case_service_version")

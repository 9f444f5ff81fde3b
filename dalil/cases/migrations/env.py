"""Alembic environment for the reference case service; the URL comes from the caller."""

from alembic import context
from sqlalchemy import create_engine

from dalil.cases.tables import Base

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), future=True)
with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=Base.metadata, version_table="case_service_version"
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

"""Alembic environment for Dalil's store; the URL comes from the caller's config."""

from alembic import context
from sqlalchemy import create_engine

from dalil.store.tables import Base

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), future=True)
with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=Base.metadata, version_table="dalil_store_version"
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

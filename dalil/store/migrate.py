"""Bringing a database to the newest schema with Alembic, from code (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


def alembic_config(migrations: Path, url: str) -> Config:
    """An Alembic config for the migrations folder ``migrations`` and database ``url``."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(migrations: Path, url: str) -> None:
    """Applies every migration not yet applied; a no-op on an up-to-date database."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(migrations, url), "head")


def run_migrations(metadata, version_table: str) -> None:
    """The body of a migrations folder's env.py: apply to the URL the caller configured.

    Each database gets its own version table, so Dalil's store and the case service can
    share one PostgreSQL database.
    """
    from alembic import context
    from sqlalchemy import create_engine

    engine = create_engine(context.config.get_main_option("sqlalchemy.url"), future=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, version_table=version_table
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()

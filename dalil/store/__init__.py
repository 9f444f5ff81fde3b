"""Dalil's own store: handoff tickets, ratings, answers and the case-lookup audit."""

from __future__ import annotations

from functools import lru_cache

from dalil.store.repository import CsatReport, Store

__all__ = ["CsatReport", "Store", "get_store"]


@lru_cache(maxsize=1)
def get_store() -> Store:
    """The process's store, from settings, migrated on first use."""
    from dalil.settings import get_settings

    settings = get_settings()
    store = Store(settings.store_url, settings.secret_key)
    store.migrate()
    return store

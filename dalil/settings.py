"""Dalil's configuration, read from the environment (``DALIL_*``) when first needed.

One pydantic settings class for every process, so a deployment sets one set of variables.
Outside development it refuses the placeholder secret: a forgotten variable must fail
loudly at start, not sign sessions with a key everyone can read on GitHub.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseSettings, validator

from dalil import project

PLACEHOLDER_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    """Every setting, with the default that makes one machine work out of the box."""

    environment: str = "development"
    # Dalil's own store (tickets, ratings, audit, agents). SQLite file by default.
    store_url: str = f"sqlite:///{project.VAR / 'dalil.db'}"
    # The agency's case-status system (the reference service by default).
    case_service_url: str = "http://127.0.0.1:8001"
    case_service_timeout: float = 2.0
    # The Rasa server the console's "ask as a customer" talks to.
    rasa_url: str = "http://127.0.0.1:5005"
    # Browsers that may call the web chat channel and the console API.
    allowed_origins: list[str] = ["http://127.0.0.1:5005", "http://localhost:5005"]
    # Keys hashes of national IDs.
    secret_key: str = PLACEHOLDER_SECRET
    # Lock-out: failed lookups allowed per conversation, and per ID across conversations.
    lookup_failures_per_conversation: int = 5
    lookup_failures_per_id: int = 5
    lookup_window_minutes: int = 15
    conversation_window_minutes: int = 60

    class Config:
        env_prefix = "DALIL_"

    @validator("secret_key")
    def _no_placeholder_in_production(cls, value: str, values: dict) -> str:  # noqa: N805
        if values.get("environment") != "development" and value == PLACEHOLDER_SECRET:
            raise ValueError("set DALIL_SECRET_KEY outside development")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()

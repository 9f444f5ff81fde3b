"""Dalil's own records: handoff tickets, ratings, answers given, and case-lookup audit.

SQLAlchemy 1.4 (Rasa pins it) used with its 2.0-style API, so moving to 2.0 later is a
version bump. The same tables run on SQLite (one machine) and PostgreSQL (production).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def now() -> dt.datetime:
    """The current time in UTC; every timestamp in the store is timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


class HandoffTicket(Base):
    """A client's request to talk to a person, with the conversation so far (IDs masked)."""

    __tablename__ = "handoff_tickets"

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False, index=True)
    service = Column(String(64))
    transcript = Column(JSON, nullable=False)  # [{"speaker": "user"|"bot", "text": ...}]
    status = Column(String(16), nullable=False, default="open", index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=now)
    closed_at = Column(DateTime(timezone=True))
    closed_by = Column(String(64))

    @property
    def number(self) -> str:
        """The ticket number the client is given and agents search by."""
        return f"H-{self.id:06d}"


class Rating(Base):
    """A client's answer to «هل أفادتك هذه الإجابة؟»."""

    __tablename__ = "ratings"

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    intent = Column(String(64))
    service = Column(String(64), index=True)
    score = Column(Integer, nullable=False)
    comment = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, default=now)


class Answer(Base):
    """One answer the bot gave (service or case status): what "resolved by the bot" counts."""

    __tablename__ = "answers"

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False, index=True)
    intent = Column(String(64))
    service = Column(String(64))
    created_at = Column(DateTime(timezone=True), nullable=False, default=now)


class LookupAudit(Base):
    """Every case lookup, by a client or an agent; the national ID only masked."""

    __tablename__ = "lookup_audit"

    id = Column(Integer, primary_key=True)
    actor = Column(String(128), nullable=False, index=True)  # sender id or agent username
    channel = Column(String(32), nullable=False)
    case_number = Column(String(12), nullable=False)
    national_id_masked = Column(String(16), nullable=False)
    # Keyed hash of the national ID: counts failures per ID without storing the ID.
    national_id_key = Column(String(64), nullable=False, index=True)
    outcome = Column(String(16), nullable=False)  # found, not_found, locked, unavailable
    created_at = Column(DateTime(timezone=True), nullable=False, default=now, index=True)


class AgentAccount(Base):
    """A call-center agent or supervisor who signs in to the console."""

    __tablename__ = "agent_accounts"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(256), nullable=False)  # scrypt, salted
    role = Column(String(16), nullable=False)  # agent, supervisor
    created_at = Column(DateTime(timezone=True), nullable=False, default=now)


class ConsoleSession(Base):
    """A signed-in console session; only a hash of its token is stored."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    username = Column(String(64), nullable=False, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False)

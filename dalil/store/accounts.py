"""Console accounts: salted scrypt password hashes and expiring session tokens.

Only hashes are stored: a leaked database gives neither passwords nor usable sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dalil.store.tables import AgentAccount, ConsoleSession, now

ROLES = ("agent", "supervisor")
SESSION_LIFETIME = dt.timedelta(hours=8)  # one shift
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$salt$hash`` in hex, with a fresh random salt unless one is given."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored hash."""
    try:
        _, salt, _ = stored.split("$")
    except ValueError:
        return False
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Agent:
    """A signed-in console user."""

    username: str
    role: str


class Accounts:
    """Creating accounts, signing in and out, and resolving session tokens."""

    def __init__(self, engine: Engine) -> None:
        """Uses the store's engine."""
        self.engine = engine
        self.sessions = sessionmaker(engine, future=True, expire_on_commit=False)

    def add(self, username: str, password: str, role: str = "agent") -> None:
        """Creates an account; the password must be at least 10 characters."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise ValueError("the password must be at least 10 characters")
        with self.sessions.begin() as session:
            session.add(AgentAccount(username=username, password_hash=hash_password(password),
                                     role=role, created_at=now()))  # fmt: skip

    def sign_in(self, username: str, password: str) -> str | None:
        """A new session token for valid credentials, else None."""
        with self.sessions.begin() as session:
            account = session.scalar(select(AgentAccount).where(AgentAccount.username == username))
            if account is None or not password_matches(password, account.password_hash):
                return None
            token = secrets.token_urlsafe(32)
            session.add(ConsoleSession(token_hash=_token_hash(token), username=username,
                                       expires_at=now() + SESSION_LIFETIME))  # fmt: skip
            return token

    def agent_for(self, token: str) -> Agent | None:
        """The agent a token belongs to, if the session exists and has not expired."""
        with Session(self.engine, future=True) as session:
            row = session.execute(
                select(ConsoleSession.expires_at, AgentAccount.username, AgentAccount.role)
                .join(AgentAccount, AgentAccount.username == ConsoleSession.username)
                .where(ConsoleSession.token_hash == _token_hash(token))
            ).first()
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(
            tzinfo=dt.timezone.utc
        )
        return Agent(row.username, row.role) if expires > now() else None

    def sign_out(self, token: str) -> None:
        """Ends a session."""
        with self.sessions.begin() as session:
            session.execute(delete(ConsoleSession).where(
                ConsoleSession.token_hash == _token_hash(token)))  # fmt: skip

    def expire_all(self, username: str) -> None:
        """Ends every session of ``username`` (used by tests and when an agent leaves)."""
        with self.sessions.begin() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.username == username))

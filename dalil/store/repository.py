"""The operations Dalil performs on its store, each in its own short transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from dalil.identifiers import mask_ids_in_text, mask_national_id
from dalil.store import migrate
from dalil.store.accounts import Accounts
from dalil.store.tables import Answer, HandoffTicket, LookupAudit, Rating, now

MIGRATIONS = Path(__file__).parent / "migrations"
TRANSCRIPT_TURNS = 20
COMMENT_LIMIT = 1000


@dataclass(frozen=True)
class CsatReport:
    """CSAT per channel and per service, and how many conversations the bot resolved."""

    by_channel: dict[str, tuple[float, int]]  # channel -> (mean score, ratings)
    by_service: dict[str, tuple[float, int]]
    conversations: int
    handed_off: int

    @property
    def resolved_by_bot(self) -> int:
        """Conversations that got an answer and never asked for a person."""
        return self.conversations - self.handed_off


class Store:
    """Dalil's store on one database URL (SQLite or PostgreSQL)."""

    def __init__(self, url: str, secret_key: str) -> None:
        """Connects lazily; call :meth:`migrate` once before first use."""
        self.url = url
        self._secret = secret_key.encode()
        self.engine = create_engine(url, future=True, pool_pre_ping=True)
        self.sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.accounts = Accounts(self.engine)

    def migrate(self) -> None:
        """Brings the schema to the newest migration."""
        migrate.upgrade(MIGRATIONS, self.url)

    def id_key(self, national_id: str) -> str:
        """A keyed hash of a national ID: stable for counting, useless for recovering it."""
        return hmac.new(self._secret, national_id.encode(), hashlib.sha256).hexdigest()

    # Handoff tickets -----------------------------------------------------------------

    def create_ticket(
        self, channel: str, sender_id: str, service: str | None, transcript: list[dict]
    ) -> HandoffTicket:
        """Opens a ticket with the last turns of the conversation, IDs masked."""
        turns = [
            {**turn, "text": mask_ids_in_text(turn.get("text") or "")}
            for turn in transcript[-TRANSCRIPT_TURNS:]
        ]
        ticket = HandoffTicket(
            channel=channel, sender_id=sender_id, service=service, transcript=turns,
            status="open", created_at=now(),
        )
        with self.sessions.begin() as session:
            session.add(ticket)
        return ticket

    def tickets(self, status: str | None = "open") -> list[HandoffTicket]:
        """Tickets, newest first; all of them when ``status`` is None."""
        query = select(HandoffTicket).order_by(HandoffTicket.id.desc())
        if status:
            query = query.where(HandoffTicket.status == status)
        with Session(self.engine, future=True) as session:
            return list(session.scalars(query))

    def close_ticket(self, ticket_id: int, closed_by: str) -> HandoffTicket | None:
        """Marks a ticket closed; None if there is no such ticket."""
        with self.sessions.begin() as session:
            ticket = session.get(HandoffTicket, ticket_id)
            if ticket and ticket.status != "closed":
                ticket.status, ticket.closed_at, ticket.closed_by = "closed", now(), closed_by
            return ticket

    # Ratings and answers -------------------------------------------------------------

    def add_rating(
        self, channel: str, sender_id: str, intent: str | None, service: str | None,
        score: int, comment: str | None = None,
    ) -> None:
        """Stores one CSAT rating (1-5)."""
        if not 1 <= score <= 5:
            raise ValueError("score must be 1..5")
        with self.sessions.begin() as session:
            session.add(Rating(channel=channel, sender_id=sender_id, intent=intent,
                               service=service, score=score, comment=comment, created_at=now()))

    def add_comment(self, sender_id: str, comment: str) -> bool:
        """Attaches a comment (IDs masked, length capped) to the sender's latest rating."""
        query = (
            select(Rating).where(Rating.sender_id == sender_id).order_by(Rating.id.desc()).limit(1)
        )
        with self.sessions.begin() as session:
            rating = session.scalar(query)
            if rating is None:
                return False
            rating.comment = mask_ids_in_text(comment)[:COMMENT_LIMIT]
        return True

    def record_answer(
        self, channel: str, sender_id: str, intent: str | None, service: str | None
    ) -> None:
        """Notes that the bot answered (counts towards "resolved by the bot")."""
        with self.sessions.begin() as session:
            session.add(Answer(channel=channel, sender_id=sender_id, intent=intent,
                               service=service, created_at=now()))

    def csat_report(self) -> CsatReport:
        """Mean rating by channel and by service; conversations resolved vs handed off."""
        groups: dict[str, dict[str, list[int]]] = {"channel": defaultdict(list),
                                                   "service": defaultdict(list)}
        with Session(self.engine, future=True) as session:
            for channel, service, score in session.execute(
                select(Rating.channel, Rating.service, Rating.score)
            ):
                groups["channel"][channel].append(score)
                groups["service"][service or "-"].append(score)
            answered = set(session.scalars(select(Answer.sender_id).distinct()))
            handed = set(session.scalars(select(HandoffTicket.sender_id).distinct()))

        def means(scores: dict[str, list[int]]) -> dict[str, tuple[float, int]]:
            return {k: (sum(v) / len(v), len(v)) for k, v in sorted(scores.items())}

        return CsatReport(means(groups["channel"]), means(groups["service"]),
                          len(answered | handed), len(handed))

    # Case lookups ----------------------------------------------------------------------

    def audit_lookup(
        self, actor: str, channel: str, case_number: str, national_id: str, outcome: str
    ) -> None:
        """Writes one lookup to the audit log, with the ID masked and keyed."""
        with self.sessions.begin() as session:
            session.add(LookupAudit(
                actor=actor, channel=channel, case_number=case_number,
                national_id_masked=mask_national_id(national_id),
                national_id_key=self.id_key(national_id), outcome=outcome, created_at=now(),
            ))

    def failed_lookups(
        self, *, since: dt.datetime, actor: str | None = None, national_id: str | None = None
    ) -> int:
        """Failed lookups since ``since``, by one actor or for one national ID."""
        query = select(func.count(LookupAudit.id)).where(
            LookupAudit.outcome == "not_found", LookupAudit.created_at >= since
        )
        if actor is not None:
            query = query.where(LookupAudit.actor == actor)
        if national_id is not None:
            query = query.where(LookupAudit.national_id_key == self.id_key(national_id))
        with Session(self.engine, future=True) as session:
            return session.scalar(query) or 0

    def audit_entries(self, limit: int = 100) -> list[LookupAudit]:
        """The newest audit entries, for supervisors."""
        query = select(LookupAudit).order_by(LookupAudit.id.desc()).limit(limit)
        with Session(self.engine, future=True) as session:
            return list(session.scalars(query))

"""Dalil's own store on SQLite and PostgreSQL: tickets, ratings, the lookup audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dalil.store import Store
from tests.conftest import BACKENDS, database

NATIONAL_ID = "1895763082"


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path) -> Iterator[Store]:
    with database(request.param, tmp_path) as url:
        store = Store(url, "test-secret")
        store.migrate()
        yield store
        store.engine.dispose()


def test_migrating_twice_is_harmless(store: Store) -> None:
    store.migrate()
    assert store.tickets() == []


def test_a_ticket_keeps_the_last_20_turns_with_ids_masked(store: Store) -> None:
    turns = [{"speaker": "user", "text": f"رسالة {i}"} for i in range(30)]
    turns.append({"speaker": "user", "text": f"هويتي {NATIONAL_ID}"})
    ticket = store.create_ticket("telegram", "u1", "worker_transfer", turns)
    assert ticket.number == "H-000001"
    (stored,) = store.tickets()
    assert len(stored.transcript) == 20
    assert stored.transcript[-1]["text"] == "هويتي ••••••3082"
    assert NATIONAL_ID not in str(stored.transcript)
    assert store.close_ticket(stored.id, "agent1").status == "closed"
    assert store.tickets() == []


def test_ratings_and_comments_feed_the_csat_report(store: Store) -> None:
    store.record_answer("rest", "a", "ask_fees", "worker_transfer")
    store.record_answer("telegram", "b", "ask_steps", "labor_complaint")
    store.add_rating("rest", "a", "ask_fees", "worker_transfer", 5)
    store.add_rating("telegram", "b", "ask_steps", "labor_complaint", 2)
    assert store.add_comment("b", f"ردكم طويل، هويتي {NATIONAL_ID}")
    store.create_ticket("telegram", "b", "labor_complaint", [])
    report = store.csat_report()
    assert report.by_channel == {"rest": (5.0, 1), "telegram": (2.0, 1)}
    assert report.by_service["worker_transfer"] == (5.0, 1)
    assert (report.conversations, report.handed_off) == (2, 1)
    with store.engine.connect() as connection:
        comment = connection.execute(text("SELECT comment FROM ratings WHERE score = 2")).scalar()
    assert comment.endswith("••••••3082")
    with pytest.raises(ValueError):
        store.add_rating("rest", "a", None, None, 6)


def test_failed_lookups_are_counted_by_conversation_and_by_id(store: Store) -> None:
    for _ in range(3):
        store.audit_lookup("conv-1", "rest", "12345678", NATIONAL_ID, "not_found")
    store.audit_lookup("conv-2", "rest", "12345678", NATIONAL_ID, "not_found")
    store.audit_lookup("conv-2", "rest", "87654321", "2000000006", "found")
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=15)
    assert store.failed_lookups(since=since, actor="conv-1") == 3
    assert store.failed_lookups(since=since, national_id=NATIONAL_ID) == 4
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)
    assert store.failed_lookups(since=later, national_id=NATIONAL_ID) == 0
    masked = {entry.national_id_masked for entry in store.audit_entries()}
    assert masked == {"••••••3082", "••••••0006"}

"""Faults survived: Redis gone, PostgreSQL connections cut, Rasa restarted mid-form; and
no full national ID in any process's log after lookups and a handoff."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from connectors.guard import domain_text
from dalil.cases.seed import sample_cases
from dalil.processes import action_server, case_service, free_port, rasa_server
from tests.conftest import POSTGRES, Deployment
from tests.scale.test_replicas import tracker_database

CASE = next(c for c in sample_cases() if c.status == "approved")


def say(rasa: str, sender: str, message: str) -> list[str]:
    reply = httpx.post(f"{rasa}/webhooks/rest/webhook",
                       json={"sender": sender, "message": message}, timeout=60)  # fmt: skip
    assert reply.status_code == 200
    return [m.get("text", "") for m in reply.json()]


def postgres_stores(database: str, redis_port: int = 6379) -> str:
    """endpoints.yml text: the masked SQL tracker store and the atomic Redis lock store."""
    return (
        "tracker_store:\n  type: dalil.tracker_store.MaskingSQLTrackerStore\n"
        f"  dialect: postgresql\n  url: 127.0.0.1\n  port: 5432\n  db: {database}\n"
        "  username: postgres\n  password: ''\n"
        "lock_store:\n  type: dalil.lock_store.AtomicRedisLockStore\n"
        f"  url: 127.0.0.1\n  port: {redis_port}\n  db: 0\n  key_prefix: dalilfault\n"
    )


def test_redis_unavailable_gets_a_polite_reply_and_a_clear_log(
    trained_model: Path, backend_stack: Deployment, tmp_path: Path
) -> None:
    log = tmp_path / "rasa.log"
    stores = "lock_store:\n  type: dalil.lock_store.AtomicRedisLockStore\n" \
             f"  url: 127.0.0.1\n  port: {free_port()}\n  db: 0\n"  # fmt: skip
    with rasa_server(str(trained_model), backend_stack.action_url, str(tmp_path),
                     stores=stores, log=log) as rasa:  # fmt: skip
        started = time.monotonic()
        replies = say(rasa, "no-redis", "كم رسوم نقل الكفالة")
        assert time.monotonic() - started < 15  # an answer, not a hang
    assert replies == [domain_text("utter_technical_problem")]
    assert re.search(r"redis|Redis|ConnectionError|LockError", log.read_text())


def test_the_conversation_survives_a_rasa_restart_and_cut_database_connections(
    trained_model: Path, backend_stack: Deployment, tmp_path: Path
) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    with tracker_database() as database:
        stores = postgres_stores(database)
        with rasa_server(str(trained_model), backend_stack.action_url, str(tmp_path),
                         stores=stores) as rasa:  # fmt: skip
            say(rasa, sender, "ابي اتابع طلبي")
        # A new Rasa process: the form's state comes back from PostgreSQL.
        with rasa_server(str(trained_model), backend_stack.action_url, str(tmp_path),
                         stores=stores) as rasa:  # fmt: skip
            assert say(rasa, sender, CASE.request_number) == [
                domain_text("utter_ask_national_id")
            ]
            engine = create_engine(POSTGRES, future=True, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:  # as if PostgreSQL had restarted
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database})
            engine.dispose()
            replies = say(rasa, sender, CASE.national_id)
            assert replies[0].startswith(f"حالة الطلب رقم {CASE.request_number}")


def test_no_full_national_id_in_any_log(trained_model: Path, tmp_path: Path) -> None:
    logs = {name: tmp_path / f"{name}.log" for name in ("cases", "actions", "rasa")}
    env = {"DALIL_DATABASE_URL": f"sqlite:///{tmp_path}/cases.db"}
    with case_service(env, log=logs["cases"]) as cases, action_server(
        {"DALIL_CASE_SERVICE_URL": cases, "DALIL_STORE_URL": f"sqlite:///{tmp_path}/s.db"},
        log=logs["actions"],
    ) as actions, rasa_server(str(trained_model), actions, str(tmp_path),
                              log=logs["rasa"]) as rasa:  # fmt: skip
        for number, national_id in ((CASE.request_number, CASE.national_id),
                                    ("55550000", CASE.national_id)):  # fmt: skip
            say(rasa, "logs", "متابعة طلب")
            say(rasa, "logs", number)
            say(rasa, "logs", national_id)
        say(rasa, "logs", f"هويتي {CASE.national_id} ابي اكلم موظف")
    for name, path in logs.items():
        assert CASE.national_id not in path.read_text(), f"full ID in the {name} log"

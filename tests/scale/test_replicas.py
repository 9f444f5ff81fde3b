"""Two Rasa replicas and two action servers behind a round-robin proxy, on the production
engines: PostgreSQL tracker store, Redis lock store, store and case service on PostgreSQL.

One conversation's turns alternate between replicas and the form still holds; many
concurrent messages of one sender are processed one at a time, none lost or repeated.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from dalil import project
from dalil.cases.seed import sample_cases
from dalil.processes import action_server, case_service, free_port, running
from tests.conftest import POSTGRES, database

CASE = next(c for c in sample_cases() if c.status == "approved")


@contextmanager
def tracker_database() -> Iterator[str]:
    """A fresh PostgreSQL database for Rasa's tracker store; its name."""
    name = f"dalil_trackers_{uuid.uuid4().hex[:10]}"
    engine = create_engine(POSTGRES, future=True, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield name
    finally:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        engine.dispose()


class RoundRobin(BaseHTTPRequestHandler):
    """A minimal load balancer: each request goes to the next replica in turn."""

    backends: list[str] = []
    turn = count()
    served: list[str] = []

    def _forward(self) -> None:
        backend = self.backends[next(self.turn) % len(self.backends)]
        self.served.append(backend)
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        response = httpx.request(self.command, backend + self.path, content=body, timeout=60,
                                 headers={"content-type": "application/json"})  # fmt: skip
        self.send_response(response.status_code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _forward

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def cluster(trained_model: Path, tmp_path_factory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("cluster")
    with ExitStack() as stack:
        trackers = stack.enter_context(tracker_database())
        store_url = stack.enter_context(database("postgresql", workdir))
        cases_url = stack.enter_context(database("postgresql", workdir))
        cases = stack.enter_context(case_service({"DALIL_DATABASE_URL": cases_url}))
        env = {"DALIL_STORE_URL": store_url, "DALIL_CASE_SERVICE_URL": cases}
        actions = [stack.enter_context(action_server(env)) for _ in range(2)]
        replicas = []
        for action_url in actions:
            port = free_port()
            replica_env = {
                "DALIL_ACTION_URL": action_url,
                "DALIL_TRACKER_DB_HOST": "127.0.0.1", "DALIL_TRACKER_DB_PORT": "5432",
                "DALIL_TRACKER_DB_NAME": trackers, "DALIL_TRACKER_DB_USER": "postgres",
                "DALIL_TRACKER_DB_PASSWORD": "",
                "DALIL_REDIS_HOST": "127.0.0.1", "DALIL_REDIS_PORT": "6379", "DALIL_REDIS_DB": "0",
            }  # fmt: skip
            args = [
                "-m", "rasa", "run", "--enable-api", "--model", str(trained_model),
                "--endpoints", str(project.ROOT / "endpoints.production.yml"),
                "--credentials", str(project.CREDENTIALS), "--port", str(port),
            ]  # fmt: skip
            stack.enter_context(running(args, f"http://127.0.0.1:{port}/", replica_env))
            replicas.append(f"http://127.0.0.1:{port}")
        RoundRobin.backends = replicas
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), RoundRobin)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        stack.callback(proxy.shutdown)
        yield f"http://127.0.0.1:{proxy.server_address[1]}"


def say(base: str, sender: str, message: str) -> list[str]:
    reply = httpx.post(f"{base}/webhooks/rest/webhook", json={"sender": sender,
                       "message": message}, timeout=60)  # fmt: skip
    reply.raise_for_status()
    return [m.get("text", "") for m in reply.json()]


def test_a_form_holds_while_turns_alternate_between_replicas(cluster: str) -> None:
    sender = f"replicas-{uuid.uuid4().hex[:8]}"
    RoundRobin.served.clear()
    say(cluster, sender, "ابي اتابع طلبي")
    say(cluster, sender, CASE.request_number)
    replies = say(cluster, sender, CASE.national_id)
    assert replies[0].startswith(f"حالة الطلب رقم {CASE.request_number}")
    assert len(set(RoundRobin.served)) == 2  # both replicas took part
    stored = httpx.get(f"{cluster}/conversations/{sender}/tracker", timeout=60).text
    assert CASE.national_id not in stored  # PostgreSQL keeps only the masked ID


def test_concurrent_messages_of_one_sender_run_in_order(cluster: str) -> None:
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    messages = [f"كم رسوم نقل الكفالة {i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda m: say(cluster, sender, m), messages))
    assert all(r for r in replies)
    tracker = httpx.get(f"{cluster}/conversations/{sender}/tracker", timeout=60).json()
    users = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert sorted(users) == sorted(messages)  # every message once: none lost, none repeated
    kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
    # One message at a time: each user turn is answered before the next one starts.
    assert all(kinds[i] != "user" or kinds[i + 1] == "bot" for i in range(len(kinds) - 1))


def test_the_production_endpoints_need_no_code_change() -> None:
    text_ = (project.ROOT / "endpoints.production.yml").read_text(encoding="utf-8")
    assert "MaskingSQLTrackerStore" in text_ and "AtomicRedisLockStore" in text_
    assert os.environ.get("DALIL_TRACKER_DB_HOST") is None  # nothing leaks into other tests

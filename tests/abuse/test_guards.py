"""Abuse and faults at the channels: floods, huge or malformed messages, a dead action server.

A real Rasa server (REST and web chat channels) on the session's model; each test uses its
own senders, so the limits it provokes touch nobody else.
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from connectors.guard import RATE_LIMIT, domain_text
from dalil.catalog import load_catalog, render
from dalil.processes import free_port, rasa_server, running

CHANNELS = ["/webhooks/rest/webhook", "/webhooks/webchat/message"]


def sender() -> str:
    return f"guard-{uuid.uuid4().hex[:12]}"


def answer_fees() -> str:
    catalog = load_catalog()
    return render.service_answer(catalog, catalog.service("worker_transfer"), "fees").text


@pytest.mark.parametrize("path", CHANNELS)
def test_a_flooding_sender_is_slowed_down_and_others_are_not(rasa_url: str, path: str):
    flooder, bystander = sender(), sender()
    url = f"{rasa_url}{path}"
    statuses = [httpx.post(url, json={"sender": flooder, "message": "هلا"}, timeout=60)
                for _ in range(RATE_LIMIT + 2)]  # fmt: skip
    assert [r.status_code for r in statuses[:RATE_LIMIT]] == [200] * RATE_LIMIT
    refused = statuses[-1]
    assert refused.status_code == 429
    assert refused.json()["messages"][0]["text"] == domain_text("utter_slow_down")
    other = httpx.post(url, json={"sender": bystander, "message": "كم رسوم نقل الكفالة"},
                       timeout=60)  # fmt: skip
    assert other.status_code == 200 and other.json()[0]["text"] == answer_fees()


@pytest.mark.parametrize("path", CHANNELS)
def test_a_100_kb_message_is_refused_politely_and_not_stored(rasa_url: str, path: str):
    who = sender()
    huge = "ا" * 100_000
    refused = httpx.post(f"{rasa_url}{path}", json={"sender": who, "message": huge}, timeout=60)
    assert refused.status_code == 413
    assert "حرف على الأكثر" in refused.json()["messages"][0]["text"]
    tracker = httpx.get(f"{rasa_url}/conversations/{who}/tracker", timeout=60).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]


@pytest.mark.parametrize("path", CHANNELS)
@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'{"sender": "x y", "message": "hi"}', b'{"sender": "a"}']
)
def test_malformed_requests_get_a_clear_error(rasa_url: str, path: str, body: bytes) -> None:
    reply = httpx.post(f"{rasa_url}{path}", content=body, timeout=60,
                       headers={"content-type": "application/json"})  # fmt: skip
    assert reply.status_code == 400 and reply.json()["error"]


def test_a_dead_action_server_gets_an_apology_and_the_talk_goes_on(
    trained_model: Path, tmp_path: Path
) -> None:
    port = free_port()
    args = ["-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)]
    env = {"DALIL_STORE_URL": f"sqlite:///{tmp_path}/store.db"}
    health = f"http://127.0.0.1:{port}/health"
    who = sender()
    with ExitStack() as stack:
        actions = stack.enter_context(running(args, health, env))
        rasa = stack.enter_context(rasa_server(
            str(trained_model), f"http://127.0.0.1:{port}/webhook", str(tmp_path)))  # fmt: skip
        url = f"{rasa}/webhooks/rest/webhook"
        assert httpx.post(url, json={"sender": who, "message": "السلام عليكم"}, timeout=60).json()
        actions.terminate()  # the action server dies
        actions.wait(timeout=15)
        replies = httpx.post(url, json={"sender": who, "message": "كم رسوم نقل الكفالة"},
                             timeout=60).json()  # fmt: skip
        assert replies == [{"text": domain_text("utter_technical_problem")}]
        stack.enter_context(running(args, health, env))  # … and comes back on the same port
        replies = httpx.post(url, json={"sender": who, "message": "كم رسوم نقل الكفالة"},
                             timeout=60).json()  # fmt: skip
        assert replies[0]["text"] == answer_fees()

"""Abuse and faults at the channels: floods, huge or malformed messages, a dead action server.

A real Rasa server (REST and web chat channels) on the session's model; each test uses its
own senders, so the limits it provokes touch nobody else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from connectors.guard import RATE_LIMIT, domain_text
from dalil.catalog import load_catalog, render
from dalil.processes import action_server, rasa_server

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


@pytest.fixture(scope="module")
def fragile(trained_model: Path, tmp_path_factory) -> Iterator[tuple[str, object]]:
    """A Rasa server whose action server we can kill and bring back."""
    workdir = tmp_path_factory.mktemp("fragile")
    env = {"DALIL_STORE_URL": f"sqlite:///{workdir}/store.db"}
    box: dict[str, object] = {}
    actions = action_server(env)
    url = actions.__enter__()
    port = url.split(":")[2].split("/")[0]
    box["actions"] = actions
    with rasa_server(str(trained_model), url, str(workdir)) as rasa:
        yield rasa, (box, env, port)
    box["actions"].__exit__(None, None, None)


def test_a_dead_action_server_gets_an_apology_and_the_talk_goes_on(fragile) -> None:
    rasa, (box, env, port) = fragile
    who = sender()
    url = f"{rasa}/webhooks/rest/webhook"
    assert httpx.post(url, json={"sender": who, "message": "السلام عليكم"}, timeout=60).json()
    box["actions"].__exit__(None, None, None)  # the action server dies
    replies = httpx.post(url, json={"sender": who, "message": "كم رسوم نقل الكفالة"},
                         timeout=60).json()  # fmt: skip
    assert replies == [{"text": domain_text("utter_technical_problem")}]
    from dalil.processes import running

    args = ["-m", "rasa_sdk", "--actions", "bot.actions", "--port", port]
    box["actions"] = running(args, f"http://127.0.0.1:{port}/health", env)
    box["actions"].__enter__()  # … and comes back on the same port
    replies = httpx.post(url, json={"sender": who, "message": "كم رسوم نقل الكفالة"},
                         timeout=60).json()  # fmt: skip
    assert replies[0]["text"] == answer_fees()

"""The contract of the product: every channel gives the same answer to the same question.

25 turns (services × aspects, follow-ups in one conversation, general questions and a case
lookup) go through the REST channel, the web chat channel, the Telegram channel (against a
fake Bot API on loopback) and the console's "ask as a customer", each in its own
conversation. The texts the client reads must be identical, word for word; only the
formatting around them (bubbles, inline keyboards) may differ.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dalil.cases.seed import sample_cases
from dalil.processes import console, rasa_server
from dalil.store import Store
from tests.conftest import Deployment
from tests.connectors.fake_telegram import TOKEN, FakeBotAPI, fake_bot_api

SECRET = "same-answer-secret"
PASSWORD = "a long enough password"
CASE = next(c for c in sample_cases() if c.status == "needs_documents")

# (conversation, what the client types): turns of one conversation follow each other.
SCRIPT = [
    ("transfer", "كم رسوم نقل الكفالة؟"),
    ("transfer", "طيب وش الاوراق المطلوبة"),
    ("transfer", "وكم ياخذ وقت"),
    ("transfer", "ومن وين اقدم عليها"),
    ("transfer", "وبلاغ الهروب كم رسومه"),
    ("saudization", "ابي اعرف عن شهادة السعودة"),
    ("saudization", "وش خطواتها"),
    ("permit", "وش شروط تجديد رخصة العمل"),
    ("permit", "بكم"),
    ("permit", "كيف اصدر رخصة عمل"),
    ("complaint", "كيف اقدم شكوى عمالية"),
    ("complaint", "هل اقدر اقدمها من الجوال"),
    ("single-1", "ما هي متطلبات توثيق عقد العمل؟"),
    ("single-2", "كم ياخذ استرداد رسوم التأشيرة"),
    ("single-3", "كم تكلفة استقدام عمالة منزلية"),
    ("single-4", "خطوات الاعتراض على مخالفة"),
    ("single-5", "متى يفتح مكتب العمل"),
    ("single-6", "وين مكتب العمل في جدة"),
    ("single-7", "وش رقم خدمة العملاء"),
    ("single-8", "ما هي حقوقي كعميل"),
    ("single-9", "وش الخدمات اللي عندكم"),
    ("single-10", "السلام عليكم"),
    ("case", "ابي اتابع طلبي"),
    ("case", CASE.request_number),
    ("case", CASE.national_id),
]


@dataclass
class Channels:
    """One way to send a turn per channel; each returns the texts the client reads."""

    send: dict[str, Callable[[str, str], list[str]]]


@pytest.fixture(scope="module")
def channels(trained_model: Path, backend_stack: Deployment, tmp_path_factory) -> Iterator:
    workdir = tmp_path_factory.mktemp("same-answer")
    credentials = workdir / "credentials.yml"
    with fake_bot_api() as api:
        credentials.write_text(
            "connectors.rest.RestInput:\n"
            "connectors.webchat.WebChatInput:\n  cors_origins: []\n"
            "connectors.telegram.TelegramInput:\n"
            f'  access_token: "{TOKEN}"\n  secret_token: "{SECRET}"\n'
            f'  base_url: "{api.base_url}"\n',
            encoding="utf-8",
        )
        store = Store(backend_stack.store_url, "unused")
        store.migrate()
        store.accounts.add("contract", PASSWORD, "agent")
        with rasa_server(str(trained_model), backend_stack.action_url, str(workdir),
                         str(credentials)) as rasa, console({  # fmt: skip
            "DALIL_STORE_URL": backend_stack.store_url,
            "DALIL_CASE_SERVICE_URL": backend_stack.case_url,
            "DALIL_RASA_URL": rasa,
        }) as console_url:
            token = httpx.post(f"{console_url}/api/login", json={
                "username": "contract", "password": PASSWORD}).json()["token"]  # fmt: skip
            yield Channels(send={
                "rest": rest(rasa),
                "webchat": webchat(rasa),
                "telegram": telegram(rasa, api),
                "console": ask_as_customer(console_url, token),
            })  # fmt: skip


def rest(rasa: str) -> Callable[[str, str], list[str]]:
    def send(conversation: str, text: str) -> list[str]:
        body = {"sender": f"rest-{conversation}", "message": text}
        replies = httpx.post(f"{rasa}/webhooks/rest/webhook", json=body, timeout=60).json()
        return [r.get("text", "") for r in replies]

    return send


def webchat(rasa: str) -> Callable[[str, str], list[str]]:
    def send(conversation: str, text: str) -> list[str]:
        body = {"sender": f"web-{conversation}", "message": text}
        replies = httpx.post(f"{rasa}/webhooks/webchat/message", json=body, timeout=60).json()
        return [r.get("text", "") for r in replies]

    return send


def telegram(rasa: str, api: FakeBotAPI) -> Callable[[str, str], list[str]]:
    chats: dict[str, int] = {}
    ids = itertools.count(1)

    def send(conversation: str, text: str) -> list[str]:
        chat_id = chats.setdefault(conversation, 7_000_000 + len(chats))
        before = len(api.sent(chat_id))
        update_id = next(ids)
        update = {"update_id": update_id, "message": {
            "message_id": update_id, "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "عميل"}, "text": text}}
        response = httpx.post(f"{rasa}/webhooks/telegram/webhook", json=update, timeout=60,
                              headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert response.status_code == 200
        return [call.params["text"] for call in api.sent(chat_id)[before:]]

    return send


def ask_as_customer(console_url: str, token: str) -> Callable[[str, str], list[str]]:
    def send(conversation: str, text: str) -> list[str]:
        body = {"text": text, "conversation": conversation}
        data = httpx.post(f"{console_url}/api/ask", json=body, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}).json()
        return [r.get("text", "") for r in data["replies"]]

    return send


def test_every_channel_gives_the_same_words(channels: Channels) -> None:
    transcripts: dict[str, list[list[str]]] = {name: [] for name in channels.send}
    for conversation, text in SCRIPT:
        for name, send in channels.send.items():
            transcripts[name].append(send(conversation, text))
    reference = transcripts["rest"]
    assert len(reference) == 25 and all(reference), "every turn gets an answer"
    for name, transcript in transcripts.items():
        for (conversation, text), got, want in zip(SCRIPT, transcript, reference, strict=True):
            assert got == want, f"{name} differs from REST for «{text}» ({conversation})"
    # The case lookup really answered (and the same on every channel, checked above).
    assert reference[-1][0].startswith(f"حالة الطلب رقم {CASE.request_number}")

"""The Telegram channel against a fake Bot API on loopback and a real Rasa server.

End-to-end tests post updates to Rasa's /webhooks/telegram/webhook as Telegram would and
read what reached the (fake) Bot API: that is what the client's phone shows.
"""

from __future__ import annotations

import itertools
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from connectors.telegram_output import (
    CALLBACK_DATA_LIMIT,
    MESSAGE_LIMIT,
    TelegramOutput,
    callback_text,
    inline_keyboard,
    split_text,
)
from dalil import project
from dalil.catalog import load_catalog, render
from dalil.processes import rasa_server
from tests.conftest import response_text
from tests.connectors.fake_telegram import TOKEN, FakeBotAPI, fake_bot_api

SECRET = "dalil-test-secret_1"
WEBHOOK_URL = "https://dalil.example.test/webhooks/telegram/webhook"
_ids = itertools.count(1000)


# -- helpers ------------------------------------------------------------------------------


def service_text(service_id: str, aspect: str) -> str:
    catalog = load_catalog()
    return render.service_answer(catalog, catalog.service(service_id), aspect).text


def chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "private", "first_name": "عميل"}


def user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "عميل"}


def message_update(chat_id: int, **content: Any) -> dict[str, Any]:
    """An update carrying a new message: ``text=...``, ``photo=[...]``, …"""
    update_id = next(_ids)
    message = {"message_id": update_id, "date": int(time.time()), "chat": chat(chat_id),
               "from": user(chat_id), **content}
    return {"update_id": update_id, "message": message}


def callback_update(chat_id: int, data: str, keyboard: dict[str, Any]) -> dict[str, Any]:
    """The user tapped the button with ``data`` under a message carrying ``keyboard``."""
    update_id = next(_ids)
    message = {"message_id": update_id, "date": int(time.time()), "chat": chat(chat_id),
               "text": "…", "reply_markup": keyboard}
    query = {"id": f"cb-{update_id}", "from": user(chat_id), "chat_instance": "1",
             "data": data, "message": message}
    return {"update_id": update_id, "callback_query": query}


def post(url: str, body: Any, secret: str | None = SECRET, raw: bytes | None = None):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    if raw is not None:
        return httpx.post(url, content=raw, headers=headers, timeout=120)
    return httpx.post(url, json=body, headers=headers, timeout=120)


def texts(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [call.params["text"] for call in api.sent(chat_id)]


def wait_for(condition: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


# -- end to end: a real Rasa server with the channel enabled -------------------------------


class Stack:
    """The fake Bot API and a Rasa server whose Telegram channel talks to it."""

    def __init__(self, api: FakeBotAPI, rasa_url: str) -> None:
        self.api = api
        self.rasa_url = rasa_url
        self.webhook = f"{rasa_url}/webhooks/telegram/webhook"
        self.rest = f"{rasa_url}/webhooks/rest/webhook"


@pytest.fixture(scope="module")
def stack(trained_model: Path, action_server_url: str, tmp_path_factory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("telegram")
    with fake_bot_api() as api:
        credentials = workdir / "credentials.yml"
        credentials.write_text(
            "connectors.rest.RestInput:\n"
            "connectors.telegram.TelegramInput:\n"
            f'  access_token: "{TOKEN}"\n'
            f'  secret_token: "{SECRET}"\n'
            f'  base_url: "{api.base_url}"\n'
            f'  webhook_url: "{WEBHOOK_URL}"\n',
            encoding="utf-8",
        )
        server = rasa_server(str(trained_model), action_server_url, str(workdir), str(credentials))
        with server as url:
            yield Stack(api, url)


def test_the_server_registers_its_webhook_with_the_secret(stack: Stack) -> None:
    (call,) = wait_for(lambda: stack.api.called("setWebhook"))
    assert call.params["url"] == WEBHOOK_URL
    assert call.params["secret_token"] == SECRET


def test_an_arabic_question_gets_the_same_answer_as_on_rest(stack: Stack) -> None:
    question = "كم رسوم نقل الكفالة؟"
    reply = post(stack.webhook, message_update(2001, text=question))
    assert reply.status_code == 200
    rest = httpx.post(stack.rest, json={"sender": "rest-2001", "message": question}, timeout=120)
    rest_messages = rest.json()

    sent = stack.api.sent(2001)
    assert [call.params["text"] for call in sent] == [m["text"] for m in rest_messages]
    assert sent[0].params["text"] == service_text("worker_transfer", "fees")
    # The rating question's buttons arrive as an inline keyboard under it.
    keyboard = sent[-1].params["reply_markup"]["inline_keyboard"]
    titles = [button["text"] for row in keyboard for button in row]
    assert titles == [b["title"] for b in rest_messages[-1]["buttons"]] == ["5", "4", "3", "2", "1"]


def tap(stack: Stack, chat_id: int, sent: Any, title: str) -> tuple[dict, list[Any]]:
    """Taps the button titled ``title`` under ``sent``; the update and the replies it got."""
    keyboard = sent.params["reply_markup"]
    button = next(b for row in keyboard["inline_keyboard"] for b in row if b["text"] == title)
    update = callback_update(chat_id, button["callback_data"], keyboard)
    before = len(stack.api.sent(chat_id))
    assert post(stack.webhook, update).status_code == 200
    return update, stack.api.sent(chat_id)[before:]


def test_tapped_buttons_are_acknowledged_and_answered(stack: Stack) -> None:
    catalog = load_catalog()
    post(stack.webhook, message_update(2002, text="/start"))
    services = stack.api.sent(2002)[-1]
    first, replies = tap(stack, 2002, services, catalog.service("worker_transfer").name_ar)
    overview = replies[0]
    assert overview.params["text"] == service_text("worker_transfer", "overview")

    second, replies = tap(stack, 2002, overview, catalog.messages.aspect_labels["fees"])
    assert replies[0].params["text"] == service_text("worker_transfer", "fees")
    acknowledged = [c.params["callback_query_id"] for c in stack.api.called("answerCallbackQuery")]
    # The spinner on each tapped button stops.
    assert {first["callback_query"]["id"], second["callback_query"]["id"]} <= set(acknowledged)


def test_a_tapped_rating_reaches_rasa_with_its_compacted_payload(stack: Stack) -> None:
    post(stack.webhook, message_update(2003, text="كم رسوم نقل الكفالة؟"))
    keyboard = stack.api.sent(2003)[-1].params["reply_markup"]
    five = keyboard["inline_keyboard"][0][0]
    post(stack.webhook, callback_update(2003, five["callback_data"], keyboard))
    assert texts(stack.api, 2003)[-1] == response_text("utter_thanks_for_rating")


def test_a_forged_callback_not_on_the_keyboard_is_ignored(stack: Stack) -> None:
    keyboard = {"inline_keyboard": [[{"text": "5", "callback_data": "/rate{\"rating\":\"5\"}"}]]}
    reply = post(stack.webhook, callback_update(2004, "/request_human", keyboard))
    assert reply.status_code == 200
    assert texts(stack.api, 2004) == []


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_a_call_without_the_secret_is_refused(stack: Stack, secret: str | None) -> None:
    reply = post(stack.webhook, message_update(2005, text="مرحبا"), secret=secret)
    assert reply.status_code == 403
    assert texts(stack.api, 2005) == []


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"[1, 2]", b'{"message": {"text": "hi"}}', b'{"update_id": "x"}']
)
def test_a_body_that_is_not_an_update_gets_400(stack: Stack, raw: bytes) -> None:
    assert post(stack.webhook, None, raw=raw).status_code == 400


def test_start_greets_and_lists_the_services(stack: Stack) -> None:
    post(stack.webhook, message_update(2006, text="/start"))
    greeting, services = stack.api.sent(2006)
    assert greeting.params["text"] == response_text("utter_greet")
    expected = render.services_list(load_catalog())
    assert services.params["text"] == expected.text
    keyboard = services.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == [b.title for b in expected.buttons]


@pytest.mark.parametrize("command", ["/help", "/help@dalil_test_bot", "/settings"])
def test_help_and_unknown_commands_explain_what_dalil_understands(
    stack: Stack, command: str
) -> None:
    chat_id = next(_ids)
    post(stack.webhook, message_update(chat_id, text=command))
    assert texts(stack.api, chat_id) == [response_text("utter_help")]


@pytest.mark.parametrize(
    "content",
    [
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False, "type": "regular"}},
        {"location": {"latitude": 24.7, "longitude": 46.7}},
        {"document": {"file_id": "d", "file_unique_id": "d"}},
    ],
    ids=["photo", "voice", "sticker", "location", "document"],
)
def test_media_gets_a_polite_explanation(stack: Stack, content: dict[str, Any]) -> None:
    chat_id = next(_ids)
    assert post(stack.webhook, message_update(chat_id, **content)).status_code == 200
    assert texts(stack.api, chat_id) == [response_text("utter_unsupported_media")]


def test_polling_mode_answers_through_the_rest_channel(stack: Stack, tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BASE_URL": stack.api.base_url,
           "DALIL_RASA_URL": stack.rest}
    log = tmp_path / "polling.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "connectors.telegram", "--polling"], cwd=project.ROOT,
            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )
    try:
        stack.api.updates.append(message_update(2007, text="كم رسوم نقل الكفالة؟"))
        sent = wait_for(lambda: len(stack.api.sent(2007)) >= 2 and stack.api.sent(2007))
        assert sent[0].params["text"] == service_text("worker_transfer", "fees")
        assert "inline_keyboard" in sent[-1].params["reply_markup"]
        assert stack.api.called("deleteWebhook")  # Telegram refuses polling beside a webhook
    except AssertionError:
        print(log.read_text())
        raise
    finally:
        process.terminate()
        process.wait(timeout=15)


# -- the output channel and its formatting, against the fake API alone --------------------


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with fake_bot_api() as fake:
        yield fake


def long_answer() -> str:
    """About 4,500 characters of Arabic lines, as a long catalog answer would be."""
    line = "- يرفق صاحب العمل صورة من عقد العمل الموثق وبيانات المنشأة في بوابة الخدمات"
    return "\n".join(f"{index}{line}" for index in range(60))


def test_the_splitter_cuts_at_line_breaks_within_the_limit() -> None:
    text = long_answer()
    assert 4400 < len(text) < 4700
    parts = split_text(text)
    assert len(parts) == 2
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts) == text  # nothing lost, every cut at a line break


def test_the_splitter_cuts_an_endless_line_at_spaces() -> None:
    text = " ".join(["كلمة"] * 2000)
    parts = split_text(text)
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert " ".join(parts) == text
    assert split_text("   ") == [] and split_text("قصير") == ["قصير"]


async def test_a_long_reply_arrives_as_several_messages_with_buttons_last(
    api: FakeBotAPI,
) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        buttons = [{"title": "التحدث مع موظف", "payload": "/request_human"}]
        await TelegramOutput(bot).send_response("77", {"text": long_answer(), "buttons": buttons})
    first, second = api.sent(77)
    assert "\n".join([first.params["text"], second.params["text"]]) == long_answer()
    assert "reply_markup" not in first.params
    assert second.params["reply_markup"]["inline_keyboard"] == [
        [{"text": "التحدث مع موظف", "callback_data": "/request_human"}]
    ]


async def test_a_429_is_retried_after_the_wait_telegram_asks_for(api: FakeBotAPI) -> None:
    api.fail("sendMessage", 429, description="Too Many Requests: retry after 1", retry_after=1)
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        await TelegramOutput(bot).send_text_message("78", "مرحباً")
    attempts = api.called("sendMessage")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 1
    assert texts(api, 78) == ["مرحباً"]


async def test_a_5xx_is_retried_and_the_message_delivered(api: FakeBotAPI) -> None:
    api.fail("sendMessage", 500)
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        await TelegramOutput(bot).send_text_message("78", "رسالة بعد عطل مؤقت")
    assert texts(api, 78) == ["رسالة بعد عطل مؤقت"]


async def test_a_send_that_keeps_failing_is_logged_masked_and_the_next_one_delivered(
    api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(3):
        api.fail("sendMessage", 500, description="Internal error for 1234567897")
    caplog.set_level(logging.ERROR, logger="connectors.telegram_output")
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        output = TelegramOutput(bot)
        await output.send_text_message("79", "الرسالة الأولى")
        await output.send_text_message("79", "الرسالة الثانية")
    assert texts(api, 79) == ["الرسالة الثانية"]
    assert "sendMessage failed after 3 tries" in caplog.text
    assert "1234567897" not in caplog.text and "7897" in caplog.text


def test_a_payload_too_long_for_telegram_sends_the_button_title() -> None:
    payload = '/ask_requirements{"service": "a_service_with_a_very_long_identifier_name"}'
    assert len(payload.encode()) > CALLBACK_DATA_LIMIT
    markup = inline_keyboard([{"title": "المتطلبات", "payload": payload}])
    data = markup.inline_keyboard[0][0].callback_data
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT

    update = callback_update(80, data, markup.to_dict())
    query = CallbackQuery.de_json(update["callback_query"], Bot(TOKEN))
    assert callback_text(query) == "المتطلبات"  # the title is sent to Rasa as typed text


def test_short_payloads_are_kept_and_compacted() -> None:
    markup = inline_keyboard([
        {"title": "الرسوم", "payload": '/ask_fees{"service": "worker_transfer"}'},
        {"title": "موظف", "payload": "/request_human"},
    ])
    assert markup == InlineKeyboardMarkup([
        [InlineKeyboardButton("الرسوم", callback_data='/ask_fees{"service":"worker_transfer"}')],
        [InlineKeyboardButton("موظف", callback_data="/request_human")],
    ])



def test_polling_mode_has_a_health_endpoint_for_the_process_manager() -> None:
    from dalil.processes import free_port, running

    port = free_port()
    with fake_bot_api() as api:
        env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
               "DALIL_RASA_URL": "http://127.0.0.1:9"}  # fmt: skip
        args = ["-m", "connectors.telegram", "--polling", "--health-port", str(port)]
        with running(args, f"http://127.0.0.1:{port}/", env):
            assert httpx.get(f"http://127.0.0.1:{port}/").json() == {"status": "ok"}


def test_a_flooding_chat_is_slowed_down_and_others_are_not(stack: Stack) -> None:
    from connectors.guard import RATE_LIMIT

    flooder, bystander = next(_ids), next(_ids)
    for _ in range(RATE_LIMIT + 1):
        assert post(stack.webhook, message_update(flooder, text="هلا")).status_code == 200
    assert texts(stack.api, flooder)[-1] == response_text("utter_slow_down")
    post(stack.webhook, message_update(bystander, text="كم رسوم نقل الكفالة؟"))
    assert texts(stack.api, bystander)[0] == service_text("worker_transfer", "fees")


def test_a_message_over_the_limit_is_refused_politely(stack: Stack) -> None:
    from connectors.guard import MAX_MESSAGE_CHARS, notice_too_long

    chat_id = next(_ids)
    post(stack.webhook, message_update(chat_id, text="ا" * (MAX_MESSAGE_CHARS + 1)))
    assert texts(stack.api, chat_id) == [notice_too_long()]

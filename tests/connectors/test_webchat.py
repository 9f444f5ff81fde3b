"""The website channel end to end: a real Rasa server, its HTTP API and the widget in Chromium.

The server runs the session's trained model against the real action server, with the
project's credentials.yml, so these tests also prove the channel is enabled there.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dalil import project
from dalil.catalog import load_catalog, render
from dalil.processes import rasa_server
from tests.conftest import response_text

CHROMIUM = Path("/usr/bin/chromium")
QUESTION = "كم رسوم نقل الكفالة؟"
HOSTILE = "<img src=x onerror=alert(1)>"
SCREENSHOT = project.VAR / "screenshots" / "webchat.png"


def fees_answer() -> str:
    """The catalog's approved answer to the question this module asks."""
    catalog = load_catalog()
    return render.service_answer(catalog, catalog.service("worker_transfer"), "fees").text


@pytest.fixture(scope="module")
def server(trained_model: Path, action_server_url: str, tmp_path_factory) -> Iterator[str]:
    """A real Rasa server with the project's channels; yields the web chat's base URL."""
    workdir = tmp_path_factory.mktemp("webchat")
    with rasa_server(str(trained_model), action_server_url, str(workdir)) as url:
        yield f"{url}/webhooks/webchat"


def sender() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


# --- the history, from tracker events ---------------------------------------------------


def test_history_shows_tapped_buttons_by_title_and_hides_bare_commands() -> None:
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    from connectors.webchat_history import conversation

    buttons = [{"title": "الرسوم", "payload": "/ask_fees"}]
    events = [
        ActionExecuted("action_session_start", timestamp=1.0),
        UserUttered("/session_start_command", timestamp=2.0),
        UserUttered("مرحبا", timestamp=3.0),
        BotUttered("أهلًا", {"buttons": buttons}, timestamp=4.0),
        UserUttered("/ask_fees", timestamp=5.0),
        BotUttered("", {}, timestamp=6.0),
        BotUttered("٢٠٠٠ ريال", timestamp=7.0),
    ]
    assert conversation(events) == [
        {"sender": "user", "text": "مرحبا", "timestamp": 3.0},
        {"sender": "bot", "text": "أهلًا", "timestamp": 4.0, "buttons": buttons},
        {"sender": "user", "text": "الرسوم", "timestamp": 5.0},
        {"sender": "bot", "text": "٢٠٠٠ ريال", "timestamp": 7.0},
    ]
    assert len(conversation(events, limit=2)) == 2


# --- HTTP ------------------------------------------------------------------------------


def post(server: str, body: object, **headers: str) -> httpx.Response:
    content = body if isinstance(body, str | bytes) else json.dumps(body)
    return httpx.post(f"{server}/message", content=content, headers=headers, timeout=60)


def test_a_question_gets_the_catalog_answer_first(server: str) -> None:
    reply = post(server, {"sender": sender(), "message": QUESTION})
    assert reply.status_code == 200
    assert reply.json()[0]["text"] == fees_answer()


def test_history_holds_the_turns_with_button_titles(server: str) -> None:
    who = sender()
    answers = post(server, {"sender": who, "message": QUESTION}).json()
    rating = next(m for m in answers if m.get("buttons"))
    five = next(b for b in rating["buttons"] if b["title"] == "5")
    post(server, {"sender": who, "message": five["payload"]})

    history = httpx.get(f"{server}/history", params={"sender": who}, timeout=10)
    assert history.status_code == 200
    messages = history.json()["messages"]
    turns = [(m["sender"], m["text"]) for m in messages]
    assert turns[0] == ("user", QUESTION)
    assert ("bot", fees_answer()) in turns
    # A tapped button shows as its title, as the widget showed it, not as its payload.
    assert ("user", "5") in turns
    assert turns[-1] == ("bot", response_text("utter_thanks_for_rating"))
    assert all(isinstance(m["timestamp"], float) for m in messages)
    assert any(m.get("buttons") for m in messages)


def test_history_of_an_unknown_sender_is_empty(server: str) -> None:
    history = httpx.get(f"{server}/history", params={"sender": sender()}, timeout=10)
    assert history.status_code == 200
    assert history.json()["messages"] == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{not json", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        ({"message": "مرحبا"}, "invalid_sender"),
        ({"sender": "a b/../c", "message": "مرحبا"}, "invalid_sender"),
        ({"sender": "x" * 65, "message": "مرحبا"}, "invalid_sender"),
        ({"sender": 42, "message": "مرحبا"}, "invalid_sender"),
        ({"sender": "ok"}, "invalid_message"),
        ({"sender": "ok", "message": "   "}, "invalid_message"),
        ({"sender": "ok", "message": ["list"]}, "invalid_message"),
    ],
)
def test_malformed_requests_get_a_400_with_a_json_error(server: str, body, error) -> None:
    reply = post(server, body)
    assert reply.status_code == 400
    assert reply.json()["error"] == error


def test_an_oversized_message_gets_a_413_with_a_polite_arabic_reply(server: str) -> None:
    reply = post(server, {"sender": sender(), "message": "س" * 4001})
    assert reply.status_code == 413
    notice = reply.json()["messages"][0]["text"]
    assert "عذر" in notice and "4000" in notice


def test_history_refuses_a_bad_sender(server: str) -> None:
    reply = httpx.get(f"{server}/history", params={"sender": "<script>"}, timeout=10)
    assert reply.status_code == 400
    assert httpx.get(f"{server}/history", timeout=10).status_code == 400


@pytest.mark.parametrize("method", ["POST", "OPTIONS"])
def test_cors_allows_only_the_configured_origins(server: str, method: str) -> None:
    def call(origin: str) -> httpx.Response:
        headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
        body = json.dumps({"sender": sender(), "message": "مرحبا"}) if method == "POST" else None
        return httpx.request(method, f"{server}/message", headers=headers, content=body,
                             timeout=60)

    allowed = call("http://localhost:5005")
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5005"
    refused = call("https://evil.example")
    assert not any(h.startswith("access-control-allow") for h in refused.headers)


def test_static_files_and_the_demo_page(server: str) -> None:
    script = httpx.get(f"{server}/static/widget.js", timeout=10)
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "innerHTML" not in script.text
    assert httpx.get(f"{server}/static/widget.css", timeout=10).status_code == 200
    assert httpx.get(f"{server}/static/..%2Fwebchat.py", timeout=10).status_code == 404
    demo = httpx.get(f"{server}/demo", timeout=10)
    assert demo.status_code == 200
    assert 'dir="rtl"' in demo.text and demo.text.count("<script") == 1
    assert 'data-server="http://127.0.0.1:' in demo.text


# --- the widget in Chromium -----------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install -y chromium"
)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium, driven by Playwright (never Playwright's own download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str):
    """A fresh visitor (own localStorage) on the demo page; fails on any alert dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ar-SA")
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/demo")
    yield page
    context.close()


def open_widget(page) -> None:
    launcher = page.locator(".dalil-wc-launcher")
    if launcher.get_attribute("aria-expanded") != "true":
        launcher.click()
    page.locator(".dalil-wc-panel").wait_for(state="visible")


def ask(page, text: str) -> None:
    box = page.get_by_label("اكتب رسالتك")
    box.fill(text)
    box.press("Enter")


def bot_texts(page):
    return page.locator(".dalil-wc-row--bot .dalil-wc-text")


@needs_chromium
def test_the_widget_answers_offers_buttons_and_restores_history(page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".dalil-wc").get_attribute("dir") == "rtl"
    open_widget(page)
    expect(page.get_by_label("اكتب رسالتك")).to_be_focused()

    ask(page, QUESTION)
    expect(page.locator(".dalil-wc-row--user .dalil-wc-text").first).to_have_text(QUESTION)
    expect(bot_texts(page).first).to_have_text(fees_answer(), timeout=60_000)
    link = page.locator(".dalil-wc-text a").first
    assert link.get_attribute("href", timeout=5000).startswith("https://")
    assert link.get_attribute("rel") == "noopener noreferrer"
    expect(page.locator(".dalil-wc-row time").first).to_have_text(re.compile("[٠-٩]"))

    expect(page.locator(".dalil-wc-chip")).to_have_count(5)
    page.screenshot(path=str(tmp_path / "webchat.png"))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "webchat.png", SCREENSHOT)

    page.get_by_role("group", name="ردود مقترحة").get_by_role("button", name="5").click()
    expect(page.locator(".dalil-wc-row--user .dalil-wc-text").last).to_have_text("5")
    thanks = response_text("utter_thanks_for_rating")
    expect(bot_texts(page).last).to_have_text(thanks, timeout=60_000)
    expect(page.locator(".dalil-wc-quick")).to_have_count(0)

    page.reload()
    expect(page.locator(".dalil-wc")).to_have_attribute("data-history", "loaded")
    open_widget(page)
    expect(bot_texts(page).first).to_have_text(fees_answer())
    expect(bot_texts(page).last).to_have_text(thanks)
    users = page.locator(".dalil-wc-row--user .dalil-wc-text")
    expect(users).to_have_text([QUESTION, "5"])

    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(tmp_path / "webchat-phone.png"))
    width = page.locator(".dalil-wc-panel").bounding_box()["width"]
    assert width <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shutil.copyfile(tmp_path / "webchat-phone.png", SCREENSHOT.with_name("webchat-phone.png"))
    assert page.dialogs == []


@needs_chromium
def test_markup_typed_by_a_visitor_is_shown_as_text(page) -> None:
    from playwright.sync_api import expect

    open_widget(page)
    ask(page, HOSTILE)
    expect(page.locator(".dalil-wc-row--user .dalil-wc-text").last).to_have_text(HOSTILE)
    expect(page.locator(".dalil-wc-row--bot")).not_to_have_count(0, timeout=60_000)
    expect(page.locator(".dalil-wc-typing")).to_be_hidden()
    assert page.locator(".dalil-wc img").count() == 0
    assert page.dialogs == []


@needs_chromium
def test_hostile_bot_text_gets_no_markup_and_only_http_links(page) -> None:
    """Even a poisoned catalog entry cannot inject markup or a javascript: link."""
    from playwright.sync_api import expect

    hostile = [{
        "text": "انظر javascript:alert(1) و <img src=x onerror=alert(2)> "
                "و https://example.org/a?b=1. ثم <script>alert(3)</script>",
        "buttons": [{"title": "<b>زر</b>", "payload": "/greet"}],
    }]
    page.route("**/webhooks/webchat/message", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(hostile)))
    open_widget(page)
    ask(page, "مرحبا")
    expect(bot_texts(page).last).to_have_text(hostile[0]["text"])
    links = page.locator(".dalil-wc-text a")
    expect(links).to_have_count(1)
    assert links.get_attribute("href") == "https://example.org/a?b=1"
    expect(page.locator(".dalil-wc-chip")).to_have_text("<b>زر</b>")
    assert page.locator(".dalil-wc img, .dalil-wc b, .dalil-wc script").count() == 0
    assert page.dialogs == []


@needs_chromium
def test_a_failed_send_keeps_the_message_and_retries(page) -> None:
    from playwright.sync_api import expect

    page.route("**/webhooks/webchat/message", lambda route: route.abort())
    open_widget(page)
    ask(page, QUESTION)
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("عذر")
    expect(page.locator(".dalil-wc-row--failed .dalil-wc-text")).to_have_text(QUESTION)

    page.unroute("**/webhooks/webchat/message")
    alert.get_by_role("button", name="إعادة المحاولة").click()
    expect(bot_texts(page).first).to_have_text(fees_answer(), timeout=60_000)
    expect(page.locator(".dalil-wc-row--failed")).to_have_count(0)
    expect(alert).to_be_hidden()


@needs_chromium
def test_keyboard_escape_closes_and_focus_returns_to_the_launcher(page) -> None:
    from playwright.sync_api import expect

    launcher = page.get_by_role("button", name="افتح المحادثة مع دليل")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_label("اكتب رسالتك")).to_be_focused()
    page.get_by_label("اكتب رسالتك").fill("مسودة")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    # A draft survives closing and reloading.
    page.reload()
    open_widget(page)
    expect(page.get_by_label("اكتب رسالتك")).to_have_value("مسودة")
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")

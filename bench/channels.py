"""Per-channel figures: message round trip on every channel, and page load to first answer.

Starts the reference case service, the action server, a Rasa server with the REST, web chat
and Telegram channels (Telegram against a fake Bot API on loopback, so no token is needed)
and the agents' console, then times sequential held-out questions through each channel.
In Debian's Chromium it opens the console's demo page, opens the widget, asks a question
and times from navigation to the answer on screen.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.latency import percentile  # noqa: E402
from bench.nlu_eval import ASKED, train_model  # noqa: E402
from dalil import project  # noqa: E402
from dalil.processes import action_server, case_service, console, rasa_server  # noqa: E402
from dalil.store import Store  # noqa: E402
from tests.connectors.fake_telegram import TOKEN, fake_bot_api  # noqa: E402

SECRET = "bench-secret"
PASSWORD = "bench password 123"
CHROMIUM = "/usr/bin/chromium"


def timed(call) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def page_load_to_answer(demo_url: str, question: str) -> float | None:
    """Milliseconds from opening the demo page to the widget showing the bot's answer."""
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(demo_url)
        page.locator(".dalil-wc-launcher").click()
        box = page.get_by_label("اكتب رسالتك")
        box.fill(question)
        box.press("Enter")
        page.locator(".dalil-wc-row--bot .dalil-wc-text").first.wait_for(timeout=60_000)
        elapsed = (time.perf_counter() - started) * 1000
        browser.close()
    return elapsed


def main() -> None:
    """Prints p50/p95 per channel and the page-load-to-answer time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    texts = [i["text"] for i in yaml.safe_load(ASKED.read_text(encoding="utf-8"))]
    texts = texts[: args.requests]
    model = args.model or train_model(project.VAR / "bench-models")

    with tempfile.TemporaryDirectory() as workdir, fake_bot_api() as api:
        store_url = f"sqlite:///{workdir}/store.db"
        store = Store(store_url, "unused")
        store.migrate()
        store.accounts.add("bench", PASSWORD, "agent")
        credentials = Path(workdir) / "credentials.yml"
        credentials.write_text(
            "connectors.rest.RestInput:\nconnectors.webchat.WebChatInput:\n  cors_origins: ['*']\n"
            f"connectors.telegram.TelegramInput:\n  access_token: '{TOKEN}'\n"
            f"  secret_token: '{SECRET}'\n  base_url: '{api.base_url}'\n",
            encoding="utf-8",
        )
        with case_service({"DALIL_DATABASE_URL": f"sqlite:///{workdir}/cases.db"}) as cases, \
                action_server({"DALIL_CASE_SERVICE_URL": cases,
                               "DALIL_STORE_URL": store_url}) as actions, \
                rasa_server(str(model), actions, workdir, str(credentials)) as rasa, \
                console({"DALIL_STORE_URL": store_url, "DALIL_CASE_SERVICE_URL": cases,
                         "DALIL_RASA_URL": rasa}) as console_url, \
                httpx.Client(timeout=60) as client:  # fmt: skip
            token = client.post(f"{console_url}/api/login",
                                json={"username": "bench", "password": PASSWORD}).json()["token"]
            ids = itertools.count(1)

            def telegram(text: str, chat: int) -> None:
                update_id = next(ids)
                client.post(f"{rasa}/webhooks/telegram/webhook",
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                            json={"update_id": update_id, "message": {
                                "message_id": update_id, "date": int(time.time()),
                                "chat": {"id": chat, "type": "private"}, "text": text,
                                "from": {"id": chat, "is_bot": False, "first_name": "x"}}},
                            ).raise_for_status()  # fmt: skip

            channels = {
                "REST": lambda t, i: client.post(f"{rasa}/webhooks/rest/webhook", json={
                    "sender": f"r{i // 5}", "message": t}).raise_for_status(),
                "web chat": lambda t, i: client.post(f"{rasa}/webhooks/webchat/message", json={
                    "sender": f"w{i // 5}", "message": t}).raise_for_status(),
                "Telegram (fake API)": lambda t, i: telegram(t, 9_000 + i // 5),
                "console ask": lambda t, i: client.post(
                    f"{console_url}/api/ask", json={"text": t, "conversation": f"c{i // 5}"},
                    headers={"Authorization": f"Bearer {token}"}).raise_for_status(),
            }  # fmt: skip
            for send in channels.values():  # warm up
                send(texts[0], 999)
            print(f"{'channel':<22}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
            for name, send in channels.items():
                samples = [timed(lambda t=t, i=i, s=send: s(t, i)) for i, t in enumerate(texts)]
                print(f"{name:<22}{len(samples):>5}{percentile(samples, 50):>9.1f}"
                      f"{percentile(samples, 95):>9.1f}{statistics.fmean(samples):>9.1f}")
            loads = [page_load_to_answer(f"{rasa}/webhooks/webchat/demo", "كم رسوم نقل الكفالة؟")
                     for _ in range(3)]  # fmt: skip
            if loads[0] is None:
                print("page load to first answer: skipped (no /usr/bin/chromium)")
            else:
                print("page load to first answer (demo page, widget): "
                      + ", ".join(f"{ms:.0f} ms" for ms in loads))


if __name__ == "__main__":
    main()

"""A fake Telegram Bot API on loopback: real HTTP, the few methods Dalil calls, all recorded.

python-telegram-bot talks to it exactly as to api.telegram.org when given
``base_url=fake.base_url``. Failures (429, 500) are scripted per method with :meth:`fail`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Dalil", "username": "dalil_test_bot"}


@dataclass
class Call:
    """One Bot API request as the server received it (JSON-valued fields decoded)."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeBotAPI:
    """State shared with the request handler threads."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, deque[tuple[int, dict[str, Any]]]] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self.lock = threading.Lock()
        self.base_url = ""
        self._message_id = 0

    def fail(
        self, method: str, status: int, description: str = "fake failure", **parameters: Any
    ) -> None:
        """The next call of ``method`` fails with ``status`` (and e.g. retry_after)."""
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        with self.lock:
            self.failures.setdefault(method, deque()).append((status, body))

    def sent(self, chat_id: int | str | None = None) -> list[Call]:
        """Delivered sendMessage calls (failed attempts excluded), optionally for one chat."""
        with self.lock:
            return [
                c for c in self.calls
                if c.method == "sendMessage" and c.params.get("_delivered")
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
            ]

    def called(self, method: str) -> list[Call]:
        """Every call of ``method``, failed ones included."""
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for one call; records it."""
        with self.lock:
            call = Call(method, params)
            self.calls.append(call)
            queue = self.failures.get(method)
            if queue:
                return queue.popleft()
            if method == "sendMessage":
                call.params["_delivered"] = True
                self._message_id += 1
                message = {
                    "message_id": self._message_id,
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": params.get("text", ""),
                }
                if "reply_markup" in params:
                    message["reply_markup"] = params["reply_markup"]
                return 200, {"ok": True, "result": message}
            if method == "getMe":
                return 200, {"ok": True, "result": BOT_USER}
            if method == "getUpdates":
                updates = list(self.updates)
                self.updates.clear()
                return 200, {"ok": True, "result": updates}
            if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
                return 200, {"ok": True, "result": True}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    """ptb posts form fields with JSON-encoded non-string values; JSON bodies also accepted."""
    if content_type.startswith("application/json"):
        return json.loads(raw or b"{}")
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode("utf-8"), keep_blank_values=True):
        try:
            decoded = json.loads(value)
            params[key] = decoded if isinstance(decoded, (dict, list)) else value
        except ValueError:
            params[key] = value
    return params


def _handler(api: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            prefix = f"/bot{TOKEN}/"
            if not self.path.startswith(prefix):
                self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            method = self.path[len(prefix):]
            if method == "getUpdates" and not api.updates:
                time.sleep(0.2)  # a short long-poll, so the polling loop does not spin
            params = _decode(raw, self.headers.get("Content-Type", ""))
            self._reply(*api.answer(method, params))

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def fake_bot_api() -> Iterator[FakeBotAPI]:
    """Runs the fake on a free loopback port until the block ends."""
    api = FakeBotAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}/bot"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()

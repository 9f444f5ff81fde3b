"""The website channel: a small JSON API, the embeddable widget's files and a demo page.

The channel keeps no state in memory: a conversation lives only in Rasa's tracker store, so
any number of Rasa replicas behind a load balancer can serve the same visitor, and the
widget's history after a reload is whatever the tracker store holds.

Replies are Rasa's messages as they are (text and buttons, composed by the actions from the
catalog); the channel only carries them. The few sentences it owns are transport notices
(«your message is too long», «try again shortly»), never answers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.guard import (
    MAX_MESSAGE_CHARS,
    RateLimiter,
    collect_replies,
    domain_text,
    error_response,
    parse_message,
    valid_sender,
)
from connectors.webchat_history import conversation


def unavailable() -> str:
    """What the widget shows when the assistant could not answer at all."""
    return domain_text("utter_technical_problem")

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
# Only these files are served; nothing else under the folder is reachable by name.
STATIC_FILES = {
    "widget.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}
DEFAULT_CORS_ORIGINS = ["http://127.0.0.1:5005", "http://localhost:5005"]
DEFAULT_MAX_MESSAGE_CHARS = MAX_MESSAGE_CHARS
CORS_MAX_AGE = "600"
# sanic_cors (which Rasa installs app-wide) skips a request once this flag is set, so an
# operator's `--cors "*"` cannot widen this channel's own origin list.
_SANIC_CORS_EVALUATED = "_sanic_cors_e"

class WebChatInput(InputChannel):
    """Rasa input channel for the website widget, mounted at ``/webhooks/webchat/``."""

    def __init__(
        self,
        cors_origins: list[str] | None = None,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
    ) -> None:
        self.cors_origins = [o.rstrip("/") for o in (cors_origins or DEFAULT_CORS_ORIGINS)]
        self.max_message_chars = max_message_chars
        self.limiter = RateLimiter()

    @classmethod
    def name(cls) -> str:
        """The channel's name: its URL segment and the trackers' ``input_channel``."""
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        """Builds the channel from its ``credentials.yml`` section."""
        credentials = credentials or {}
        return cls(
            cors_origins=credentials.get("cors_origins"),
            max_message_chars=int(
                credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)
            ),
        )

    def _cors(self, request: Request, resp: HTTPResponse) -> None:
        """Adds CORS headers for allowed origins only, and strips any others'."""
        origin = request.headers.get("origin")
        for header in list(resp.headers.keys()):
            if header.lower().startswith("access-control-"):
                del resp.headers[header]
        resp.headers["Vary"] = "Origin"
        if origin and origin.rstrip("/") in self.cors_origins:
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
            resp.headers["Access-Control-Max-Age"] = CORS_MAX_AGE

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """The channel's routes: message, history, static files and the demo page."""
        webchat = Blueprint("webchat", __name__)

        @webchat.on_request
        async def own_cors(request: Request) -> None:
            setattr(request.ctx, _SANIC_CORS_EVALUATED, "1")

        @webchat.on_response
        async def add_cors(request: Request, resp: HTTPResponse) -> None:
            self._cors(request, resp)

        @webchat.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def preflight(request: Request) -> HTTPResponse:
            return response.empty()

        webchat.add_route(preflight, "/message", ["OPTIONS"], name="message_preflight")
        webchat.add_route(preflight, "/history", ["OPTIONS"], name="history_preflight")

        @webchat.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            parsed = parse_message(request, self.max_message_chars)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text = parsed
            if not self.limiter.allow(sender):
                return self.limiter.refusal()
            replies = await collect_replies(on_new_message, text, sender, self.name())
            return response.json(replies, ensure_ascii=False)

        @webchat.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            sender = request.args.get("sender")
            if not valid_sender(sender):
                return error_response(400, "invalid_sender", "sender: 1-64 of A-Z a-z 0-9 _ -")
            try:
                agent = request.app.ctx.agent
                tracker = await agent.tracker_store.retrieve_full_tracker(sender)
                messages = conversation(tracker.events) if tracker else []
            except Exception:  # noqa: BLE001 - a store outage is a 503, not a 500
                logger.exception("webchat: failed to read the tracker store")
                return error_response(
                    503, "unavailable", "the tracker store failed", unavailable()
                )
            return response.json({"sender": sender, "messages": messages}, ensure_ascii=False)

        @webchat.route("/static/<filename>", methods=["GET"])
        async def static(request: Request, filename: str) -> HTTPResponse:
            if filename not in STATIC_FILES:
                return error_response(404, "not_found", "no such file")
            return await response.file(
                STATIC_DIR / filename,
                mime_type=STATIC_FILES[filename],
                headers={"Cache-Control": "public, max-age=300"},
            )

        @webchat.route("/demo", methods=["GET"])
        async def demo(request: Request) -> HTTPResponse:
            page = Template((STATIC_DIR / "demo.html").read_text(encoding="utf-8"))
            server = escape(f"{request.scheme}://{request.host}", quote=True)
            resp = response.html(page.substitute(server=server))
            resp.headers["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self'; style-src 'self'; "
                "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                "frame-ancestors 'none'"
            )
            return resp

        return webchat

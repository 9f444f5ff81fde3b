"""Rasa's REST channel (``/webhooks/rest/webhook``) with the checks every channel makes.

Same URL and JSON as Rasa's own ``rest`` channel, plus: malformed or oversized requests get
a clear JSON error instead of a 500, a flooding sender is slowed down, a turn that failed
silently (an action server down) gets an apology, and nothing the client typed is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.guard import RateLimiter, collect_replies, parse_message

logger = logging.getLogger(__name__)


class RestInput(RasaRestInput):
    """``rest`` with Dalil's guards (credentials.yml: ``connectors.rest.RestInput``)."""

    def __init__(self) -> None:
        """A rate limiter per process (see connectors.guard)."""
        self.limiter = RateLimiter()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """Nothing to configure."""
        return cls()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """``GET /`` health and ``POST /webhook`` for messages."""
        rest = Blueprint("dalil_rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = parse_message(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text = parsed
            if not self.limiter.allow(sender):
                return self.limiter.refusal()
            replies = await collect_replies(
                on_new_message, text, sender,
                self._extract_input_channel(request), self.get_metadata(request),
            )  # fmt: skip
            return response.json(replies, ensure_ascii=False)

        return rest

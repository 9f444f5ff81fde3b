"""What every channel checks before a message reaches Rasa, and says when it cannot answer.

One place for: the shape and size of an incoming message, a per-sender rate limit, and
the polite replies for those cases (domain responses, read once) — including the apology
when the assistant produced nothing (an action server that is down makes Rasa drop the
turn silently).
"""

from __future__ import annotations

import json
import logging
import re
import time
from asyncio import CancelledError
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from dalil import project

logger = logging.getLogger(__name__)

# Letters, digits, «-» and «_»: safe in logs, URLs and every tracker store's key.
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_MESSAGE_CHARS = 4000
RATE_LIMIT = 20  # messages per sender …
RATE_WINDOW_SECONDS = 60.0  # … in this many seconds


@cache
def domain_text(name: str) -> str:
    """The first text of a domain response, read once from domain.yml."""
    domain = yaml.safe_load(project.DOMAIN.read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


def notice_too_long(limit: int = MAX_MESSAGE_CHARS) -> str:
    """The polite refusal of an over-long message."""
    return domain_text("utter_message_too_long").format(limit=limit)


def with_apology(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's messages, or an apology when a failure left it with nothing to say."""
    return messages or [{"text": domain_text("utter_technical_problem")}]


async def collect_replies(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: str,
    sender: str,
    input_channel: str,
    metadata: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Runs one message through Rasa; its replies, or an apology if it failed or said nothing.

    Only the sender id is logged on failure, never what the client typed.
    """
    collector = CollectingOutputChannel()
    try:
        await on_new_message(UserMessage(text, collector, sender, input_channel=input_channel,
                                         metadata=metadata))  # fmt: skip
    except CancelledError:
        logger.error("%s: timed out handling a message from %s", input_channel, sender)
    except Exception:  # noqa: BLE001 - the client gets an apology, never a bare 500
        logger.exception("%s: failed to handle a message from %s", input_channel, sender)
    return with_apology(collector.messages)


def valid_sender(sender: Any) -> bool:
    """Whether ``sender`` is a conversation id the channels accept."""
    return isinstance(sender, str) and SENDER_PATTERN.fullmatch(sender) is not None


def error_response(status: int, error: str, detail: str, notice: str | None = None):
    """A JSON error; ``notice`` becomes a message a client shows as the bot's reply."""
    body: dict[str, Any] = {"error": error, "detail": detail}
    if notice:
        body["messages"] = [{"text": notice}]
    return response.json(body, status=status, ensure_ascii=False)


def parse_message(
    request: Request, max_chars: int = MAX_MESSAGE_CHARS
) -> tuple[str, str] | HTTPResponse:
    """The (sender, text) of a ``{"sender", "message"}`` request, or the error to send."""
    # Bound the work before parsing: JSON escapes take at most 12 bytes a character.
    if len(request.body or b"") > max_chars * 12 + 1024:
        return error_response(413, "message_too_long", "request body too large",
                              notice_too_long(max_chars))  # fmt: skip
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return error_response(400, "invalid_json", "the body must be a JSON object")
    if not isinstance(body, dict):
        return error_response(400, "invalid_json", "the body must be a JSON object")
    sender, text = body.get("sender"), body.get("message")
    if not valid_sender(sender):
        return error_response(400, "invalid_sender", "sender: 1-64 of A-Z a-z 0-9 _ -")
    if not isinstance(text, str) or not text.strip():
        return error_response(400, "invalid_message", "message: a non-empty string")
    if len(text) > max_chars:
        return error_response(413, "message_too_long", "message too long",
                              notice_too_long(max_chars))  # fmt: skip
    return sender, text


class RateLimiter:
    """At most ``limit`` messages per sender in a sliding window, counted in this process.

    Per replica: behind N replicas a flooding sender gets at most N × limit through, which
    still protects the assistant; other senders are never slowed.
    """

    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW_SECONDS) -> None:
        """Counts per sender over the last ``window`` seconds."""
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, sender: str) -> bool:
        """Records a message from ``sender``; False when it is over the limit."""
        now = time.monotonic()
        seen = self._seen[sender]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        if len(self._seen) > 100_000:  # forget idle senders so memory stays bounded
            for key in [k for k, v in self._seen.items() if not v or now - v[-1] > self.window]:
                del self._seen[key]
        return True

    def refusal(self) -> HTTPResponse:
        """The polite "slow down" a flooding sender gets (HTTP 429)."""
        return error_response(429, "rate_limited", "too many messages",
                              domain_text("utter_slow_down"))  # fmt: skip

"""Telegram replies: the one place a Rasa message becomes Bot API calls.

Both the webhook channel and the polling runner in :mod:`connectors.telegram` send through
:class:`TelegramOutput`, so a reply looks the same however the update arrived. This module
formats only: the words come from Rasa's responses and the catalog renderer.

Telegram's limits shape it:

* a message holds at most 4096 characters (counted in UTF-16 code units), so longer texts
  are split at line breaks, and the buttons go with the last part;
* ``callback_data`` holds at most 64 bytes. A payload is first written as compact JSON
  (``/ask_fees{"service":"x"}`` means the same to Rasa as the spaced form); one still too
  long gets a key (``#`` + hash) instead, and when that button is pressed the *title* the
  user tapped is sent to Rasa as their message (see :func:`callback_text`). The title is
  understood as typed text, so nothing has to be stored between the send and the tap;
* a 429 says how long to wait: the send is retried after ``retry_after`` seconds (capped),
  a bounded number of times. Any other failure is logged, IDs masked, and never raised:
  a broken send must not break the conversation or the server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from dalil.identifiers import mask_ids_in_text

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # UTF-16 code units per message
CALLBACK_DATA_LIMIT = 64  # bytes
KEY_PREFIX = "#"  # callback_data that stands for a button's title, not a payload
# Buttons whose titles are all this short (the 1-5 rating) share one row.
SHORT_TITLE = 4
_PAYLOAD_RE = re.compile(r"^(/[^{]+)(\{.*\})$", re.DOTALL)

T = TypeVar("T")


def _utf16_len(text: str) -> int:
    """Length as Telegram counts it: emoji outside the BMP count twice."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> tuple[str, str]:
    """Splits an over-long line at the last space that fits, else at the limit."""
    size, end = 0, 0
    for index, char in enumerate(line):
        size += _utf16_len(char)
        if size > limit:
            break
        end = index + 1
    space = line.rfind(" ", 0, end)
    if space > 0:
        return line[:space], line[space + 1 :]
    return line[:end], line[end:]


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of ``text`` of at most ``limit`` units each, split at line breaks.

    A single line longer than ``limit`` is split at a space (or, lacking one, anywhere).
    Joining the parts with "\\n" gives back the text when no line had to be cut.
    """
    if not text.strip():
        return []
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while _utf16_len(line) > limit:
            head, line = _cut(line, limit)
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        candidate = f"{current}\n{line}" if current else line
        if current and _utf16_len(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    if current.strip():
        parts.append(current)
    return parts


def callback_data(payload: str, title: str) -> str:
    """What a button carries: its payload, compacted, or a key for its title when too long."""
    match = _PAYLOAD_RE.match(payload)
    if match:
        try:
            entities = json.loads(match.group(2))
            compact = json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
            payload = match.group(1) + compact
        except ValueError:
            pass
    if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return payload
    digest = hashlib.sha256(f"{title}\0{payload}".encode()).hexdigest()[:32]
    return KEY_PREFIX + digest


def inline_keyboard(buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup | None:
    """Rasa buttons as an inline keyboard: one per row, short ones (ratings) in one row."""
    keys = []
    for button in buttons:
        title, payload = str(button.get("title") or ""), str(button.get("payload") or "")
        if title:
            keys.append(InlineKeyboardButton(title, callback_data=callback_data(payload, title)))
    if not keys:
        return None
    if all(len(key.text) <= SHORT_TITLE for key in keys):
        return InlineKeyboardMarkup([keys])
    return InlineKeyboardMarkup([[key] for key in keys])


def callback_text(query: CallbackQuery) -> str | None:
    """What a tapped button says to Rasa: its payload, or its title for a keyed button.

    Only data that is on the message's own keyboard is accepted, so a client cannot send
    Rasa an arbitrary payload by forging a callback.
    """
    data = query.data
    if not data:
        return None
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    if markup is None:
        return None if data.startswith(KEY_PREFIX) else data
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text if data.startswith(KEY_PREFIX) else data
    return None


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asks us to wait (ptb 22 gives an int or a timedelta)."""
    retry_after = error.retry_after
    if isinstance(retry_after, dt.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


class TelegramOutput(OutputChannel):
    """Sends Rasa's replies to a Telegram chat through python-telegram-bot's ``Bot``."""

    def __init__(self, bot: Bot, max_attempts: int = 3, max_wait: float = 30.0) -> None:
        """``max_attempts`` sends per message at most; never wait more than ``max_wait`` s."""
        self.bot = bot
        self.max_attempts = max_attempts
        self.max_wait = max_wait

    @classmethod
    def name(cls) -> str:
        """Same name as the input channel, so Rasa's API can answer through it."""
        return "telegram"

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """Runs one Bot API call: retries 429s and 5xx/network errors, logs (masked) and
        swallows the rest; a send never raises."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await call()
            except RetryAfter as error:
                wait = min(retry_seconds(error), self.max_wait)
                if attempt == self.max_attempts:
                    logger.error("telegram %s: still rate-limited after %d tries", what, attempt)
                    return None
                logger.warning("telegram %s: rate-limited, retrying in %.0f s", what, wait)
                await asyncio.sleep(wait)
            except BadRequest as error:  # our message is wrong: sending it again won't help
                logger.error("telegram %s refused: %s", what, mask_ids_in_text(str(error)))
                return None
            except NetworkError as error:  # 5xx, timeouts: Telegram's side, worth a retry
                if attempt == self.max_attempts:
                    logger.error("telegram %s failed after %d tries: %s", what, attempt,
                                 mask_ids_in_text(str(error)))  # fmt: skip
                    return None
                logger.warning("telegram %s: %s, retrying", what, mask_ids_in_text(str(error)))
                await asyncio.sleep(min(2.0 ** (attempt - 1), self.max_wait))
            except TelegramError as error:
                logger.error("telegram %s failed: %s", what, mask_ids_in_text(str(error)))
                return None
            except Exception as error:  # a send must never crash the channel
                logger.error(
                    "telegram %s failed: %s: %s",
                    what, type(error).__name__, mask_ids_in_text(str(error)),
                )
                return None
        return None

    async def _send(
        self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Sends ``text`` in as many parts as it needs; the keyboard rides on the last one."""
        parts = split_text(text)
        for index, part in enumerate(parts):
            keyboard = markup if index == len(parts) - 1 else None
            await self._call(
                "sendMessage",
                lambda part=part, keyboard=keyboard: self.bot.send_message(
                    chat_id=chat_id, text=part, reply_markup=keyboard
                ),
            )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """A plain text reply."""
        await self._send(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """A reply whose buttons become an inline keyboard under it."""
        await self._send(recipient_id, text, inline_keyboard(buttons))

    async def answer_callback(self, query_id: str) -> None:
        """Stops the client's spinner on a tapped button."""
        await self._call(
            "answerCallbackQuery", lambda: self.bot.answer_callback_query(query_id)
        )

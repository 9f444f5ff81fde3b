"""Telegram channel: python-telegram-bot as a typed client inside Rasa's Sanic server.

Webhook mode (production): Rasa mounts :class:`TelegramInput` at
``/webhooks/telegram/webhook``. Telegram signs each call with the secret given to
``setWebhook``; anything without it gets 403, a body that is not an update gets 400.
The update is handled before the 200 goes back, so Telegram redelivers it only when Dalil
could not take it at all.

Polling mode (local development, no public URL needed)::

    TELEGRAM_TOKEN=... python -m connectors.telegram --polling

asks Telegram for updates, forwards each message to Rasa's REST channel
(``DALIL_RASA_URL``) and sends the replies with the same :class:`TelegramOutput`.

Both modes share :func:`handle_update`: ``/start`` greets and lists the services, ``/help``
says what Dalil understands, a tapped button sends its payload, non-text messages get a
polite explanation. Those texts are domain responses (``utter_greet``, ``utter_help``,
``utter_unsupported_media``) and the catalog renderer's service list; nothing is worded here.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update
from telegram.error import RetryAfter, TelegramError

from connectors.guard import MAX_MESSAGE_CHARS, RateLimiter, domain_text, notice_too_long
from connectors.telegram_output import TelegramOutput, callback_text, retry_seconds
from dalil.catalog import load_catalog
from dalil.catalog.render import services_list
from dalil.identifiers import mask_ids_in_text

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
DEFAULT_RASA_URL = "http://127.0.0.1:5005/webhooks/rest/webhook"
# Forwards one user text to Rasa for one chat; the replies reach the chat on their own.
Forward = Callable[[str, str], Awaitable[None]]


LIMITER = RateLimiter()  # per chat, in this process (see connectors.guard)


def _command(text: str) -> str | None:
    """``/start`` for "/start", "/start@DalilBot" or "/start payload"; None for plain text."""
    if not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower()


async def _within_limit(chat_id: str, output: TelegramOutput) -> bool:
    """False (and a polite "slow down") when this chat is flooding."""
    if LIMITER.allow(chat_id):
        return True
    await output.send_text_message(chat_id, domain_text("utter_slow_down"))
    return False


async def handle_update(update: Update, output: TelegramOutput, forward: Forward) -> None:
    """Answers one update: commands and media here, everything else through Rasa."""
    query = update.callback_query
    if query is not None:
        await output.answer_callback(query.id)
        chat = query.message.chat if query.message else None
        text = callback_text(query)
        if chat is not None and text and await _within_limit(str(chat.id), output):
            await forward(str(chat.id), text)
        return
    message = update.message
    if message is None:
        return  # edits, channel posts, member updates: nothing to answer
    chat_id = str(message.chat_id)
    if not message.text:
        await output.send_text_message(chat_id, domain_text("utter_unsupported_media"))
        return
    if not await _within_limit(chat_id, output):
        return
    if len(message.text) > MAX_MESSAGE_CHARS:
        await output.send_text_message(chat_id, notice_too_long())
        return
    command = _command(message.text)
    if command == "/start":
        await output.send_text_message(chat_id, domain_text("utter_greet"))
        await output.send_response(chat_id, services_list(load_catalog()).as_rasa())
    elif command is not None:
        # /help and unknown commands alike; typed text never reaches Rasa as an intent payload.
        await output.send_text_message(chat_id, domain_text("utter_help"))
    else:
        await forward(chat_id, message.text)


def _bot(token: str, base_url: str | None) -> Bot:
    """A Bot on Telegram's API, or on ``base_url`` (a local Bot API server, or a test fake)."""
    # httpx logs every request URL at INFO, and a Bot API URL holds the bot's token.
    httpx_logger = logging.getLogger("httpx")
    httpx_logger.setLevel(max(httpx_logger.getEffectiveLevel(), logging.WARNING))
    return Bot(token, base_url=base_url) if base_url else Bot(token)


class TelegramInput(InputChannel):
    """Telegram webhook channel for Rasa, on python-telegram-bot's typed client."""

    def __init__(
        self,
        access_token: str,
        secret_token: str,
        base_url: str | None = None,
        webhook_url: str | None = None,
    ) -> None:
        """``webhook_url``, when given, is registered with Telegram once the server starts."""
        self.access_token = access_token
        self.secret_token = secret_token
        self.base_url = base_url
        self.webhook_url = webhook_url
        self._bot: Bot | None = None

    @classmethod
    def name(cls) -> str:
        """Mounts the channel at /webhooks/telegram/ and labels its conversations."""
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        """Values from credentials.yml, else from TELEGRAM_* environment variables."""
        credentials = credentials or {}

        def value(key: str, env: str) -> str | None:
            return credentials.get(key) or os.environ.get(env) or None

        token = value("access_token", "TELEGRAM_TOKEN")
        secret = value("secret_token", "TELEGRAM_SECRET_TOKEN")
        if not token or not secret:
            # Without a secret anyone who finds the URL could speak for any chat.
            cls.raise_missing_credentials_exception()
        return cls(
            token,
            secret,
            base_url=value("base_url", "TELEGRAM_BASE_URL"),
            webhook_url=value("webhook_url", "TELEGRAM_WEBHOOK_URL"),
        )

    @property
    def bot(self) -> Bot:
        """Built on first use, inside the server's event loop, so its HTTP pool lives there."""
        if self._bot is None:
            self._bot = _bot(self.access_token, self.base_url)
        return self._bot

    def get_output_channel(self) -> TelegramOutput:
        """Lets Rasa's HTTP API (e.g. trigger_intent) reply on Telegram."""
        return TelegramOutput(self.bot)

    def _authorized(self, request: Request) -> bool:
        """Constant-time check of the secret Telegram sends with every update."""
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode("utf-8"), self.secret_token.encode("utf-8"))

    def _parse(self, request: Request) -> Update | None:
        """The update in the body, or None when the body is not one."""
        try:
            data = json.loads(request.body or b"")
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return None
            return Update.de_json(data, self.bot)
        except Exception:  # malformed JSON or fields: the sender's error, not ours
            return None

    async def register_webhook(self) -> None:
        """Tells Telegram where to send updates, with the secret it must send back."""
        if not self.webhook_url:
            return
        try:
            await self.bot.set_webhook(
                self.webhook_url, secret_token=self.secret_token, allowed_updates=ALLOWED_UPDATES
            )
        except TelegramError as error:
            logger.error("telegram setWebhook failed: %s", error)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` health and ``POST /webhook`` for updates."""
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("after_server_start")
        async def register(app: Any, loop: Any) -> None:
            await self.register_webhook()

        @telegram_webhook.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            if self._bot is not None:
                await self._bot.shutdown()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorized(request):
                return response.json({"error": "forbidden"}, status=403)
            update = self._parse(request)
            if update is None:
                return response.json({"error": "not a Telegram update"}, status=400)
            output = TelegramOutput(self.bot)

            async def forward(chat_id: str, text: str) -> None:
                await on_new_message(
                    UserMessage(text, output, chat_id, input_channel=self.name())
                )

            try:
                await handle_update(update, output, forward)
            except Exception as error:  # answered 200 anyway: a redelivery would fail again
                logger.error(
                    "telegram update %s failed: %s: %s",
                    update.update_id, type(error).__name__, mask_ids_in_text(str(error)),
                )
            return response.json({"ok": True})

        return telegram_webhook


def rest_forwarder(http: Any, rasa_url: str, output: TelegramOutput) -> Forward:
    """Polling mode's Rasa: the REST channel, replies sent back with ``output``."""

    async def forward(chat_id: str, text: str) -> None:
        body = {"sender": chat_id, "message": text, "input_channel": "telegram"}
        try:
            reply = await http.post(rasa_url, json=body)
            reply.raise_for_status()
            messages = reply.json()
        except Exception as error:
            logger.error("rasa at %s failed: %s", rasa_url, mask_ids_in_text(str(error)))
            return
        for message in messages:
            message.pop("recipient_id", None)  # send_response takes it as an argument
            await output.send_response(chat_id, message)

    return forward


async def poll(token: str, rasa_url: str, base_url: str | None = None) -> None:
    """Long-polls Telegram and answers each update through Rasa's REST channel, forever."""
    import httpx

    async with _bot(token, base_url) as bot, httpx.AsyncClient(timeout=60) as http:
        await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
        output = TelegramOutput(bot)
        forward = rest_forwarder(http, rasa_url, output)
        logger.info("polling Telegram as @%s, answering through %s", bot.username, rasa_url)
        offset: int | None = None
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=25, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as error:
                await asyncio.sleep(min(retry_seconds(error), 30))
                continue
            except TelegramError as error:
                logger.warning("getUpdates failed: %s; retrying", error)
                await asyncio.sleep(2)
                continue
            for update in updates:
                offset = update.update_id + 1
                try:
                    await handle_update(update, output, forward)
                except Exception as error:
                    logger.error("update failed: %s", mask_ids_in_text(str(error)))


def serve_health(port: int) -> None:
    """A liveness endpoint for the process manager, on a daemon thread."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """``python -m connectors.telegram --polling``: the bot on this machine, no webhook."""
    parser = argparse.ArgumentParser(prog="python -m connectors.telegram", description=__doc__)
    parser.add_argument("--polling", action="store_true", help="long-poll Telegram for updates")
    parser.add_argument("--health-port", type=int, help="answer GET / with 200 on this port")
    args = parser.parse_args(argv)
    if not args.polling:
        parser.error("only --polling runs from the command line; the webhook runs inside Rasa")
    token = os.environ.get("TELEGRAM_TOKEN")
    if not token:
        parser.error("set TELEGRAM_TOKEN to the bot's token from @BotFather")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    rasa_url = os.environ.get("DALIL_RASA_URL", DEFAULT_RASA_URL)
    if args.health_port:
        serve_health(args.health_port)
    try:
        asyncio.run(poll(token, rasa_url, os.environ.get("TELEGRAM_BASE_URL") or None))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

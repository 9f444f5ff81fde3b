"""A conversation as the website widget shows it, rebuilt from a tracker's events.

Kept apart from the channel so it stays plain data in, plain data out: the tracker store is
the only memory, and this is the one reading of it the widget needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

# Enough to scroll back through a long conversation without shipping a whole day's tracker.
MAX_MESSAGES = 200


def _buttons(event: BotUttered) -> list[dict[str, str]]:
    """The bot message's quick replies, only the fields the widget uses."""
    buttons = (event.data or {}).get("buttons") or []
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in buttons
        if isinstance(b, dict)
    ]


def conversation(events: Iterable[Event], limit: int = MAX_MESSAGES) -> list[dict[str, Any]]:
    """User and bot messages in order: ``{sender, text, buttons?, timestamp}``.

    A user message that is a button's payload shows as that button's title, as the widget
    showed it when it was tapped; a bare command payload with no matching button is internal
    and left out.
    """
    messages: list[dict[str, Any]] = []
    offered: dict[str, str] = {}
    for event in events:
        if isinstance(event, UserUttered):
            text = event.text or ""
            if text.startswith("/"):
                if text not in offered:
                    continue
                text = offered[text]
            if text:
                messages.append({"sender": "user", "text": text, "timestamp": event.timestamp})
            offered = {}
        elif isinstance(event, BotUttered):
            buttons = _buttons(event)
            if not event.text and not buttons:
                continue
            message: dict[str, Any] = {
                "sender": "bot",
                "text": event.text or "",
                "timestamp": event.timestamp,
            }
            if buttons:
                message["buttons"] = buttons
                offered.update({b["payload"]: b["title"] for b in buttons})
            messages.append(message)
    return messages[-limit:]

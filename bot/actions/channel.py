"""What every action needs to know about where a conversation happens."""

from __future__ import annotations

from rasa_sdk import Tracker


def channel_of(tracker: Tracker) -> str:
    """The input channel of the latest message ("rest", "webchat", "telegram", …)."""
    return tracker.get_latest_input_channel() or "unknown"

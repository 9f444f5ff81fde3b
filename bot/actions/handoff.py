"""Human handoff: a ticket in Dalil's store with the conversation so far, and a clear reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.case_status import cleared
from bot.actions.channel import channel_of
from dalil.catalog import load_catalog
from dalil.store import get_store


def transcript(tracker: Tracker) -> list[dict[str, str]]:
    """The conversation's messages, oldest first, as agents read them."""
    turns = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            turns.append({"speaker": event["event"], "text": event["text"]})
    return turns


class ActionHandoff(Action):
    """Opens a handoff ticket and tells the client its number and when agents answer."""

    def name(self) -> str:
        """Run for `request_human` and the offers to reach a person."""
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Creates the ticket (last 20 turns, IDs masked) and replies; ends any lookup."""
        ticket = get_store().create_ticket(
            channel_of(tracker), tracker.sender_id, tracker.get_slot("service"),
            transcript(tracker),
        )  # fmt: skip
        general = load_catalog().general
        now = dt.datetime.now(dt.timezone.utc)
        open_now = general.agent_hours.is_open(now)
        response = "utter_handoff_open" if open_now else "utter_handoff_closed"
        dispatcher.utter_message(
            response=response,
            ticket=ticket.number,
            call_center=general.contact.call_center,
            hours=general.agent_hours.text.strip(),
        )
        return cleared()

"""Client satisfaction: one «هل أفادتك هذه الإجابة؟» per session, ratings and comments stored.

The question is a message with buttons, not a form: a client who ignores it and asks
something else is simply answered.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.channel import channel_of
from dalil.catalog import render
from dalil.store import get_store


def csat_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, service: str | None
) -> list[EventType]:
    """Asks for a rating after an answer, unless it was asked already this session."""
    if tracker.get_slot("csat_asked"):
        return []
    buttons = render.rasa_buttons(render.rating_buttons())
    dispatcher.utter_message(response="utter_ask_csat", buttons=buttons)
    return [SlotSet("csat_asked", True), SlotSet("csat_topic", f"{intent}|{service or ''}")]


def rated_topic(tracker: Tracker) -> tuple[str | None, str | None]:
    """The intent and service of the answer being rated."""
    intent, _, service = (tracker.get_slot("csat_topic") or "|").partition("|")
    return intent or None, service or None


class ActionStoreRating(Action):
    """Stores the 1-5 rating of the answer just given."""

    def name(self) -> str:
        """Run when the client taps a rating button."""
        return "action_store_rating"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Stores a valid rating; anything else is politely ignored."""
        value = next(tracker.get_latest_entity_values("rating"), None)
        try:
            score = int(str(value))
        except ValueError:
            score = 0
        if not 1 <= score <= 5:
            dispatcher.utter_message(response="utter_rating_not_understood")
            return []
        intent, service = rated_topic(tracker)
        get_store().add_rating(channel_of(tracker), tracker.sender_id, intent, service, score)
        dispatcher.utter_message(response="utter_thanks_for_rating")
        return []


class ActionStoreComment(Action):
    """Keeps a free-text comment written right after a rating."""

    def name(self) -> str:
        """Run for a message the NLU cannot place, sent just after a rating."""
        return "action_store_comment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Attaches the comment to the client's latest rating."""
        comment = (tracker.latest_message.get("text") or "").strip()
        get_store().add_comment(tracker.sender_id, comment)
        dispatcher.utter_message(response="utter_thanks_for_comment")
        return [SlotSet("csat_topic", None)]

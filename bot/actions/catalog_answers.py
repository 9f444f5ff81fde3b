"""Actions that answer from the service catalog: a service's aspects and the service list.

Thin by design: the catalog holds the words, :mod:`dalil.catalog.render` builds the message,
these actions only decide *which* answer the conversation asks for.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.channel import channel_of
from bot.actions.satisfaction import csat_question
from dalil.catalog import load_catalog, render
from dalil.catalog.search import NAMED, CatalogSearch
from dalil.store import get_store

MAX_CHOICES = 3


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The entity's value in the latest message, if the user gave one."""
    return next(tracker.get_latest_entity_values(entity), None)


class ActionAnswerService(Action):
    """Answers (service, aspect); asks which service when none is known yet."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Picks the aspect from the intent and the service from the message or the slot."""
        intent = tracker.latest_message.get("intent", {}).get("name")
        return answer(dispatcher, tracker, aspect_asked(tracker, intent))


def aspect_asked(tracker: Tracker, intent: str | None) -> str:
    """The aspect an intent asks for; naming a service keeps the aspect asked last."""
    return render.INTENT_ASPECTS.get(intent) or tracker.get_slot("aspect") or "overview"


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, aspect: str) -> list[EventType]:
    """Answers ``aspect`` of the service in the message or the slot, or asks which one."""
    catalog = load_catalog()
    service_id = latest_entity(tracker, "service") or tracker.get_slot("service")
    if service_id not in catalog.service_ids():
        text = tracker.latest_message.get("text") or ""
        hits = CatalogSearch(catalog).search(text, MAX_CHOICES, min_score=NAMED)
        buttons = [render.service_button(h.service, aspect) for h in hits]
        if not buttons:
            dispatcher.utter_message(response="utter_ask_which_service_list")
            return [SlotSet("aspect", aspect)]
        dispatcher.utter_message(
            response="utter_ask_which_service", buttons=render.rasa_buttons(buttons)
        )
        return [SlotSet("aspect", aspect)]
    reply = render.service_answer(catalog, catalog.service(service_id), aspect)
    dispatcher.utter_message(**reply.as_rasa())
    intent = render.ASPECT_INTENTS[aspect]
    get_store().record_answer(channel_of(tracker), tracker.sender_id, intent, service_id)
    return [
        SlotSet("service", service_id),
        SlotSet("aspect", aspect),
        *csat_question(dispatcher, tracker, intent, service_id),
    ]


class ActionListServices(Action):
    """Lists every service, grouped by audience."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_list_services"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Sends the grouped list with a button per service."""
        dispatcher.utter_message(**render.services_list(load_catalog()).as_rasa())
        return []

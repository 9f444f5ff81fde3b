"""What the bot does when it is not sure: ask with its two best guesses, then offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.case_status import stop_lookup
from bot.actions.catalog_answers import answer, aspect_asked, latest_entity
from dalil.catalog import load_catalog, render
from nlp.normalize import has_arabic_letter

GUESSES = 2
SERVICE_INTENTS = {*render.INTENT_ASPECTS, "inform"}
STOP_INTENTS = {"deny", "cancel"}  # either ends the case-status form


def previous_bot_action(tracker: Tracker) -> str | None:
    """The last action the bot ran before the user's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


class ActionClarify(Action):
    """Low confidence: offer the top two guesses as buttons; on a second miss, a person."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Asks, or after a failed clarification, offers to hand over to an agent."""
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = [g.get("name") for g in ranking if g.get("name") != "nlu_fallback"][:GUESSES]
        if tracker.active_loop_name and len(guesses) == GUESSES and set(guesses) <= STOP_INTENTS:
            # «لا ابي» mid-lookup: «no» or «cancel», both stop it; asking which wastes a turn.
            return stop_lookup(dispatcher)
        if previous_bot_action(tracker) == self.name():
            dispatcher.utter_message(response="utter_offer_human")
            return []
        if not has_arabic_letter(tracker.latest_message.get("text") or ""):
            # Emoji, symbols or another script: no guess would make sense, say what we do.
            dispatcher.utter_message(response="utter_default")
            return []
        catalog = load_catalog()
        service_id = latest_entity(tracker, "service") or tracker.get_slot("service")
        service = catalog.service(service_id) if service_id in catalog.service_ids() else None
        same = {aspect_asked(tracker, g) for g in guesses if g in SERVICE_INTENTS}
        agreeing = len(guesses) == GUESSES and set(guesses) <= SERVICE_INTENTS and len(same) == 1
        if service and agreeing:
            # «ابي اعرف عن نقل الكفالة»: naming a service or asking its overview, both guesses
            # give the same answer — asking which one was meant would only waste a turn.
            return answer(dispatcher, tracker, same.pop())
        buttons = []
        for guess in ranking:
            button = render.intent_button(catalog, guess.get("name", ""), service)
            if button and len(buttons) < GUESSES:
                buttons.append(button)
        if not buttons:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response="utter_clarify", buttons=render.rasa_buttons(buttons))
        return []

"""Case status: the form that collects a request number and ID, and the lookup itself.

Privacy first: the ID is validated, used once and cleared; a wrong pair and an unknown
number read the same; repeated failures pause lookups for the conversation and for the ID.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.channel import channel_of
from bot.actions.satisfaction import csat_question
from dalil.cases.client import CaseClient, CaseServiceUnavailable
from dalil.catalog import load_catalog, render
from dalil.identifiers import InvalidIdentifier, parse_national_id, parse_request_number
from dalil.settings import get_settings
from dalil.store import get_store

logger = logging.getLogger(__name__)

MAX_INVALID = 3
CASE_SLOTS = ("request_number", "national_id", "case_invalid_tries")
# Intents that stop or leave the lookup rather than answer its question.
INTERRUPTIONS = {"cancel", "deny", "request_human"}
PARSERS = {"request_number": parse_request_number, "national_id": parse_national_id}


def cleared() -> list[EventType]:
    """Forget the request number, the ID and the tries: nothing stays in the tracker."""
    return [SlotSet(slot, None) for slot in CASE_SLOTS]


class ValidateCaseStatusForm(FormValidationAction):
    """Checks each value as it comes; three invalid values end the form."""

    def name(self) -> str:
        """The validation action of `case_status_form`."""
        return "validate_case_status_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """No more questions once the client has given three invalid values."""
        if (tracker.get_slot("case_invalid_tries") or 0) >= MAX_INVALID:
            return []
        return domain_slots

    @staticmethod
    def _extract(slot: str, entity: str, tracker: Tracker) -> dict[str, Any]:
        """A number the client gave for ``slot``: tagged in any message, or the whole answer.

        When the bot has just asked for this number, the reply is taken whatever the
        extractor thought it was (a mistyped ID looks like a request number), so the
        validation can say what is wrong with it.
        """
        if tracker.get_intent_of_latest_message() in INTERRUPTIONS:
            return {}  # nothing taken: the form steps aside and the rules answer
        requested = tracker.get_slot("requested_slot")
        if requested == slot:
            value = next(tracker.get_latest_entity_values(entity), None)
            return {slot: value or tracker.latest_message.get("text") or ""}
        if requested is None and tracker.get_slot(slot) is None:
            value = next(tracker.get_latest_entity_values(entity), None)
            return {slot: value} if value else {}
        return {}

    async def extract_request_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The request number, from the first message or the answer to its question."""
        return self._extract("request_number", "case_number", tracker)

    async def extract_national_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The ID, from the first message or the answer to its question."""
        return self._extract("national_id", "national_id", tracker)

    def _validate(self, slot: str, value: Any, dispatcher, tracker: Tracker) -> dict[str, Any]:
        try:
            return {slot: PARSERS[slot](str(value or ""))}
        except InvalidIdentifier as error:
            reason = "not_digits" if error.reason == "empty" else error.reason
            dispatcher.utter_message(response=f"utter_invalid_{slot}_{reason}")
            tries = (tracker.get_slot("case_invalid_tries") or 0) + 1
            return {slot: None, "case_invalid_tries": tries}

    async def validate_request_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """6 to 12 digits, in any digit script, spaces and dashes allowed."""
        return self._validate("request_number", value, dispatcher, tracker)

    async def validate_national_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """10 digits, starting 1 (citizen) or 2 (resident), Luhn check digit valid."""
        return self._validate("national_id", value, dispatcher, tracker)


class ActionCaseStatus(Action):
    """Looks the case up once the form is complete, then forgets the numbers."""

    def name(self) -> str:
        """Submitted by `case_status_form`."""
        return "action_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Replies with the status, or with why there is none; clears the slots either way."""
        number, national_id = tracker.get_slot("request_number"), tracker.get_slot("national_id")
        if not (number and national_id):
            dispatcher.utter_message(response="utter_case_too_many_invalid")
            return cleared()
        settings, store = get_settings(), get_store()
        now = dt.datetime.now(dt.timezone.utc)
        per_conversation = store.failed_lookups(
            since=now - dt.timedelta(minutes=settings.conversation_window_minutes),
            actor=tracker.sender_id,
        )
        per_id = store.failed_lookups(
            since=now - dt.timedelta(minutes=settings.lookup_window_minutes),
            national_id=national_id,
        )
        if (
            per_conversation >= settings.lookup_failures_per_conversation
            or per_id >= settings.lookup_failures_per_id
        ):
            dispatcher.utter_message(response="utter_case_locked")
            return cleared()
        client = CaseClient(settings.case_service_url, settings.case_service_timeout)
        try:
            case = await client.lookup(number, national_id)
        except CaseServiceUnavailable:
            dispatcher.utter_message(response="utter_case_service_unavailable")
            return cleared()
        channel = channel_of(tracker)
        outcome = "found" if case else "not_found"
        store.audit_lookup(tracker.sender_id, channel, number, national_id, outcome)
        if case is None:
            dispatcher.utter_message(response="utter_case_not_found")
            return cleared()
        reply = render.case_status(load_catalog(), case)
        dispatcher.utter_message(**reply.as_rasa())
        store.record_answer(channel, tracker.sender_id, "check_case_status", case.service)
        return cleared() + csat_question(dispatcher, tracker, "check_case_status", case.service)


class ActionCaseLookupCancelled(Action):
    """The client stopped the lookup: confirm, and forget what was typed."""

    def name(self) -> str:
        """Run by the cancel rule while the form is active."""
        return "action_case_lookup_cancelled"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Confirms the cancellation."""
        return stop_lookup(dispatcher)


def stop_lookup(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Ends the lookup form, says so, and forgets what was typed."""
    dispatcher.utter_message(response="utter_case_lookup_cancelled")
    return [ActiveLoop(None), SlotSet("requested_slot", None), *cleared()]

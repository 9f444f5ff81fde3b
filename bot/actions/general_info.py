"""Actions that answer general questions from the catalog: hours, offices, contact, charter."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.catalog_answers import latest_entity
from dalil.catalog import Catalog, load_catalog, render


class CatalogReplyAction(Action, ABC):
    """An action whose whole job is to send one reply rendered from the catalog."""

    action_name = ""

    def name(self) -> str:
        """The action's name in the domain."""
        return self.action_name

    @abstractmethod
    def reply(self, catalog: Catalog, tracker: Tracker) -> render.Reply:
        """The reply to send; subclasses pick the renderer."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Sends :meth:`reply`."""
        dispatcher.utter_message(**self.reply(load_catalog(), tracker).as_rasa())
        return []


class ActionOfficeHours(CatalogReplyAction):
    """Office and call-center hours."""

    action_name = "action_office_hours"

    def reply(self, catalog: Catalog, tracker: Tracker) -> render.Reply:
        """Hours from the catalog."""
        return render.office_hours(catalog)


class ActionOfficeLocation(CatalogReplyAction):
    """The office in the city the user named (or the last one named), else all offices."""

    action_name = "action_office_location"

    def reply(self, catalog: Catalog, tracker: Tracker) -> render.Reply:
        """One office, or the list."""
        city = latest_entity(tracker, "city") or tracker.get_slot("city")
        return render.office_location(catalog, city)


class ActionContact(CatalogReplyAction):
    """The agency's contact channels."""

    action_name = "action_contact"

    def reply(self, catalog: Catalog, tracker: Tracker) -> render.Reply:
        """Contact text from the catalog."""
        return render.contact(catalog)


class ActionCustomerCharter(CatalogReplyAction):
    """The customer charter."""

    action_name = "action_customer_charter"

    def reply(self, catalog: Catalog, tracker: Tracker) -> render.Reply:
        """Charter sections from the catalog."""
        return render.customer_charter(catalog)

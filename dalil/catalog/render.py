"""The one place a catalog answer becomes a message: text, buttons and link.

Replies never contain a blank line: Rasa's output channels split a text at "\n\n" into
separate messages, and an answer must reach every channel as one message.

Actions, the agents' console and every channel take their replies from here, so a client
on the web, one on Telegram and an agent reading the console see the same words. Channels
only format a :class:`Reply`; they never compose one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dalil.catalog.model import ASPECTS, Catalog, Office, Service

if TYPE_CHECKING:
    from dalil.cases.app import CaseStatus

ASPECT_INTENTS = {
    "overview": "ask_service_overview",
    "requirements": "ask_requirements",
    "steps": "ask_steps",
    "fees": "ask_fees",
    "duration": "ask_duration",
    "channels": "ask_channels",
}
INTENT_ASPECTS = {intent: aspect for aspect, intent in ASPECT_INTENTS.items()}


@dataclass(frozen=True)
class Button:
    """A quick reply: what the user sees and the message it sends back."""

    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """A bot message as every channel receives it."""

    text: str
    buttons: list[Button] = field(default_factory=list)

    def as_rasa(self) -> dict[str, Any]:
        """Keyword arguments for ``dispatcher.utter_message``."""
        message: dict[str, Any] = {"text": self.text}
        if self.buttons:
            message["buttons"] = rasa_buttons(self.buttons)
        return message


def rasa_buttons(buttons: list[Button]) -> list[dict[str, str]]:
    """Buttons in the form Rasa's dispatcher and channels expect."""
    return [{"title": b.title, "payload": b.payload} for b in buttons]


def payload(intent: str, **entities: str) -> str:
    """A Rasa payload that triggers ``intent`` with ``entities``, e.g. a button's."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def aspect_button(catalog: Catalog, service: Service, aspect: str) -> Button:
    """A button that asks ``aspect`` of ``service``."""
    title = catalog.messages.aspect_labels[aspect]
    return Button(title, payload(ASPECT_INTENTS[aspect], service=service.id))


def service_button(service: Service, aspect: str = "overview") -> Button:
    """A button that picks ``service`` (and asks ``aspect`` of it)."""
    return Button(service.name_ar, payload(ASPECT_INTENTS[aspect], service=service.id))


def intent_button(catalog: Catalog, intent: str, service: Service | None) -> Button | None:
    """A button that re-asks ``intent`` in words, or None for intents not worth offering."""
    aspect = INTENT_ASPECTS.get(intent)
    if aspect and service:
        title = f"{catalog.messages.aspect_labels[aspect]}: {service.name_ar}"
        return Button(title, payload(intent, service=service.id))
    label = catalog.messages.intent_labels.get(intent)
    return Button(label, payload(intent)) if label else None


def rating_buttons() -> list[Button]:
    """The 1-5 satisfaction scale, best first, each sending `rate` with its score."""
    return [Button(str(score), payload("rate", rating=str(score))) for score in range(5, 0, -1)]


def service_answer(catalog: Catalog, service: Service, aspect: str) -> Reply:
    """The approved answer to one aspect of one service, with its provenance.

    The overview also offers the other aspects as buttons, so the next question is a tap.
    """
    messages = catalog.messages
    heading = messages.answer_heading.format(
        aspect=messages.aspect_labels[aspect], service=service.name_ar
    )
    provenance = messages.provenance.format(
        url=service.e_service_url, reviewed=service.reviewed.isoformat()
    )
    text = f"{heading}\n{getattr(service.answers, aspect).strip()}\n{provenance}"
    buttons = []
    if aspect == "overview":
        buttons = [aspect_button(catalog, service, a) for a in ASPECTS if a != "overview"]
    return Reply(text, buttons)


def services_list(catalog: Catalog) -> Reply:
    """Every service, grouped by audience, each a button."""
    messages = catalog.messages
    lines, buttons = [messages.services_list], []
    for audience, label in messages.audience_labels.items():
        group = [s for s in catalog.services if s.audience == audience]
        if group:
            lines.append(f"{label}:")
            lines += [f"- {s.name_ar}" for s in group]
            buttons += [service_button(s) for s in group]
    return Reply("\n".join(lines), buttons)


def office_hours(catalog: Catalog) -> Reply:
    """Office and call-center hours."""
    hours = catalog.general
    return Reply(f"{hours.office_hours.text.strip()}\n{hours.agent_hours.text.strip()}")


def _office(catalog: Catalog, office: Office) -> str:
    return catalog.messages.office_line.format(
        office_name=office.office_name, address=office.address, map_url=office.map_url
    )


def office_location(catalog: Catalog, city: str | None) -> Reply:
    """The office in ``city``; without a known city, every office."""
    offices = catalog.general.offices
    chosen = [o for o in offices if o.city == city]
    if chosen:
        return Reply(_office(catalog, chosen[0]))
    text = catalog.messages.offices_heading + "\n" + "\n".join(
        _office(catalog, o) for o in offices
    )
    return Reply(text)


def contact(catalog: Catalog) -> Reply:
    """How to reach the agency."""
    return Reply(catalog.general.contact.text)


def customer_charter(catalog: Catalog) -> Reply:
    """The customer charter: rights, obligations, service levels."""
    charter, headings = catalog.general.charter, catalog.messages.charter_headings
    sections = [
        (headings["rights"], charter.rights),
        (headings["obligations"], charter.obligations),
        (headings["service_levels"], charter.service_levels),
    ]
    text = "\n".join(
        f"{title}:\n" + "\n".join(f"- {line}" for line in lines) for title, lines in sections
    )
    return Reply(text)


def case_status(catalog: Catalog, case: CaseStatus) -> Reply:
    """Where a request stands: status, last update, next step, expected date, documents."""
    messages = catalog.messages
    ids = catalog.service_ids()
    service = catalog.service(case.service).name_ar if case.service in ids else case.service
    lines = [
        messages.case_status.format(
            request_number=case.request_number,
            service=service,
            status=messages.case_status_labels[case.status],
            updated_on=case.updated_on.isoformat(),
            next_step=case.next_step,
        )
    ]
    if case.expected_completion:
        date = case.expected_completion.isoformat()
        lines.append(messages.case_expected_completion.format(date=date))
    if case.missing_documents:
        lines.append(messages.case_missing_documents)
        lines += [f"- {document}" for document in case.missing_documents]
    return Reply("\n".join(lines))

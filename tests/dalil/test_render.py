"""The one renderer: every channel's message for a catalog answer comes from here."""

from __future__ import annotations

import json

from dalil.catalog import load_catalog, render
from dalil.catalog.model import ASPECTS


def test_a_service_answer_carries_the_approved_text_and_its_provenance() -> None:
    catalog = load_catalog()
    service = catalog.service("worker_transfer")
    reply = render.service_answer(catalog, service, "fees")
    assert service.answers.fees.strip() in reply.text
    assert service.name_ar in reply.text.splitlines()[0]
    assert reply.text.rstrip().endswith(service.reviewed.isoformat())
    assert "\n\n" not in reply.text  # Rasa would split the answer into two messages
    assert str(service.e_service_url) in reply.text
    assert reply.buttons == []


def test_the_overview_offers_every_other_aspect_as_a_button() -> None:
    catalog = load_catalog()
    service = catalog.service("labor_complaint")
    reply = render.service_answer(catalog, service, "overview")
    assert len(reply.buttons) == len(ASPECTS) - 1
    for button in reply.buttons:
        intent, entities = button.payload[1:].split("{", 1)
        assert intent in render.INTENT_ASPECTS and intent != "ask_service_overview"
        assert json.loads("{" + entities) == {"service": "labor_complaint"}


def test_the_service_list_is_grouped_by_audience_with_a_button_each() -> None:
    catalog = load_catalog()
    reply = render.services_list(catalog)
    assert len(reply.buttons) == len(catalog.services)
    for label in catalog.messages.audience_labels.values():
        assert label in reply.text
    sections: dict[str, str] = {}
    heading = ""
    for line in reply.text.splitlines():
        if line.rstrip(":") in catalog.messages.audience_labels.values():
            heading = line.rstrip(":")
        elif heading:
            sections[heading] = sections.get(heading, "") + line + "\n"
    for service in catalog.services:
        label = catalog.messages.audience_labels[service.audience]
        assert service.name_ar in sections[label], service.id


def test_office_location_gives_the_city_office_or_every_office() -> None:
    catalog = load_catalog()
    jeddah = catalog.office("jeddah")
    one = render.office_location(catalog, "jeddah")
    assert jeddah.address in one.text and str(jeddah.map_url) in one.text
    every = render.office_location(catalog, None)
    assert all(office.address in every.text for office in catalog.general.offices)


def test_general_answers_come_from_the_catalog() -> None:
    catalog = load_catalog()
    assert catalog.general.contact.call_center in render.contact(catalog).text
    charter = render.customer_charter(catalog).text
    assert all(right in charter for right in catalog.general.charter.rights)
    hours = render.office_hours(catalog).text
    assert catalog.general.office_hours.text.strip() in hours


def test_rasa_form_of_a_reply_keeps_buttons() -> None:
    catalog = load_catalog()
    message = render.services_list(catalog).as_rasa()
    assert message["text"] and len(message["buttons"]) == len(catalog.services)
    assert all(set(b) == {"title", "payload"} for b in message["buttons"])

"""The custom actions on their own: which answer they pick for a given conversation state."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.catalog_answers import ActionAnswerService, ActionListServices
from bot.actions.clarify import ActionClarify
from dalil.catalog import load_catalog, render


def tracker(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A conversation whose latest user message is ``text``, parsed as given."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": ranking or [],
    }
    loop = {"name": active_loop} if active_loop else {}
    return Tracker("user", slots or {}, message, events or [], False, None, loop, "action_listen")


def run(action, state: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, state, {})
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_answers_the_service_and_aspect_of_the_message() -> None:
    entity = {"entity": "service", "value": "visa_refund"}
    messages, events = run(ActionAnswerService(), tracker("بكم", "ask_fees", [entity]))
    catalog = load_catalog()
    expected = render.service_answer(catalog, catalog.service("visa_refund"), "fees")
    assert messages[0]["text"] == expected.text
    assert messages[1]["response"] == "utter_ask_csat"  # first answer of the session
    assert slot_events(events) == {
        "service": "visa_refund",
        "aspect": "fees",
        "csat_asked": True,
        "csat_topic": "ask_fees|visa_refund",
    }


def test_the_rating_question_is_asked_once_per_session() -> None:
    entity = {"entity": "service", "value": "visa_refund"}
    state = tracker("بكم", "ask_fees", [entity], slots={"csat_asked": True})
    messages, events = run(ActionAnswerService(), state)
    assert len(messages) == 1
    assert "csat_asked" not in slot_events(events)


def test_a_follow_up_uses_the_service_slot() -> None:
    state = tracker("والمدة", "ask_duration", slots={"service": "wage_protection"})
    messages, events = run(ActionAnswerService(), state)
    catalog = load_catalog()
    expected = render.service_answer(catalog, catalog.service("wage_protection"), "duration")
    assert messages[0]["text"] == expected.text


def test_naming_a_service_keeps_the_aspect_last_asked() -> None:
    entity = {"entity": "service", "value": "profession_change"}
    state = tracker("وتعديل المهنة", "inform", [entity], slots={"aspect": "steps"})
    messages, _ = run(ActionAnswerService(), state)
    catalog = load_catalog()
    expected = render.service_answer(catalog, catalog.service("profession_change"), "steps")
    assert messages[0]["text"] == expected.text


def test_an_unknown_service_id_is_never_answered() -> None:
    entity = {"entity": "service", "value": "no_such_service"}
    messages, events = run(ActionAnswerService(), tracker("كم رسوم", "ask_fees", [entity]))
    assert messages[0]["response"] == "utter_ask_which_service_list"
    assert "service" not in slot_events(events)


def test_without_a_service_offers_at_most_three_named_matches() -> None:
    messages, events = run(ActionAnswerService(), tracker("كم رسوم تأشيرة", "ask_fees"))
    (message,) = messages
    assert message["response"] == "utter_ask_which_service"
    assert 1 <= len(message["buttons"]) <= 3
    assert all("ask_fees" in b["payload"] for b in message["buttons"])
    assert slot_events(events) == {"aspect": "fees"}


def test_list_services_sends_every_service_as_a_button() -> None:
    messages, _ = run(ActionListServices(), tracker("الخدمات", "list_services"))
    assert len(messages[0]["buttons"]) == len(load_catalog().services)


def test_clarify_offers_the_top_two_guesses_in_words() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_fees", "confidence": 0.35},
        {"name": "ask_duration", "confidence": 0.3},
        {"name": "list_services", "confidence": 0.2},
    ]
    state = tracker("كم وكم", "nlu_fallback", slots={"service": "worker_transfer"}, ranking=ranking)
    messages, _ = run(ActionClarify(), state)
    (message,) = messages
    assert message["response"] == "utter_clarify"
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == [
        render.payload("ask_fees", service="worker_transfer"),
        render.payload("ask_duration", service="worker_transfer"),
    ]


def test_clarify_a_second_time_in_a_row_offers_a_person() -> None:
    events = [
        {"event": "user", "text": "؟"},
        {"event": "action", "name": "action_clarify"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "؟؟"},
    ]
    messages, _ = run(ActionClarify(), tracker("؟؟ مم", "nlu_fallback", events=events))
    assert messages[0]["response"] == "utter_offer_human"


def test_clarify_answers_when_both_guesses_give_the_same_answer() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "inform", "confidence": 0.38},
        {"name": "ask_service_overview", "confidence": 0.35},
    ]
    entity = {"entity": "service", "value": "worker_transfer"}
    state = tracker("ابي اعرف عن نقل الكفالة", "nlu_fallback", [entity], ranking=ranking)
    messages, _ = run(ActionClarify(), state)
    catalog = load_catalog()
    expected = render.service_answer(catalog, catalog.service("worker_transfer"), "overview")
    assert messages[0]["text"] == expected.text


def test_clarify_stops_the_lookup_when_both_guesses_mean_stop() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "deny", "confidence": 0.43},
        {"name": "cancel", "confidence": 0.34},
    ]
    slots = {"request_number": "48213377", "requested_slot": "national_id"}
    state = tracker("لا ابي", "nlu_fallback", slots=slots, ranking=ranking,
                    active_loop="case_status_form")  # fmt: skip
    messages, events = run(ActionClarify(), state)
    assert [m["response"] for m in messages] == ["utter_case_lookup_cancelled"]
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert slot_events(events)["request_number"] is None

"""Service questions end to end: the trained model, the real action server, the catalog."""

from __future__ import annotations

import json

import pytest

from dalil.catalog import load_catalog, render
from tests.conftest import bot_replies, bot_texts


def first(agent, text: str, sender: str) -> str:
    """The bot's first message (a rating question may follow the first answer)."""
    return bot_texts(agent, text, sender)[0]


def answer(service_id: str, aspect: str) -> str:
    catalog = load_catalog()
    return render.service_answer(catalog, catalog.service(service_id), aspect).text


@pytest.mark.parametrize(
    ("question", "service", "aspect"),
    [
        ("كم رسوم نقل الكفالة؟", "worker_transfer", "fees"),
        ("وش الاوراق المطلوبة لتجديد رخصة العمل", "work_permit_renewal", "requirements"),
        ("كيف اسوي بلاغ هروب على عامل", "absence_report", "steps"),
        ("كم ياخذ اصدار شهادة السعوده", "saudization_certificate", "duration"),
        ("ما هي متطلبات توثيق عقد العمل؟", "contract_authentication", "requirements"),
        ("هل اقدر اقدم شكوى عماليه من الجوال", "labor_complaint", "channels"),
    ],
)
def test_a_service_question_gets_the_catalog_answer(agent, question, service, aspect) -> None:
    assert first(agent, question, f"q-{question}") == answer(service, aspect)


def test_follow_ups_answer_for_the_service_under_discussion(agent) -> None:
    sender = "follow-up"
    assert first(agent, "ابي اعرف عن نقل الكفالة", sender) == answer("worker_transfer", "overview")
    assert bot_texts(agent, "وكم رسومها؟", sender) == [answer("worker_transfer", "fees")]
    assert bot_texts(agent, "طيب وش الاوراق المطلوبة", sender) == [
        answer("worker_transfer", "requirements")
    ]
    # Naming another service switches to it, and the next follow-up stays with it.
    assert bot_texts(agent, "وبلاغ الهروب كم رسومه", sender) == [answer("absence_report", "fees")]
    assert bot_texts(agent, "كم ياخذ وقت", sender) == [answer("absence_report", "duration")]


def test_a_service_without_an_aspect_gets_the_overview_and_aspect_buttons(agent) -> None:
    reply = bot_replies(agent, "بخصوص مكافأة نهاية الخدمة", "overview-buttons")[0]
    assert reply["text"] == answer("end_of_service_benefit", "overview")
    assert len(reply["buttons"]) == 5
    (fees,) = bot_replies(agent, reply["buttons"][2]["payload"], "overview-buttons")
    intent = reply["buttons"][2]["payload"][1:].split("{")[0]
    assert fees["text"] == answer("end_of_service_benefit", render.INTENT_ASPECTS[intent])


def test_no_service_known_asks_which_one_with_the_best_matches(agent) -> None:
    (reply,) = bot_replies(agent, "كم رسوم البلاغ", "which-service")
    payloads = [json.loads("{" + b["payload"].split("{", 1)[1]) for b in reply["buttons"]]
    assert 1 <= len(payloads) <= 3
    reports = {"absence_report", "absence_report_cancel", "violation_report"}
    assert {p["service"] for p in payloads} <= reports
    chosen = bot_replies(agent, reply["buttons"][0]["payload"], "which-service")[0]
    assert chosen["text"] == answer(payloads[0]["service"], "fees")


def test_a_bare_follow_up_with_nothing_to_follow_asks_for_the_service(agent) -> None:
    (reply,) = bot_replies(agent, "كم الرسوم", "bare-follow-up")
    assert "خدمة" in reply["text"]
    assert not reply.get("buttons")


def test_the_service_list_is_grouped_with_a_button_per_service(agent) -> None:
    (reply,) = bot_replies(agent, "وش الخدمات اللي عندكم", "list")
    assert reply["text"] == render.services_list(load_catalog()).text
    assert len(reply["buttons"]) == len(load_catalog().services)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("وين مكتب العمل في جدة", lambda c: render.office_location(c, "jeddah").text),
        ("متى يفتح مكتب العمل", lambda c: render.office_hours(c).text),
        ("وش رقم خدمة العملاء", lambda c: render.contact(c).text),
        ("ما هي حقوقي كعميل", lambda c: render.customer_charter(c).text),
    ],
)
def test_general_questions_get_the_catalog_answer(agent, question, expected) -> None:
    assert bot_texts(agent, question, f"general-{question}") == [expected(load_catalog())]


def test_the_same_question_always_gets_the_same_words(agent) -> None:
    one = first(agent, "بكم تجديد رخصة العمل", "same-1")
    other = first(agent, "بكم تجديد رخصة العمل", "same-2")
    assert one == other == answer("work_permit_renewal", "fees")

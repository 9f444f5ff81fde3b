"""Case status, handoff and satisfaction, end to end: trained model, real action server,
real reference case service on loopback, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from dalil.cases.seed import sample_cases
from dalil.catalog import load_catalog, render
from dalil.processes import action_server, free_port
from dalil.store import Store
from tests.conftest import (
    BACKENDS,
    Deployment,
    bot_replies,
    bot_texts,
    deployment,
    load_agent,
    response_text,
)

CASES = list(sample_cases())
NEEDS_DOCUMENTS = next(c for c in CASES if c.status == "needs_documents")
APPROVED = next(c for c in CASES if c.status == "approved")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture(scope="module", params=BACKENDS)
def stack(request, trained_model: Path, tmp_path_factory) -> Iterator[tuple]:
    with deployment(request.param, tmp_path_factory.mktemp(request.param)) as back_end:
        yield load_agent(trained_model, back_end.action_url), back_end


def store_of(back_end: Deployment) -> Store:
    return Store(back_end.store_url, "unused-for-reading")


def expected_status(case) -> str:
    from dalil.cases.app import CaseStatus

    status = CaseStatus(**{k: getattr(case, k) for k in CaseStatus.__fields__})
    return render.case_status(load_catalog(), status).text


def test_a_lookup_with_arabic_indic_digits(stack) -> None:
    agent, _ = stack
    sender = "case-arabic-digits"
    assert bot_texts(agent, "ابي اتابع طلبي", sender) == [response_text("utter_ask_request_number")]
    number = NEEDS_DOCUMENTS.request_number.translate(ARABIC_DIGITS)
    assert bot_texts(agent, number, sender) == [response_text("utter_ask_national_id")]
    national_id = NEEDS_DOCUMENTS.national_id.translate(ARABIC_DIGITS)
    spaced = f"{national_id[:4]} {national_id[4:7]} {national_id[7:]}"
    replies = bot_texts(agent, spaced, sender)
    assert replies[0] == expected_status(NEEDS_DOCUMENTS)
    assert all(document in replies[0] for document in NEEDS_DOCUMENTS.missing_documents)
    assert NEEDS_DOCUMENTS.national_id not in " ".join(replies)
    tracker = asyncio.run(agent.tracker_store.retrieve(sender))
    assert tracker.get_slot("national_id") is None and tracker.get_slot("request_number") is None
    # Nothing stored keeps the full ID: not the slot, not the message the client typed.
    stored = json.dumps([e.as_dict() for e in tracker.events], ensure_ascii=False)
    for digits in (NEEDS_DOCUMENTS.national_id, national_id):
        assert digits not in stored
    assert "••••••" + NEEDS_DOCUMENTS.national_id[-4:] in stored


def test_numbers_given_in_the_first_message_skip_the_questions(stack) -> None:
    agent, _ = stack
    text = f"وش صار على طلبي رقم {APPROVED.request_number} وهويتي {APPROVED.national_id}"
    replies = bot_texts(agent, text, "case-one-message")
    assert replies[0] == expected_status(APPROVED)


def test_an_invalid_id_is_explained_then_a_valid_one_accepted(stack) -> None:
    agent, _ = stack
    sender = "case-invalid-then-valid"
    bot_texts(agent, "حالة الطلب", sender)
    bot_texts(agent, APPROVED.request_number, sender)
    bad_check_digit = APPROVED.national_id[:-1] + str((int(APPROVED.national_id[-1]) + 1) % 10)
    assert bot_texts(agent, bad_check_digit, sender) == [
        response_text("utter_invalid_national_id_checksum"),
        response_text("utter_ask_national_id"),
    ]
    assert bot_texts(agent, "3" + APPROVED.national_id[1:], sender)[0] == response_text(
        "utter_invalid_national_id_prefix"
    )
    assert bot_texts(agent, APPROVED.national_id, sender)[0] == expected_status(APPROVED)


def test_three_invalid_values_stop_the_form_and_offer_a_person(stack) -> None:
    agent, _ = stack
    sender = "case-three-invalid"
    bot_texts(agent, "متابعة طلب", sender)
    bot_texts(agent, "12", sender)
    bot_texts(agent, "abc", sender)
    replies = bot_replies(agent, "١٢٣", sender)
    assert replies[-1]["text"] == response_text("utter_case_too_many_invalid")
    assert replies[-1]["buttons"][0]["payload"] == "/request_human"


def lookup(agent, sender: str, number: str, national_id: str) -> list[str]:
    """One whole lookup: ask, give the number, give the ID; the bot's last replies."""
    bot_texts(agent, "متابعة طلب", sender)
    bot_texts(agent, number, sender)
    return bot_texts(agent, national_id, sender)


def test_a_mismatch_reads_like_an_unknown_number(stack) -> None:
    agent, _ = stack
    owner, other = CASES[20], CASES[21]
    assert lookup(agent, "mismatch", owner.request_number, other.national_id) == [
        response_text("utter_case_not_found")
    ]
    assert lookup(agent, "unknown", "55555555", other.national_id) == [
        response_text("utter_case_not_found")
    ]


def test_five_failures_in_a_conversation_pause_lookups(stack) -> None:
    agent, _ = stack
    case = CASES[30]
    for attempt in range(5):
        wrong_id = CASES[31 + attempt].national_id
        assert lookup(agent, "lockout", case.request_number, wrong_id) == [
            response_text("utter_case_not_found")
        ]
    # Even the right pair is refused now: the pause tells a guesser nothing.
    assert lookup(agent, "lockout", case.request_number, case.national_id) == [
        response_text("utter_case_locked")
    ]


def test_five_failures_for_one_id_pause_it_across_conversations(stack) -> None:
    agent, _ = stack
    case = CASES[40]
    for attempt in range(5):
        assert lookup(agent, f"prober-{attempt}", f"7777000{attempt}", case.national_id) == [
            response_text("utter_case_not_found")
        ]
    assert lookup(agent, "owner", case.request_number, case.national_id) == [
        response_text("utter_case_locked")
    ]


@pytest.mark.parametrize("stop", ["الغ", "خلاص", "لا ابي"])
def test_the_client_can_cancel_mid_form(stack, stop: str) -> None:
    agent, _ = stack
    sender = f"case-cancel-{stop}"
    bot_texts(agent, "ابي اعرف حالة معاملتي", sender)
    bot_texts(agent, APPROVED.request_number, sender)
    assert bot_texts(agent, stop, sender) == [response_text("utter_case_lookup_cancelled")]
    tracker = asyncio.run(agent.tracker_store.retrieve(sender))
    assert tracker.active_loop_name is None
    assert tracker.get_slot("request_number") is None
    # The conversation goes on normally.
    assert bot_texts(agent, "شكرا", sender) == [response_text("utter_you_are_welcome")]


def test_a_handoff_stores_the_transcript_with_ids_masked(stack) -> None:
    agent, back_end = stack
    sender = "handoff-transcript"
    bot_texts(agent, "كم رسوم نقل الكفالة", sender)
    bot_texts(agent, f"هويتي {APPROVED.national_id}", sender)
    (reply,) = bot_texts(agent, "ابي اكلم موظف", sender)
    (ticket,) = [t for t in store_of(back_end).tickets() if t.sender_id == sender]
    assert ticket.number in reply and load_catalog().general.contact.call_center in reply
    assert ticket.service == "worker_transfer"
    texts = [turn["text"] for turn in ticket.transcript]
    assert "كم رسوم نقل الكفالة" in texts
    assert APPROVED.national_id not in str(ticket.transcript)
    assert f"هويتي ••••••{APPROVED.national_id[-4:]}" in texts


def test_a_rating_and_a_comment_are_stored_and_reported(stack) -> None:
    agent, back_end = stack
    sender = "rating"
    replies = bot_replies(agent, "كم ياخذ توثيق عقد العمل", sender)
    assert replies[-1]["text"] == response_text("utter_ask_csat")
    five = next(b for b in replies[-1]["buttons"] if b["title"] == "5")
    assert bot_texts(agent, five["payload"], sender) == [response_text("utter_thanks_for_rating")]
    report = store_of(back_end).csat_report()
    assert report.by_service["contract_authentication"][1] >= 1
    assert bot_texts(agent, "الرد ما كان واضح", sender) == [
        response_text("utter_thanks_for_comment")
    ]
    with store_of(back_end).engine.connect() as connection:
        comments = connection.execute(
            text("SELECT comment FROM ratings WHERE sender_id = :s"), {"s": sender}
        ).scalars().all()
    assert comments == ["الرد ما كان واضح"]
    # Asked once per session: the next answer comes without the question.
    assert len(bot_texts(agent, "وكم رسومه", sender)) == 1


def test_the_csat_report_command_prints_channels_and_services(stack) -> None:
    _, back_end = stack
    env = {**os.environ, "DALIL_STORE_URL": back_end.store_url}
    output = subprocess.run(
        [sys.executable, "-m", "dalil.cli", "report", "csat"],
        capture_output=True, text=True, env=env, check=True,
    ).stdout
    assert "CSAT by channel" in output and "CSAT by service" in output
    assert "handed off to agents" in output


def test_ignoring_the_rating_question_never_blocks(stack) -> None:
    agent, _ = stack
    sender = "rating-ignored"
    bot_texts(agent, "وش شروط نقل الكفالة", sender)
    assert bot_texts(agent, "وين مكتب العمل في الرياض", sender) == [
        render.office_location(load_catalog(), "riyadh").text
    ]


def test_the_case_service_down_gets_a_polite_answer(trained_model: Path, tmp_path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = {"DALIL_CASE_SERVICE_URL": closed, "DALIL_STORE_URL": f"sqlite:///{tmp_path}/s.db"}
    with action_server(env) as url:
        agent = load_agent(trained_model, url)
        sender = "case-down"
        bot_texts(agent, "متابعة طلب", sender)
        bot_texts(agent, APPROVED.request_number, sender)
        (reply,) = bot_replies(agent, APPROVED.national_id, sender)
        assert reply["text"] == response_text("utter_case_service_unavailable")
        assert bot_texts(agent, "شكرا", sender) == [response_text("utter_you_are_welcome")]

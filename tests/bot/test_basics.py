"""The first conversation: greetings however they are typed, and a polite fallback."""

import pytest
import yaml

from dalil import project
from tests.conftest import bot_replies, bot_texts


def response(name: str) -> str:
    domain = yaml.safe_load(project.DOMAIN.read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


@pytest.mark.parametrize(
    "greeting",
    [
        "السَّلَامُ عَلَيْكُمْ",  # full tashkeel
        "مـــرحـــبا",  # tatweel
        "مرحبااااا",  # letters repeated for emphasis
        "أهلاً وسهلاً",
        "هلا والله",
        "صباح الخير",
    ],
)
def test_greetings_get_the_greeting_however_they_are_typed(agent, greeting: str) -> None:
    assert bot_texts(agent, greeting, f"greet-{greeting}") == [response("utter_greet")]


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("شكراً جزيلاً", "utter_you_are_welcome"),
        ("مع السلامة", "utter_goodbye"),
        ("هل أنت إنسان؟", "utter_iamabot"),
        # English is understood too (the answers stay in Arabic).
        ("thanks a lot", "utter_you_are_welcome"),
        ("are u a robot", "utter_iamabot"),
    ],
)
def test_small_talk_gets_its_answer(agent, text: str, reply: str) -> None:
    assert bot_texts(agent, text, f"small-{text}") == [response(reply)]


@pytest.mark.parametrize(
    "text", ["asdkjqwe zxmnb", "😀😀😀", "ـــ", "؟؟؟", "Привет, как дела", "你好"]
)
def test_unreadable_input_gets_a_polite_arabic_fallback(agent, text: str) -> None:
    replies = bot_texts(agent, text, f"fallback-{text}")
    assert replies in ([response("utter_default")], [response("utter_out_of_scope")])


def test_a_second_miss_in_a_row_offers_a_person(agent) -> None:
    sender = "clarify-twice"
    assert bot_texts(agent, "/nlu_fallback", sender) == [response("utter_default")]
    (offer,) = bot_replies(agent, "/nlu_fallback", sender)
    assert offer["text"] == response("utter_offer_human")
    assert [b["payload"] for b in offer["buttons"]] == ["/request_human", "/deny"]


def test_out_of_scope_questions_are_declined_politely(agent) -> None:
    assert bot_texts(agent, "كيف الطقس في الرياض اليوم؟", "oos") == [
        response("utter_out_of_scope")
    ]

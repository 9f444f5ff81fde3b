"""Each normalization step, its switch, and the properties every matcher relies on."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.normalize import DEFAULT_OPTIONS, NormalizationOptions, normalize

STEPS = [
    # (step, typed, normalized)
    ("diacritics", "مُسْتَنَدَاتٌ", "مستندات"),
    ("diacritics", "شَدَّة", "شده"),
    ("tatweel", "مـــرحبا", "مرحبا"),
    ("alef", "أ إ آ ٱ", "ا ا ا ا"),
    ("alef", "إصدار رخصة", "اصدار رخصه"),
    ("alef_maksura", "على مستشفى", "علي مستشفي"),
    ("teh_marbuta", "رخصة العمالة", "رخصه العماله"),
    ("digits", "طلب رقم ٤٥٦٧٨٩", "طلب رقم 456789"),
    ("digits", "۱۲۳۴", "1234"),
    ("punctuation", "كم الرسوم؟ شكراً، مع السلامة؛", "كم الرسوم? شكرا, مع السلامه;"),
    ("repeated_letters", "مرحبااااا", "مرحبا"),
    ("lowercase", "OK Thanks", "ok thanks"),
    ("unicode", "ﻻ", "لا"),
    ("unicode", "نقل\u200fكفالة\u200c", "نقلكفاله"),
]


@pytest.mark.parametrize(("step", "typed", "expected"), STEPS)
def test_each_step_normalizes_what_people_type(step: str, typed: str, expected: str) -> None:
    assert normalize(typed) == expected


@pytest.mark.parametrize(("step", "typed", "expected"), STEPS)
def test_each_step_can_be_switched_off(step: str, typed: str, expected: str) -> None:
    without = replace(DEFAULT_OPTIONS, **{step: False})
    assert normalize(typed, without) != expected


def test_a_real_double_letter_is_not_emphasis() -> None:
    assert normalize("ممكن") == "ممكن"


def test_options_come_from_a_component_config_and_ignore_other_keys() -> None:
    options = NormalizationOptions.from_config({"teh_marbuta": False, "intent_split_symbol": "_"})
    assert normalize("رخصة", options) == "رخصة"
    assert options.alef is True


def test_spelling_variants_of_one_question_become_the_same_text() -> None:
    variants = [
        "كَمْ رُسُومُ إصدار رخصة العمل؟",
        "كم رسوم اصدار رخصه العمل?",
        "كــم رسوم إصدار رخصة العمل ؟",
    ]
    assert len({normalize(v).replace(" ?", "?") for v in variants}) == 1


@given(st.text())
def test_normalization_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_normalization_never_raises_and_returns_text(text: str) -> None:
    assert isinstance(normalize(text), str)

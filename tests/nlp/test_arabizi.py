"""Arabizi («kam rsoom tajdeed rukhsat al3amal») is read as the Arabic it stands for."""

from __future__ import annotations

import pytest

from nlp.arabizi import is_arabizi, to_arabic
from nlp.normalize import DEFAULT_OPTIONS
from nlp.segment import split_tokens


@pytest.mark.parametrize(
    ("word", "arabic"),
    [
        ("3amal", "عمل"),  # a digit for a letter Latin lacks
        ("7jz", "حجز"),
        ("tajdeed", "تجديد"),  # a doubled vowel is a long one
        ("el3amal", "العمل"),  # the article
        ("kaif", "كيف"),
        ("abi", "ابي"),  # a word's first and last vowels are written
        ("mehnat", "مهنه"),  # «-at» before a noun is «ة»
        ("maktab", "مكتب"),
    ],
)
def test_words_are_read_in_arabic_letters(word: str, arabic: str) -> None:
    assert to_arabic(word) == arabic


def test_a_message_is_arabizi_by_its_digits_or_its_words_not_english() -> None:
    assert is_arabizi(["kam", "rsoom", "naql", "al", "kafala"])
    assert is_arabizi(["tajdeed", "rukhsat", "3amal"])
    assert not is_arabizi(["what", "documents", "do", "i", "need", "for", "work", "permit"])
    assert not is_arabizi(["salary", "protection"])  # English words stay as they are
    assert not is_arabizi(["ok"])


def test_only_latin_words_of_an_arabizi_message_change_and_offsets_stay() -> None:
    text = "kam rsoom نقل الكفالة 2024"
    pieces = split_tokens(text, DEFAULT_OPTIONS)
    assert [form for *_, form in pieces] == ["كم", "رسوم", "نقل", "الكفاله", "2024"]
    assert [text[start : start + len(piece)] for piece, start, _ in pieces] == [
        "kam", "rsoom", "نقل", "الكفالة", "2024"
    ]  # fmt: skip
    english = split_tokens("how much is the work permit", DEFAULT_OPTIONS)
    assert [form for *_, form in english][-2:] == ["work", "permit"]

"""The Arabic tokenizer keeps offsets into the user's text and carries normalized lemmas."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.tokenizer import ArabicTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> ArabicTokenizer:
    return ArabicTokenizer(ArabicTokenizer.get_default_config())


def tokens(tokenizer: ArabicTokenizer, text: str) -> list[tuple[str, str]]:
    return [(t.text, t.lemma) for t in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


def test_arabic_punctuation_is_split_off(tokenizer: ArabicTokenizer) -> None:
    assert tokens(tokenizer, "مرحبا، كيف الحال؟") == [
        ("مرحبا", "مرحبا"), ("،", ","), ("كيف", "كيف"), ("الحال", "الحال"), ("؟", "?")
    ]


def test_tokens_keep_the_typed_text_and_carry_the_normalized_form(
    tokenizer: ArabicTokenizer,
) -> None:
    assert tokens(tokenizer, "إصـــدار رُخْصَة") == [("إصـــدار", "اصدار"), ("رُخْصَة", "رخصه")]


def test_a_number_is_featurized_by_its_kind(tokenizer: ArabicTokenizer) -> None:
    """Years worked or a fine's amount must not look like a request number."""
    assert tokens(tokenizer, "اشتغلت ٨ سنين")[1] == ("٨", "qty")
    assert tokens(tokenizer, "طلب ٤٨٢١٣٣٧٧")[1] == ("٤٨٢١٣٣٧٧", "ident")
    assert tokens(tokenizer, "غرامة 5000")[1] == ("5000", "qty")


def test_emphasis_is_squeezed_in_the_lemma_only(tokenizer: ArabicTokenizer) -> None:
    assert tokens(tokenizer, "مرحبااااا") == [("مرحبااااا", "مرحبا")]


def test_text_of_only_diacritics_stays_one_token(tokenizer: ArabicTokenizer) -> None:
    assert [t.text for t in tokenizer.tokenize(Message({TEXT: " ً "}), TEXT)] == ["ً"]


def test_a_switched_off_step_leaves_the_lemma_alone() -> None:
    config = {**ArabicTokenizer.get_default_config(), "teh_marbuta": False}
    assert tokens(ArabicTokenizer(config), "رخصة") == [("رخصة", "رخصة")]


@given(st.text())
def test_offsets_always_point_into_the_original_text(text: str) -> None:
    tokenizer = ArabicTokenizer(ArabicTokenizer.get_default_config())
    for token in tokenizer.tokenize(Message({TEXT: text}), TEXT):
        assert text[token.start : token.end] == token.text

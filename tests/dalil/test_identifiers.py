"""Request numbers and national IDs as clients type them; masking for logs and transcripts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.identifiers import (
    InvalidIdentifier,
    luhn_valid,
    mask_ids_in_text,
    mask_national_id,
    parse_national_id,
    parse_request_number,
)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("4587123", "4587123"),
        ("٤٥٨٧١٢٣", "4587123"),
        ("458-712-3", "4587123"),
        ("۴۵۸ ۷۱۲ ۳", "4587123"),
        ("123456789012", "123456789012"),
    ],
)
def test_request_numbers_are_read_in_any_script_and_spacing(typed: str, number: str) -> None:
    assert parse_request_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("", "empty"), ("12345", "length"), ("1234567890123", "length"), ("12ab56", "not_digits")],
)
def test_bad_request_numbers_say_why(typed: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as error:
        parse_request_number(typed)
    assert error.value.reason == reason


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("1000000008", "1000000008"),
        ("١٠٠٠٠٠٠٠٠٨", "1000000008"),
        ("2 100 000 005", "2100000005"),
        ("1000000009", "checksum"),
        ("3000000002", "prefix"),
        ("100000000", "length"),
    ],
)
def test_national_ids_need_ten_digits_a_1_or_2_prefix_and_a_luhn_check(
    typed: str, result: str
) -> None:
    if result.isdigit():
        assert parse_national_id(typed) == result
    else:
        with pytest.raises(InvalidIdentifier) as error:
            parse_national_id(typed)
        assert error.value.reason == result


def test_masking_keeps_only_the_last_four_digits() -> None:
    assert mask_national_id("1000000008") == "••••••0008"
    text = mask_ids_in_text("هويتي ١٠٠٠٠٠٠٠٠٨ ورقم الطلب 4587123")
    assert "0000000" not in text and "٠٠٠٠٠٠" not in text
    assert text.endswith("4587123")


@given(st.text())
def test_parsers_either_return_digits_or_raise_the_documented_error(text: str) -> None:
    for parse in (parse_request_number, parse_national_id):
        try:
            assert parse(text).isdigit()
        except InvalidIdentifier:
            pass


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True))
def test_exactly_one_check_digit_makes_an_id_valid(prefix: str) -> None:
    valid = [d for d in "0123456789" if luhn_valid(prefix + d)]
    assert len(valid) == 1
    assert parse_national_id(prefix + valid[0]) == prefix + valid[0]


@given(st.from_regex(r"[12][0-9]{9}", fullmatch=True), st.text(max_size=20))
def test_no_full_id_survives_masking(number: str, around: str) -> None:
    assert number not in mask_ids_in_text(f"{around} {number} {around}")

"""Property tests: the validators and the catalog loader never fail in an unplanned way."""

from __future__ import annotations

import copy
import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dalil import project
from dalil.catalog import CatalogError, parse_catalog
from dalil.identifiers import (
    InvalidIdentifier,
    luhn_valid,
    mask_ids_in_text,
    parse_national_id,
    parse_request_number,
)

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
digits_text = st.text(alphabet="0123456789" + ARABIC_DIGITS + " -", max_size=20)
any_text = st.one_of(st.text(max_size=40), digits_text)


@given(any_text)
def test_request_numbers_are_digits_or_a_reasoned_refusal(text: str) -> None:
    try:
        number = parse_request_number(text)
    except InvalidIdentifier as error:
        assert error.reason in {"empty", "not_digits", "length"}
    else:
        assert number.isascii() and number.isdigit() and 6 <= len(number) <= 12


@given(any_text)
def test_national_ids_are_valid_or_a_reasoned_refusal(text: str) -> None:
    try:
        national_id = parse_national_id(text)
    except InvalidIdentifier as error:
        assert error.reason in {"empty", "not_digits", "length", "prefix", "checksum"}
    else:
        assert re.fullmatch(r"[12]\d{9}", national_id) and luhn_valid(national_id)


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True), st.text(max_size=20), st.booleans())
def test_masking_leaves_no_id_in_a_text(body: str, around: str, arabic: bool) -> None:
    national_id = next(body + d for d in "0123456789" if luhn_valid(body + d))
    to_arabic = str.maketrans("0123456789", ARABIC_DIGITS)
    written = national_id.translate(to_arabic) if arabic else national_id
    masked = mask_ids_in_text(f"{around} هويتي {written} {around}")
    assert written not in masked
    assert f"••••••{national_id[-4:]}" in masked  # the last four stay, for the agent


RAW = yaml.safe_load(project.CATALOG.read_text(encoding="utf-8"))
values = st.one_of(
    st.none(), st.integers(), st.text(max_size=30), st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, len(RAW["services"]) - 1), st.sampled_from(sorted(RAW["services"][0])), values
)
def test_a_damaged_catalog_is_refused_with_a_catalog_error(index: int, field: str, value) -> None:
    raw = copy.deepcopy(RAW)
    raw["services"][index][field] = value
    try:
        catalog = parse_catalog(raw, "catalog.yml")
    except CatalogError as error:
        assert str(error).startswith("catalog.yml")
    else:
        assert len(catalog.services) == len(RAW["services"])

"""Reading request numbers and national IDs as people type them, and masking IDs.

Clients type «٤٥٦-٧٨٩ ١٢» or «2 123 456 789»: digits in either script, with spaces and
dashes. These pure functions accept all of that, say precisely what is wrong otherwise,
and are shared by the form, the case client and the logs.
"""

from __future__ import annotations

import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015_./]+")
_DIGITS_RE = re.compile(r"\d+")
REQUEST_NUMBER_LENGTH = (6, 12)
NATIONAL_ID_LENGTH = 10
# Ten digits starting with 1 or 2, possibly spaced or dashed: anything that may be an ID.
_ID_LIKE_RE = re.compile(r"(?<!\d)[12](?:[ \-]?\d){9}(?!\d)")


class InvalidIdentifier(ValueError):
    """The value cannot be a valid identifier; ``reason`` says why, as a stable code."""

    def __init__(self, reason: str) -> None:
        """``reason`` is one of: empty, not_digits, length, prefix, checksum."""
        super().__init__(reason)
        self.reason = reason


def digits_only(text: str) -> str:
    """ASCII digits of ``text`` with spaces and dashes removed; raises if anything else is left."""
    compact = _SEPARATORS_RE.sub("", (text or "").translate(_DIGITS))
    if not compact:
        raise InvalidIdentifier("empty")
    if not compact.isascii() or not compact.isdigit():
        raise InvalidIdentifier("not_digits")
    return compact


def parse_request_number(text: str) -> str:
    """A request number: 6 to 12 digits."""
    number = digits_only(text)
    low, high = REQUEST_NUMBER_LENGTH
    if not low <= len(number) <= high:
        raise InvalidIdentifier("length")
    return number


def luhn_valid(number: str) -> bool:
    """The Luhn check that Saudi national ID and iqama numbers carry in their last digit."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def parse_national_id(text: str) -> str:
    """A national ID (starts with 1) or iqama number (starts with 2): 10 digits, Luhn-valid."""
    number = digits_only(text)
    if len(number) != NATIONAL_ID_LENGTH:
        raise InvalidIdentifier("length")
    if number[0] not in "12":
        raise InvalidIdentifier("prefix")
    if not luhn_valid(number):
        raise InvalidIdentifier("checksum")
    return number


def mask_national_id(number: str) -> str:
    """All but the last four digits hidden: what logs, transcripts and replies may show."""
    return "•" * max(len(number) - 4, 0) + number[-4:]


def mask_ids_in_text(text: str) -> str:
    """``text`` with every ID-like number masked, in either digit script (for transcripts)."""
    # Translating digits keeps every character's position, so matches map back one to one.
    ascii_text = text.translate(_DIGITS)
    out, last = [], 0
    for match in _ID_LIKE_RE.finditer(ascii_text):
        out += [text[last : match.start()], mask_national_id(digits_only(match.group()))]
        last = match.end()
    out.append(text[last:])
    return "".join(out)

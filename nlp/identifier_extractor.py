"""A Rasa entity extractor for the numbers of a case lookup: `case_number` and `national_id`.

People type «رقم طلبي ٤٨٢١٣٣٧٧ وهويتي 1000000008», with Arabic-Indic digits, spaces or
dashes. A statistical extractor would need thousands of examples to learn digit runs; the
rules are exact: a 10-digit number starting with 1 or 2 whose check digit is valid is an
ID (unless the words before it say it is the request), any other 6-12 digit run is a
request number.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from dalil.identifiers import InvalidIdentifier, digits_only, parse_national_id
from nlp.normalize import normalize

_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMBER = re.compile(r"(?<!\d)\d(?:[ \-]?\d){5,11}(?!\d)")
_ID_WORDS = ("هويه", "هويت", "اقامه", "اقامت", "سجل مدني", "السجل المدني", "الهويه", "الاقامه")
_REQUEST_WORDS = ("طلب", "معامله", "المعامله", "الطلب")
CONTEXT = 20  # characters before a number that may say what it is


def _kind(number: str, before: str) -> str:
    """Which entity a digit run is, from its shape and the words just before it."""
    words = normalize(before)
    said_id = any(w in words for w in _ID_WORDS)
    said_request = any(w in words for w in _REQUEST_WORDS)
    try:
        parse_national_id(number)
    except InvalidIdentifier:
        return "case_number"
    return "case_number" if said_request and not said_id else "national_id"


def find_identifiers(text: str) -> list[dict[str, Any]]:
    """Every request number and national ID in ``text``, with offsets into ``text``."""
    ascii_text = text.translate(_TO_ASCII)  # one char for one char: offsets stay valid
    found = []
    for match in _NUMBER.finditer(ascii_text):
        number = digits_only(match.group())
        before = text[max(0, match.start() - CONTEXT) : match.start()]
        found.append(
            {
                "entity": _kind(number, before),
                "value": number,
                "start": match.start(),
                "end": match.end(),
                "confidence_entity": 1.0,
            }
        )
    return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class IdentifierEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds `case_number` and `national_id` entities, digits normalized to ASCII."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IdentifierEntityExtractor:
        """Creates the component; it has nothing to train."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the numbers found in each message to its entities."""
        for message in messages:
            found = self.add_extractor_name(find_identifiers(message.get(TEXT) or ""))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

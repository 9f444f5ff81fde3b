"""A Rasa tokenizer for Arabic as people type it, built on :mod:`nlp.normalize`.

Tokens are exact slices of the user's text, so entity offsets found later map back to
what the user typed; the camel-tools-normalized form (a number by its kind) rides along
in ``Token.lemma``, which Rasa's count-vector featurizers read instead of the raw text.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlp.normalize import NormalizationOptions
from nlp.segment import split_tokens


def feature_form(normalized: str) -> str:
    """What the featurizers see of a token: a number's kind, not its digits.

    A request number (five digits or more) points at a case-status question; «٨ سنين»,
    «٢٠ الف» or «٣ عمال» is a quantity that any question may hold.
    """
    if normalized.isdigit():
        return "ident" if len(normalized) >= 5 else "qty"
    return normalized


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ArabicTokenizer(Tokenizer):
    """Splits Arabic text into words and punctuation and normalizes each with camel-tools."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config."""
        return {
            # Rasa's standard tokenizer options.
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Normalization steps, each switchable (see nlp.normalize.NormalizationOptions).
            "unicode": True,
            "diacritics": True,
            "tatweel": True,
            "alef": True,
            "alef_maksura": True,
            "teh_marbuta": True,
            "digits": True,
            "punctuation": True,
            "repeated_letters": True,
            "lowercase": True,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        """Reads the normalization switches from the config."""
        super().__init__(config)
        self.options = NormalizationOptions.from_config(config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ArabicTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes ``attribute`` of ``message``, keeping offsets into the original text."""
        text = message.get(attribute) or ""
        tokens = [
            Token(piece, start, lemma=feature_form(normalized))
            for piece, start, normalized in split_tokens(text, self.options)
        ]
        if not tokens and text.strip():
            # Nothing readable (e.g. only diacritics): keep the text whole, as Rasa's
            # WhitespaceTokenizer does, so downstream components still see one token.
            stripped = text.strip()
            tokens = [Token(stripped, text.index(stripped))]
        return self._apply_token_pattern(tokens)

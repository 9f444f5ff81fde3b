"""A Rasa featurizer that says how much of a message is a service's name.

«نطاقات» or «حجز موعد» on their own name a service and ask nothing (`inform`); «وش هي
نطاقات» asks what it is. Word n-grams cannot tell: the name's words are in both. The share
of the message's content words that a `service` entity covers can: three sparse features,
"a service is named", "most of the text is the name" and "the text is only the name".
Runs after the entity extractors (in training the annotated entities stand in for them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.keyword_match import STOPWORDS

MOST = 0.6


def service_coverage(message: Message) -> float | None:
    """Share of content words inside `service` entities; None when no service is named."""
    spans = [(e["start"], e["end"]) for e in message.get(ENTITIES) or []
             if e.get("entity") == "service" and "start" in e]  # fmt: skip
    if not spans:
        return None
    tokens = [
        t for t in message.get(TOKENS_NAMES[TEXT]) or []
        if (t.lemma or t.text) not in STOPWORDS and any(c.isalnum() for c in t.text)
    ]  # fmt: skip
    if not tokens:
        return 0.0
    inside = sum(any(s <= t.start and t.end <= e for s, e in spans) for t in tokens)
    return inside / len(tokens)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class ServiceCoverageFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds the three coverage features to every message's sentence features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config."""
        return SparseFeaturizer.get_default_config()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ServiceCoverageFeaturizer:
        """Creates the component; it learns nothing."""
        return cls(execution_context.node_name, {**cls.get_default_config(), **config})

    def _featurize(self, message: Message) -> None:
        coverage = service_coverage(message)
        row = np.zeros((1, 3))
        if coverage is not None:
            row[0] = [1.0, float(coverage >= MOST), float(coverage >= 0.99)]
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        sequence = scipy.sparse.coo_matrix((max(len(tokens), 1), 3))
        self.add_features_to_message(
            sequence, scipy.sparse.coo_matrix(row), TEXT, message
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes every training example that has text."""
        for message in training_data.training_examples:
            if message.get(TEXT):
                self._featurize(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurizes incoming messages."""
        for message in messages:
            self._featurize(message)
        return messages

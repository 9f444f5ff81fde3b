"""A linear-SVM intent classifier over Rasa's sparse features, with calibrated confidences.

Why not DIET: on two CPU cores DIET needs about an hour for a 20k-example set, while
a linear SVM over TF-IDF-weighted word and character n-grams trains in seconds and is
as accurate on Arabic intent data (see ``bench/nlu_compare.py``). Why calibrated: the
FallbackClassifier and the clarification logic compare confidences to thresholds, so
they must mean something; sigmoid calibration on held-out folds gives them meaning.
"""

from __future__ import annotations

import logging
from typing import Any

import joblib
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from nlp.normalize import has_readable_word

logger = logging.getLogger(__name__)

_MODEL_FILE = "linear_intent_classifier.joblib"



@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Classifies intents with a calibrated linear SVM on TF-IDF-weighted sparse features."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Needs sparse features from a featurizer earlier in the pipeline."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config."""
        return {
            # Inverse regularization strength of the SVM; tuned on ArBanking77's val split.
            "C": 0.5,
            # Dampen repeated n-grams (1 + log tf), as usual for short texts.
            "sublinear_tf": True,
            # Folds for sigmoid calibration of the confidences (capped by the smallest intent).
            "calibration_folds": 3,
            # How many intents to report in the ranking.
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Pipeline | None = None,
    ) -> None:
        """Keeps the config and, once trained or loaded, the fitted model."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """Creates a new untrained component."""
        return cls(config, model_storage, resource)

    @staticmethod
    def _features(messages: list[Message]) -> scipy.sparse.csr_matrix:
        rows = []
        for message in messages:
            _, sentence = message.get_sparse_features(TEXT)
            rows.append(scipy.sparse.csr_matrix(sentence.features) if sentence else None)
        width = max((r.shape[1] for r in rows if r is not None), default=0)
        empty = scipy.sparse.csr_matrix((1, width))
        return scipy.sparse.vstack([r if r is not None else empty for r in rows]).tocsr()

    def _build(self, labels: list[str]) -> Pipeline:
        smallest = min(labels.count(label) for label in set(labels))
        svm = LinearSVC(C=self.config["C"], class_weight="balanced", random_state=0)
        folds = min(self.config["calibration_folds"], smallest)
        classifier = CalibratedClassifierCV(svm, cv=folds) if folds >= 2 else svm
        return Pipeline(
            [("tfidf", TfidfTransformer(sublinear_tf=self.config["sublinear_tf"])),
             ("classifier", classifier)]
        )

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the model on every example that has both text and intent."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents; not trained.")
            return self._resource
        self.model = self._build(labels).fit(self._features(examples), np.array(labels))
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.model, directory / _MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Loads the fitted model persisted by :meth:`train`."""
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / _MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained LinearIntentClassifier found; it will predict nothing.")
            model = None
        return cls(config, model_storage, resource, model)

    def _probabilities(self, messages: list[Message]) -> np.ndarray:
        features = self._features(messages)
        if hasattr(self.model[-1], "predict_proba"):
            probabilities = self.model.predict_proba(features)
        else:
            scores = self.model.decision_function(features)
            exp = np.exp(scores - scores.max(axis=1, keepdims=True))
            probabilities = exp / exp.sum(axis=1, keepdims=True)
        # A message without a readable word or a number (emoji, punctuation, another script)
        # carries no evidence: say so with a flat distribution, not the classes' priors.
        for row, message in enumerate(messages):
            if not has_readable_word(message.get(TEXT) or ""):
                probabilities[row] = 1.0 / probabilities.shape[1]
        return probabilities

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets ``intent`` and ``intent_ranking`` on each message."""
        if self.model is None or not messages:
            return messages
        probabilities = self._probabilities(messages)
        names = self.model.classes_
        for message, row in zip(messages, probabilities, strict=False):
            order = np.argsort(-row)[: self.config["ranking_length"]]
            ranking = [{"name": str(names[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

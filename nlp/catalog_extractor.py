"""A Rasa entity extractor driven by the service catalog: `service` and `city` by catalog id.

The catalog lists every name and colloquial phrase of a service and every spelling of a
city, so the extractor learns nothing from examples: training reads the catalog and
stores its phrases in the model. Adding a service is a catalog edit plus retraining.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.keyword_match import (
    NEUTRAL_FORMS,
    STOPWORDS,
    Evidence,
    KeywordIndex,
    clear_winner,
    named_apart,
)
from nlp.phrase_match import PhraseIndex

logger = logging.getLogger(__name__)

_PHRASES_FILE = "catalog_phrases.json"
NOT_OURS = "not_ours"  # another agency's service: its words name none of ours


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``start``..``end`` spaced out, every other offset kept."""
    return text[:start] + " " * (end - start) + text[end:]


def catalog_phrases(path: str | Path) -> list[dict[str, Any]]:
    """Every (entity, value, phrase) the catalog defines, validated by the catalog loader,
    with how a service's phrase relates to others (``yields``, ``subject``, ``narrows``,
    ``acts_on``) and other agencies' names that are none of ours."""
    from dalil.catalog import load_catalog

    catalog = load_catalog(path)
    phrases = []
    for service in catalog.services:
        subjects = set(catalog.subjects_of(service))
        for phrase in catalog.phrases_of(service):
            phrases.append(
                {"entity": "service", "value": service.id, "phrase": phrase}
                | ({"yields": True} if service.yields_to_others else {})
                | ({"subject": True} if phrase in subjects else {})
                | ({"narrows": service.narrows} if service.narrows else {})
                | ({"acts_on": service.acts_on} if service.acts_on else {})
            )
    phrases += [{"entity": NOT_OURS, "value": "", "phrase": p} for p in catalog.not_ours()]
    phrases += [
        {"entity": "city", "value": office.city, "phrase": phrase}
        for office in catalog.general.offices
        for phrase in dict.fromkeys([office.name_ar, *office.aliases])
    ]
    return phrases


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CatalogEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds catalog services and cities in the text, typo- and «ال»-tolerant."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config."""
        return {
            # The catalog file, relative to the directory Rasa is trained from.
            "catalog": "bot/data/catalog.yml",
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the catalog changes, even if no training example did."""
        path = Path(config.get("catalog", cls.get_default_config()["catalog"]))
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        phrases: list[dict[str, str]] | None = None,
    ) -> None:
        """Keeps the phrases and indexes them by entity type."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.phrases = phrases or []
        self.yielding = frozenset(p["value"] for p in self.phrases if p.get("yields"))
        self.subjects = frozenset((p["value"], p["phrase"]) for p in self.phrases
                                  if p.get("subject"))  # fmt: skip
        self.broader = {p["value"]: frozenset(p["narrows"]) for p in self.phrases
                        if p.get("narrows")}  # fmt: skip
        self.acts_on = {p["value"]: frozenset(p["acts_on"]) for p in self.phrases
                        if p.get("acts_on")}  # fmt: skip
        self.index = PhraseIndex(
            ((f"{p['entity']}\t{p['value']}", p["phrase"]) for p in self.phrases),
            STOPWORDS | NEUTRAL_FORMS,
        )
        self.keywords = KeywordIndex(
            ((p["value"], p["phrase"]) for p in self.phrases if p["entity"] == "service"),
            STOPWORDS,
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CatalogEntityExtractor:
        """Creates a new untrained component."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Reads the catalog's phrases and stores them with the model."""
        phrases = catalog_phrases(self.config["catalog"])
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _PHRASES_FILE).write_text(
                json.dumps(phrases, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CatalogEntityExtractor:
        """Loads the phrases stored by :meth:`train`."""
        try:
            with model_storage.read_from(resource) as directory:
                phrases = json.loads((directory / _PHRASES_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.warning("No catalog phrases in the model; no services will be recognised.")
            phrases = []
        return cls(config, model_storage, resource, phrases)

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds a `service` or `city` entity, valued by catalog id, for each phrase found."""
        for message in messages:
            text = message.get(TEXT) or ""
            found = []
            subjects = set()  # where a service is named only by whom it is for
            for match in self.index.find(text):
                entity, value = match.key.split("\t")
                if entity == NOT_OURS:  # «رخصة القيادة»: no word of it names a service
                    text = _blank(text, match.start, match.end)
                    continue
                if (value, match.phrase) in self.subjects:
                    subjects.add((match.start, value))
                found.append(
                    {
                        "entity": entity,
                        "value": value,
                        "start": match.start,
                        "end": match.end,
                        "confidence_entity": round(match.score, 3),
                    }
                )
            found = self._narrowest(self._prefer_fuller_evidence(text, found), subjects)
            found = self.add_extractor_name(self._asked_first(found, subjects))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    def _asked_first(
        self, found: list[dict[str, Any]], subjects: set[tuple[int, str]]
    ) -> list[dict[str, Any]]:
        """``found`` in text order, the service asked about first: one done to another named
        («شكوى» about «نهاية الخدمة») before it, one that yields (a Nitaqat band) or is
        named only by whom it is for («الشغالة») after the others."""
        named = {e["value"] for e in found if e["entity"] == "service"}

        def order(entity: dict[str, Any]) -> tuple[bool, bool, int]:
            service = entity["entity"] == "service"
            value = entity["value"]
            acts = service and bool(self.acts_on.get(value, frozenset()) & named)
            gives_way = service and (value in self.yielding or (entity["start"], value) in subjects)
            return not acts, gives_way, entity["start"]

        return sorted(found, key=order)

    def _narrowest(
        self, found: list[dict[str, Any]], subjects: set[tuple[int, str]]
    ) -> list[dict[str, Any]]:
        """``found`` without the services that one named by whom it is for narrows: with
        «شغالة», «تأشيرة» is a household's recruitment visa."""
        broader = set().union(*(self.broader.get(value, ()) for _, value in subjects))
        return [e for e in found if not (e["entity"] == "service" and e["value"] in broader)]

    def _prefer_fuller_evidence(
        self, text: str, found: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Adds the service the words point at when no phrase named one, or when they wholly
        cover a phrase of one more, and replaces a phrase match that a fuller one outweighs.

        «جددت رخصة العمل» contains the phrase «رخصة العمل» (issuing a permit) but also every
        word of «تجديد رخصة العمل»: the service whose phrase is wholly covered, with more
        weight, is the one meant.
        """
        services = [e for e in found if e["entity"] == "service"]
        # A yielding service named («النطاق الأخضر») leaves room for the words naming another.
        named = [e for e in services if e["value"] not in self.yielding]
        for e in services:  # weigh only the words outside a yielding service's name
            if e["value"] in self.yielding:
                text = _blank(text, e["start"], e["end"])
        evidence = self.keywords.evidence(text)
        if services:  # beside a named service, words pointing at a yielding one don't count
            evidence = [e for e in evidence if e.key not in self.yielding]
        keys = len(self.keywords.phrases)
        best = clear_winner(evidence, keys)
        if best is None and not services:  # «افتح ملف منشأة … احجز موعد»: both named
            both = [self._entity(e) for e in named_apart(evidence, keys)]
            return sorted([*found, *both], key=lambda e: e["start"])
        if best is None or any(e["value"] == best.key for e in services):
            return found
        if services and best.coverage < 1.0:  # beside a named service, a whole phrase
            return found
        if named:
            # One named within the fuller phrase gives way if it weighs less; one named
            # elsewhere stays, and both count.
            weight_of = {e.key: e.weight for e in evidence}
            within = [e for e in named if e["start"] < best.end and best.start < e["end"]]
            if any(
                weight_of.get(e["value"], 0.0) >= best.weight  # the named one weighs more
                or best.key in self.broader.get(e["value"], ())  # or is its narrower kind
                for e in within
            ):
                return found
            found = [e for e in found if e not in within]
        return sorted([*found, self._entity(best)], key=lambda e: e["start"])

    @staticmethod
    def _entity(evidence: Evidence) -> dict[str, Any]:
        """The `service` entity the keyword evidence found, less sure than a named phrase."""
        return {
            "entity": "service",
            "value": evidence.key,
            "start": evidence.start,
            "end": evidence.end,
            "confidence_entity": round(0.8 * evidence.coverage, 3),
        }

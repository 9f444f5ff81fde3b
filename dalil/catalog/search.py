"""Searching the catalog in Arabic as people type it: names first, then answer text.

Used by the agents' console and by the bot when it must guess which service a client
means. A whole service name or colloquial phrase in the query outweighs single words;
a word in a service's names outweighs the same word in its answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from dalil.catalog.model import ASPECTS, Catalog, Service
from nlp.keyword_match import STOPWORDS
from nlp.phrase_match import PhraseIndex, variants, word_score, words_of

PHRASE_WEIGHT = 10.0
NAME_WORD_WEIGHT = 3.0
TEXT_WORD_WEIGHT = 1.0
# A hit this strong names the service (a phrase, or a word of its names), not just a topic
# every service's answers mention («الرسوم»): only such hits are offered as guesses.
NAMED = NAME_WORD_WEIGHT * 0.8



@dataclass(frozen=True)
class Hit:
    """A service that matches a query, and how well."""

    service: Service
    score: float


class CatalogSearch:
    """An in-memory index of one catalog; build once, query many times."""

    def __init__(self, catalog: Catalog) -> None:
        """Indexes every service's names, phrases and answer words."""
        self.catalog = catalog
        self.phrases = PhraseIndex(
            (s.id, p) for s in catalog.services for p in catalog.phrases_of(s)
        )
        self.name_words = {
            s.id: {w.form for p in catalog.phrases_of(s) for w in words_of(p) if _content(w.form)}
            for s in catalog.services
        }
        self.text_words = {
            s.id: {w.form for a in ASPECTS for w in words_of(getattr(s.answers, a))}
            - STOPWORDS
            for s in catalog.services
        }

    def search(self, query: str, limit: int = 10, min_score: float = 0.0) -> list[Hit]:
        """Services ranked by relevance to ``query``, leaving out those scoring ≤ ``min_score``."""
        scores = {s.id: 0.0 for s in self.catalog.services}
        for match in self.phrases.find(query):
            scores[match.key] += PHRASE_WEIGHT * match.score * match.words
        terms = [w.form for w in words_of(query) if _content(w.form) and len(w.form) > 1]
        for service_id in scores:
            for term in terms:
                name = max((word_score(term, w) for w in self.name_words[service_id]), default=0)
                if name:
                    scores[service_id] += NAME_WORD_WEIGHT * name
                elif term in self.text_words[service_id]:
                    scores[service_id] += TEXT_WORD_WEIGHT
        ranked = sorted(
            (Hit(self.catalog.service(i), s) for i, s in scores.items() if s > min_score),
            key=lambda h: -h.score,
        )
        return ranked[:limit]


def _content(form: str) -> bool:
    """Whether a word says something of its own: «الرسوم» is «رسوم», a stopword too."""
    return not variants(form) & STOPWORDS

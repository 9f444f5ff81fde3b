"""Which catalog entry a sentence is about, when no whole name or phrase appears in it.

People rarely type a service's exact name: «ابي اعترض على المخالفة», «كيف اوثق عقدي»,
«مواعيد مكتب العمل». Words are reduced to a light stem (article or clitic, a verb or
verbal-noun prefix, one suffix and inner long vowels removed), so «اعترض» meets
«الاعتراض», «اوثق» meets «توثيق» and «مواعيد» meets «موعد». A stem weighs by how few
entries share it (IDF), and a text is evidence for an entry when it covers most of the
weight of one of its phrases: «كفاله» points at one service, «عمل» at none.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nlp.phrase_match import within_one_edit, words_of

_DEFINITE = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
_CLITICS = ("و", "ب", "ل")  # stripped only from long words: «بلاغ» keeps its ب
# Pronoun and plural endings, and the past-tense «ت» of «جددت», «بلغت», «حجزت».
_SUFFIXES = ("هما", "كم", "هم", "ها", "ات", "ين", "ون", "تي", "نا", "ه", "ي", "ك", "ت")
_LONG_VOWELS = frozenset("اوي")
MIN_STEM = 2
FUZZY_MIN_STEM = 4

# Question words and fillers (normalized) that say nothing about which service is meant.
STOPWORDS = frozenset(
    "ابي ابغي ابغا ودي اريد كيف وش ايش شو ماهي ما هي هو هل في من علي الي عن كم متي وين"
    " اين لو سمحت ممكن طيب يا انا عندي لي اسوي اعمل خدمه الخدمه طلب عشان حق حقت".split()
    # Words every service's talk is full of, and the aspects asked about any service:
    # they cannot tell services apart.
    + "خدمات عمل عامل موظف رسوم تكلفه سعر مده خطوات شروط متطلبات اوراق مستندات".split()
)


@lru_cache(maxsize=65536)
def stem(form: str) -> str:
    """A light stem of a normalized word; equal stems usually mean the same word."""
    core = form
    for prefix in _DEFINITE:
        if core.startswith(prefix) and len(core) - len(prefix) >= 3:
            core = core[len(prefix) :]
            break
    else:
        if core[:1] in _CLITICS and len(core) >= 5:
            core = core[1:]
    if core[:1] in ("ا", "ت") and len(core) >= 4:  # أفعل / تفعيل: «اوثق», «توثيق»
        core = core[1:]
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) - len(suffix) >= 3:
            core = core[: -len(suffix)]
            break
    return core[:1] + "".join(c for c in core[1:] if c not in _LONG_VOWELS)


@dataclass(frozen=True)
class Evidence:
    """How much of one key's best-covered phrase a text contains, and where."""

    key: str
    coverage: float  # share of the phrase's weight found in the text, 0..1
    weight: float  # the weight found
    start: int
    end: int

    @property
    def strength(self) -> float:
        """One number to rank keys by: much of a phrase, and distinctive words."""
        return self.coverage * self.weight


class KeywordIndex:
    """Every key's phrases as weighted stems; a text is scored by how much of one it covers.

    Covering most of one phrase («اوثق عقدي» covers «توثيق عقد») is evidence; one word
    shared with a long phrase («رقم» in «رقم ملف المنشأة») is not.
    """

    def __init__(self, phrases: Iterable[tuple[str, str]], stopwords: frozenset[str]) -> None:
        """``phrases`` are (key, phrase) pairs; ``stopwords`` are normalized forms to ignore."""
        self.stop_stems = frozenset(stem(w) for w in stopwords)
        self.phrases: dict[str, list[frozenset[str]]] = defaultdict(list)
        for key, phrase in phrases:
            stems = frozenset(s for *_, s in self._stems(phrase))
            if stems:
                self.phrases[key].append(stems)
        keys_with: dict[str, int] = defaultdict(int)
        for key_phrases in self.phrases.values():
            for s in frozenset().union(*key_phrases):
                keys_with[s] += 1
        total = len(self.phrases)
        self.weights = {s: math.log(total / n) for s, n in keys_with.items()}

    def _stems(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, stem) of each content word of ``text``."""
        found = []
        for word in words_of(text):
            s = stem(word.form)
            if len(s) >= MIN_STEM and s not in self.stop_stems:
                found.append((word.start, word.end, s))
        return found

    def evidence(self, text: str) -> list[Evidence]:
        """Keys whose phrases the text covers, strongest first."""
        words = self._stems(text)
        found = []
        for key, key_phrases in self.phrases.items():
            best: Evidence | None = None
            for stems in key_phrases:
                hits = [(a, b, k) for a, b, s in words if (k := _closest(s, stems))]
                if not hits:
                    continue
                weight = sum(self.weights[k] for k in {k for *_, k in hits})
                total = sum(self.weights[s] for s in stems) or 1.0
                start, end = min(h[0] for h in hits), max(h[1] for h in hits)
                candidate = Evidence(key, weight / total, weight, start, end)
                if best is None or candidate.strength > best.strength:
                    best = candidate
            if best:
                found.append(best)
        return sorted(found, key=lambda e: -e.strength)


def clear_winner(evidence: list[Evidence], keys: int) -> Evidence | None:
    """The key the evidence points at, if it is clear enough to act on; else None.

    Clear means: most of one phrase (≥ 60 % of its weight, with words shared by at most
    about three keys), and well ahead of the runner-up (a quarter more strength, or
    a quarter more coverage).
    """
    if not evidence:
        return None
    best = evidence[0]
    if best.coverage < 0.6 or best.weight < math.log(keys / 3):
        return None
    if len(evidence) > 1:
        second = evidence[1]
        if best.strength < 1.25 * second.strength and best.coverage - second.coverage < 0.25:
            return None
    return best


def _closest(typed: str, known: frozenset[str]) -> str | None:
    """The known stem equal to ``typed``, or one edit away when both are long enough."""
    if typed in known:
        return typed
    if len(typed) < FUZZY_MIN_STEM:
        return None
    return next(
        (k for k in known if len(k) >= FUZZY_MIN_STEM and within_one_edit(typed, k)), None
    )

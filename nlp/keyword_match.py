"""Which catalog entry a sentence is about, when no whole name or phrase appears in it.

People rarely type a service's exact name: «ابي اعترض على المخالفة», «كيف اوثق عقدي»,
«مواعيد مكتب العمل». Words are reduced to a light stem (article or clitic, a verb or
verbal-noun prefix, one suffix and inner long vowels removed), so «اعترض» meets
«الاعتراض», «اوثق» meets «توثيق» and «مواعيد» meets «موعد». Where a word can be read two
ways it keeps both readings: the «ال» of «إلغاء» is part of the word (so «الغيت» and
«لالغاء» meet it) and a short «وهرب» may be «و» + «هرب». A stem weighs by how few
entries share it (IDF), and a text is evidence for an entry when it covers most of the
weight of one of its phrases: «كفاله» points at one service, «عمل» at none.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nlp.phrase_match import DEFINITE, FUZZY_MIN_LENGTH, typo_of, variants, words_of

_CLITICS = ("و", "ب", "ل")  # stripped only from long words: «بلاغ» keeps its ب
# Pronoun («ني» of «ينقلني»), plural and dual endings, and the past-tense «ت» of «جددت».
_SUFFIXES = (
    "هما", "تين", "تان", "كم", "هم", "ها", "ات", "ين", "ون", "تي", "نا", "ني", "ه", "ي", "ك", "ت"
)
# Pronouns after «ة» (then written «ت») or a verb's «ت»: «مهنته», «ألغيته».
_PRONOUNS = ("هما", "كم", "هم", "ها", "نا", "ه", "ي", "ك")
_LONG_VOWELS = frozenset("اوي")
MIN_STEM = 2
FUZZY_MIN_STEM = FUZZY_MIN_LENGTH  # «سائل» (asking) is not a misspelt «سائق» (driver)

# Question words and fillers (normalized) that say nothing about which service is meant.
STOPWORDS = frozenset(
    "ابي ابغي ابغا ودي اريد كيف وش ايش شو ماهي ما هي هو هل في من علي الي عن كم متي وين"
    " اين لو سمحت ممكن طيب يا انا عندي لي اسوي اعمل خدمه الخدمه طلب عشان حق حقت".split()
    # Help and blessings («ممكن تساعدني», «الله يسعدك»): their stems are «مساند», «السعودة».
    + "تساعد مساعد مساعده يسعد".split()
    # Words every service's talk is full of, and the aspects asked about any service:
    # they cannot tell services apart.
    + "خدمات عمل شغل عامل موظف مكتب رسوم تكلفه سعر مده خطوات شروط متطلبات اوراق مستندات".split()
)
# Words said of any service whose stem is a service's: "new" («حساب جديد», «رخصة عمل
# جديدة») stems as «تجديد» (renewal), "Saudi" («موظفين سعوديين») as «السعودة» (the
# Saudization certificate), "check" («أشيك», from English) as «أشتكي» (complain), the Gulf
# "until" («لين») as «لون» (colour, of a Nitaqat band).
# Compared as whole words (with or without «ال» or a clitic), never stemmed, and never
# read as a typo of another word.
NEUTRAL_FORMS = frozenset(
    "جديد جديده جديدين جديدات الجدد جداد سعودي سعوديه سعوديين سعوديون "
    "اشيك يشيك تشيك نشيك لين".split()
)


@lru_cache(maxsize=65536)
def stem(form: str) -> str:
    """A light stem of a normalized word; equal stems usually mean the same word.

    The «ا» after a first letter stays: «خادمة» (a housemaid) is not «خدمة» (a service).
    """
    return _root_like(_without_article(form), keep_participle=True)


def _without_article(form: str) -> str:
    """``form`` without «ال» (or «وال», «بال», …), else without a long word's clitic."""
    for prefix in DEFINITE:
        if form.startswith(prefix) and len(form) - len(prefix) >= 3:
            return form[len(prefix) :]
    # «بوابة» keeps its ب: what a clitic leaves does not start with «و».
    if form[:1] in _CLITICS and len(form) >= 5 and form[1] != "و":
        return form[1:]
    return form


def _root_like(core: str, keep_participle: bool = False) -> str:
    """``core`` without a verb or verbal-noun prefix, one suffix and inner long vowels."""
    if core[:1] in ("ا", "ت") and len(core) >= 4:  # أفعل / تفعيل: «اوثق», «توثيق»
        core = core[1:]
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) - len(suffix) >= 3:
            core = core[: -len(suffix)]
            break
    if core.endswith("ات") and len(core) >= 5:  # a pronoun after a plural: «خدماته»
        core = core[:-2]
    kept = 2 if keep_participle and core[1:2] == "ا" and len(core) >= 4 else 1
    # A final hamza is the weak letter of «إلغاء», «إعفاء»: «الغي» and «الغاء» are one verb.
    vowelless = "".join(c for c in core[kept:] if c not in _LONG_VOWELS)
    return (core[:kept] + vowelless).rstrip("ء")


@dataclass(frozen=True)
class Reading:
    """The stems a word may have: its :func:`stem`, plus, where the word can be read
    another way, the stem without the «ا» of a participle («هارب» meets «هروب»), without
    stripping a leading «ال» (part of «الغاء», «التزام») or a long word's first «ب»/«و»
    (part of «بلاغات», «وظيفة»), with a short word's «و»/«ف» removed («وهرب»), or without
    an imperfect verb's «ي»/«ن» («ينقل», «ننقل») or a passive's «ين» («ينلغي»), and a
    word before a pronoun («مهنته», «ألغيته»). Typos are forgiven on the main stem only."""

    main: str
    all: frozenset[str]

    def meets(self, other: Reading) -> bool:
        """Whether this typed word may be the catalog word ``other``."""
        if any(_shared(s, self, other) for s in self.all & other.all):
            return True
        shortest = min(len(self.main), len(other.main))
        return shortest >= FUZZY_MIN_STEM and typo_of(self.main, other.main)


def _shared(stem: str, typed: Reading, known: Reading) -> bool:
    """Whether a stem a typed word shares with a catalog word makes them one word. Two
    letters do only as the catalog word's main reading, or for one whose main reading is
    shorter («إلغاء»): «كن» of «يكون» (is) is no «أكاونت» (account), «لس» of «لسا» (still)
    no «فلوس» (money)."""
    return len(stem) >= 3 or stem == known.main or len(known.main) < 2


@lru_cache(maxsize=65536)
def reading(form: str) -> Reading:
    """The :class:`Reading` of a normalized word."""
    found = {stem(form), _root_like(_without_article(form))}
    if form.startswith("ال"):
        found.add(_root_like(form))
    if form[:1] in _CLITICS and not form.startswith(DEFINITE):
        found.add(_root_like(form, keep_participle=True))
    if form[:1] in ("و", "ف") and len(form) == 4:
        found.add(_root_like(form[1:]))
    if form[:1] in ("ي", "ن") and len(form) >= 4:  # an imperfect verb: «ينقل», «ننقل»
        found.add(_root_like(form[1:], keep_participle=True))
    if form[:2] == "تت" and len(form) >= 5:  # «تتجدد» (it is renewed) is «تجديد»
        found.add(_root_like(form[1:], keep_participle=True))
    if form[:2] in ("ين", "تن") and len(form) >= 5:  # a passive: «ينلغي», «ينشال»
        found.add(_root_like(form[2:], keep_participle=True))
    if form[:2] == "مت" and len(form) >= 5:  # a participle: «متغيب» is «تغيب»
        found.add(_root_like(form[1:], keep_participle=True))
    for pronoun in _PRONOUNS:  # «مهنته» is «مهنة» + «ه», «ألغيته» is «ألغيت» + «ه»
        if form.endswith("ت" + pronoun) and len(form) - len(pronoun) >= 4:
            base = form[: -len(pronoun)]
            found |= reading(base).all | reading(base[:-1] + "ه").all
            break
    return Reading(stem(form), frozenset(s for s in found if len(s) >= MIN_STEM))


@dataclass(frozen=True)
class Evidence:
    """How much of one key's best-covered phrase a text contains, and where."""

    key: str
    coverage: float  # share of the phrase's weight found in the text, 0..1
    weight: float  # the weight found
    start: int
    end: int
    at: frozenset[int] = frozenset()  # where each word found starts
    # Where each word that meets any of the key's phrases starts: the words it accounts for.
    explained: frozenset[int] = frozenset()

    def accounts_for(self, other: Evidence) -> bool:
        """Whether every word ``other`` found is a word of this key's phrases too."""
        return other.at <= self.explained

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
        self.phrases: dict[str, list[frozenset[Reading]]] = defaultdict(list)
        self.vocabulary: dict[str, frozenset[Reading]] = {}
        # Words whose stem is too short to trust alone («فيزا» stems as «فاز» does) count
        # alone only when typed as the catalog writes them.
        self.short_forms: set[str] = set()
        for key, phrase in phrases:
            readings = self._readings(phrase)
            self.short_forms.update(
                v for *_, r, form in readings if len(r.main) < 3 for v in variants(form)
            )
            if words := frozenset(r for *_, r, _ in readings):
                self.phrases[key].append(words)
        keys_with: dict[str, int] = defaultdict(int)
        for key, key_phrases in self.phrases.items():
            self.vocabulary[key] = frozenset().union(*key_phrases)
            for s in self.vocabulary[key]:
                keys_with[s] += 1
        total = len(self.phrases)
        self.weights = {s: math.log(total / n) for s, n in keys_with.items()}
        # Which phrase words each stem is a reading of, to look a typed word up at once.
        self.by_stem: dict[str, set[Reading]] = defaultdict(set)
        for phrase_word in self.weights:
            for s in phrase_word.all:
                self.by_stem[s].add(phrase_word)
        self._matches = lru_cache(maxsize=16384)(self._phrase_words_met)

    def _phrase_words_met(self, typed: Reading) -> tuple[frozenset[Reading], frozenset[Reading]]:
        """The phrase words ``typed`` shares a reading with, else those a typo away: a word
        the catalog uses («تستخدم», of «مستخدمة») is not a misspelt other one («استقدام»)."""
        exact = frozenset(
            k for s in typed.all for k in self.by_stem.get(s, ()) if _shared(s, typed, k)
        )
        if exact:
            return exact, frozenset()
        return exact, frozenset(k for k in self.weights if typed.meets(k))

    def _readings(self, text: str) -> list[tuple[int, int, Reading, str]]:
        """(start, end, reading, normalized form) of each content word of ``text``."""
        found = []
        for word in words_of(text):
            if variants(word.form) & NEUTRAL_FORMS or stem(word.form) in self.stop_stems:
                continue
            if (word_reading := reading(word.form)).all:
                found.append((word.start, word.end, word_reading, word.form))
        return found

    def evidence(self, text: str) -> list[Evidence]:
        """Keys whose phrases the text covers, strongest first."""
        words = [
            (a, b, bool(variants(form) & self.short_forms), *self._matches(r))
            for a, b, r, form in self._readings(text)
        ]
        found = []
        for key, key_phrases in self.phrases.items():
            vocabulary = self.vocabulary[key]
            explained = frozenset(
                a for a, _, _, exact, typo in words if vocabulary & exact or vocabulary & typo
            )
            best: Evidence | None = None
            for phrase_words in key_phrases:
                hits = [
                    (a, b, k, as_written) for a, b, as_written, exact, typo in words
                    if (k := _closest(phrase_words, exact, typo))
                ]  # fmt: skip
                # Two letters are too few to stand alone: «فاز» (won) is not «فيزا».
                if all(len(k.main) < 3 and not as_written for *_, k, as_written in hits):
                    continue
                weight = sum(self.weights[k] for k in {h[2] for h in hits})
                total = sum(self.weights[w] for w in phrase_words) or 1.0
                start, end = min(h[0] for h in hits), max(h[1] for h in hits)
                at = frozenset(h[0] for h in hits)
                candidate = Evidence(key, weight / total, weight, start, end, at, explained)
                if best is None or candidate.strength > best.strength:
                    best = candidate
            if best:
                found.append(best)
        return sorted(found, key=lambda e: -e.strength)


def clear_winner(evidence: list[Evidence], keys: int) -> Evidence | None:
    """The key the evidence points at, if it is clear enough to act on; else None.

    Clear means: most of one phrase (≥ 60 % of its weight, with words shared by at most
    about three keys), and ahead of the runner-up: a quarter more strength, a quarter
    more coverage, or every word the runner-up found is one of its own («بلاغ» and
    «غايب» are an absence report's words, not a cancellation's). A key that accounts for
    every word the strongest found, and for more, is the fuller reading and goes first
    («استرداد رسوم التأشيرات» is a refund, though «تأشيرات» alone wholly covers «تأشيرات
    العمل»).
    """
    if not evidence:
        return None
    best = evidence[0]
    fuller = [
        e for e in evidence[1:]
        if e.coverage >= 0.6 and e.accounts_for(best) and not best.accounts_for(e)
    ]  # fmt: skip
    best = fuller[0] if fuller else best
    if best.coverage < 0.6 or best.weight < math.log(keys / 3):
        return None
    others = [e for e in evidence if e is not best]
    if others:
        second = others[0]
        ahead = (
            best.strength >= 1.25 * second.strength
            or best.coverage - second.coverage >= 0.25 - 1e-9
            or best.accounts_for(second)
        )
        if not ahead:
            return None
    return best


def named_apart(evidence: list[Evidence], keys: int) -> list[Evidence]:
    """Keys each wholly covered by words of their own, when there are several: «افتح ملف
    منشأة … احجز موعد» names two services, none ahead of the other. Empty otherwise."""
    whole = [e for e in evidence if e.coverage >= 1.0 - 1e-9 and e.weight >= math.log(keys / 3)]
    seen: set[int] = set()
    for e in whole:
        if e.at & seen:
            return []
        seen |= e.at
    return whole if len(whole) > 1 else []


def _closest(
    phrase_words: frozenset[Reading], exact: frozenset[Reading], typo: frozenset[Reading]
) -> Reading | None:
    """The phrase word a typed word is, preferring one it matches without a typo."""
    return min(phrase_words & exact, default=None, key=_order) or min(
        phrase_words & typo, default=None, key=_order
    )


def _order(word: Reading) -> str:
    """A fixed order among phrase words, so the same text always gives the same evidence."""
    return word.main

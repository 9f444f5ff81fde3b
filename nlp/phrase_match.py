"""Finding known phrases (service names, city names) in what a user typed.

People write «نقل الكفاله», «بنقل كفالة», «نقل الكفاة» for the same service. Both sides
are compared after :func:`nlp.normalize.normalize`, words match with or without a
leading «ال» and the one-letter clitics (و ب ل ف ك), and a longer word may carry one
typo. This module is plain Python so the Rasa extractor and the console's search share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlp.normalize import DEFAULT_OPTIONS
from nlp.segment import split_tokens

# Longest first, so «وبال» is stripped before «و».
# «هال» is the Gulf «this»: «هالخدمة», «هالمخالفة»; «عال» is «على ال»: «عالبوابة».
_PREFIXES = (
    "وبال", "وهال", "وعال", "وال", "بال", "فال", "كال", "هال", "عال", "لل", "ال",
    "وب", "ول", "و", "ب", "ل", "ف", "ك",
)  # fmt: skip
# The article with what may lead it: «وال», «بال», «هال» (this)… shared with keyword_match.
DEFINITE = ("وبال", "وهال", "وعال", "وال", "بال", "فال", "كال", "هال", "عال", "لل", "ال")
# Shorter words match exactly, or with two neighbouring letters swapped: one other edit
# turns a four-letter word into another word («تمام», «دوام» and «دمام»).
FUZZY_MIN_LENGTH = 5
EXACT, FUZZY = 1.0, 0.8
SKIP_PENALTY = 0.3
SKIP_MIN_WORDS = 3  # «طلب [استرداد] التاشيره» is not «طلب تأشيرات»: short phrases skip nothing


@dataclass(frozen=True)
class Word:
    """A word of the user's text: where it is and its normalized form."""

    text: str
    start: int
    end: int
    form: str


@dataclass(frozen=True)
class Match:
    """A phrase found in the text, by the key it belongs to (a service or city id)."""

    key: str
    phrase: str
    start: int
    end: int
    words: int
    score: float


def words_of(text: str) -> list[Word]:
    """The text's words with offsets into the original and normalized forms."""
    return [
        Word(piece, start, start + len(piece), form)
        for piece, start, form in split_tokens(text, DEFAULT_OPTIONS)
        if any(ch.isalnum() for ch in form)
    ]


@lru_cache(maxsize=65536)
def variants(form: str) -> frozenset[str]:
    """A word and its forms without one leading clitic, when a real stem remains."""
    found = {form}
    for prefix in _PREFIXES:
        if form.startswith(prefix) and len(form) - len(prefix) >= 3:
            found.add(form[len(prefix):])
    return frozenset(found)


def _core(form: str) -> str:
    for prefix in DEFINITE:
        if form.startswith(prefix) and len(form) - len(prefix) >= 3:
            return form[len(prefix):]
    return form


def within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap turns ``a`` into ``b``."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1:] == b[i + 1:] or (swapped and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:]


def typo_of(a: str, b: str) -> bool:
    """True when ``a`` may be ``b`` mistyped: one edit, the first letter kept. People rarely
    miss the letter a word starts with, and a changed one makes another word: «وعودة» (and
    return) is not «سعودة»."""
    return a[:1] == b[:1] and within_one_edit(a, b)


@lru_cache(maxsize=65536)
def word_score(typed: str, known: str) -> float:
    """How well a typed word matches a known word: EXACT, FUZZY or 0."""
    if variants(typed) & variants(known):
        return EXACT
    a, b = _core(typed), _core(known)
    if min(len(a), len(b)) >= FUZZY_MIN_LENGTH and typo_of(a, b):
        return FUZZY
    if len(a) == len(b) >= 4 and _swapped(a, b):  # «رصخة»: fast thumbs, not another word
        return FUZZY
    if len(a) >= 4 and a != b and a.translate(_PLAIN) == b.translate(_PLAIN):
        return FUZZY  # «رخسة»: Arabizi's «s» (and a learner's ear) does not tell «ص» from «س»
    return 0.0


# Emphatic letters and the plain ones Latin letters (and non-native ears) merge them with.
_PLAIN = str.maketrans("صطضظذقح", "ستدززكه")


def _swapped(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with two neighbouring letters swapped: one edit that, unlike
    a changed letter, keeps the same letters."""
    return a != b and sorted(a) == sorted(b) and within_one_edit(a, b)


class PhraseIndex:
    """Phrases grouped by key; finds the best non-overlapping phrases in a text."""

    def __init__(
        self, phrases: Iterable[tuple[str, str]], exact_only: frozenset[str] = frozenset()
    ) -> None:
        """``phrases`` are (key, phrase) pairs, e.g. ("worker_transfer", "نقل كفالة").

        Typed words in ``exact_only`` (common words such as «خدمه») never match by a typo:
        «خدمه» is not a misspelt «خادمه».
        """
        self.exact_only = exact_only
        self.entries: list[tuple[str, str, tuple[str, ...]]] = []
        for key, phrase in phrases:
            forms = tuple(w.form for w in words_of(phrase))
            if forms:
                self.entries.append((key, phrase, forms))
        self.known = frozenset(v for *_, forms in self.entries for f in forms for v in variants(f))

    def _unglued(self, words: list[Word]) -> list[Word]:
        """``words`` with a word the phrases do not know split in two that they do: a space
        left out («حجزموعد», «فيبوابه») joins two words of one name."""
        return [part for word in words for part in self._split(word)]

    def _split(self, word: Word) -> list[Word]:
        if len(word.form) < 5 or variants(word.form) & self.known:
            return [word]
        for cut in range(2, len(word.form) - 2):
            left, right = word.form[:cut], word.form[cut:]
            if variants(left) & self.known and variants(right) & self.known:
                # Offsets split too when normalizing kept the length; else both halves
                # point at the whole typed word.
                at = word.start + cut if len(word.text) == len(word.form) else None
                return [Word(word.text, word.start, at or word.end, left),
                        Word(word.text, at or word.start, word.end, right)]
        return [word]

    def _score(self, typed: str, known: str) -> float:
        score = word_score(typed, known)
        return 0.0 if score == FUZZY and variants(typed) & self.exact_only else score

    def _match_at(self, forms: Sequence[str], words: Sequence[Word], i: int) -> tuple[int, float]:
        """Matches ``forms`` at word ``i``; long phrases may skip one word. (end, score)."""
        score, j, skipped = 0.0, i, 0
        for k, form in enumerate(forms):
            if j >= len(words):
                return -1, 0.0
            s = self._score(words[j].form, form)
            may_skip = k > 0 and len(forms) >= SKIP_MIN_WORDS and not skipped
            if not s and may_skip and j + 1 < len(words):
                s = self._score(words[j + 1].form, form)
                if s:
                    j, skipped = j + 1, 1
            if not s:
                return -1, 0.0
            score += s
            j += 1
        return j, score - SKIP_PENALTY * skipped

    def find(self, text: str) -> list[Match]:
        """All best non-overlapping matches, longest phrases first, in text order."""
        words = self._unglued(words_of(text))
        candidates = []
        for key, phrase, forms in self.entries:
            for i in range(len(words)):
                end, score = self._match_at(forms, words, i)
                if end > 0:
                    candidates.append(
                        Match(key, phrase, words[i].start, words[end - 1].end, len(forms),
                              score / len(forms))
                    )
        candidates.sort(key=lambda m: (-m.words, -m.score, m.start))
        chosen: list[Match] = []
        for match in candidates:
            if all(match.end <= c.start or match.start >= c.end for c in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)


"""Arabic text normalization: the one place that decides how Dalil "reads" Arabic.

People type the same word many ways: with or without diacritics, with tatweel for
emphasis, with any of four alef forms, ه for ة, Arabic-Indic digits. Every matcher in
Dalil (the Rasa tokenizer, the service extractor, the catalog search of the agents'
console) compares text through :func:`normalize`, so they all agree on what counts as
"the same word". The heavy lifting is camel-tools' data-free utilities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

_TATWEEL_RE = re.compile("\u0640+")
# Zero-width and bidi control characters that copy-paste from phones and PDFs leaves behind.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Three or more of the same letter is emphasis ("مرحبااااا"); two can be a real word ("ممكن").
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCTUATION = str.maketrans("؟،؛٪", "?,;%")


@dataclass(frozen=True)
class NormalizationOptions:
    """Which normalization steps run; each can be switched off from a component's config."""

    unicode: bool = True  # NFKC + camel-tools' fixes; drops zero-width and bidi marks
    diacritics: bool = True  # remove tashkeel (fatha, damma, kasra, shadda, tanween, sukun)
    tatweel: bool = True  # remove kashida, "مـــرحبا" -> "مرحبا"
    alef: bool = True  # أ إ آ ٱ -> ا
    alef_maksura: bool = True  # ى -> ي
    teh_marbuta: bool = True  # ة -> ه
    digits: bool = True  # Arabic-Indic and Persian digits -> ASCII
    punctuation: bool = True  # ؟ ، ؛ ٪ -> ? , ; %
    repeated_letters: bool = True  # squeeze letters repeated 3+ times for emphasis
    lowercase: bool = True  # Latin letters, so "OK" and "ok" are one word
    # Arabizi read in Arabic letters («kam rsoom» -> «كم رسوم»); needs the whole message,
    # so nlp.segment.split_tokens applies it, not normalize().
    arabizi: bool = True

    @classmethod
    def from_config(cls, config: dict) -> NormalizationOptions:
        """Build options from a Rasa component config, ignoring keys that are not steps."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: bool(v) for k, v in config.items() if k in names})


DEFAULT_OPTIONS = NormalizationOptions()


def normalize(text: str, options: NormalizationOptions = DEFAULT_OPTIONS) -> str:
    """Return the normalized form of ``text``; idempotent and total on any Unicode string."""
    if options.unicode:
        text = _INVISIBLE_RE.sub("", normalize_unicode(text))
    if options.diacritics:
        text = dediac_ar(text)
    if options.tatweel:
        text = _TATWEEL_RE.sub("", text)
    if options.alef:
        text = normalize_alef_ar(text)
    if options.alef_maksura:
        text = normalize_alef_maksura_ar(text)
    if options.teh_marbuta:
        text = normalize_teh_marbuta_ar(text)
    if options.digits:
        text = text.translate(_DIGITS)
    if options.punctuation:
        text = text.translate(_PUNCTUATION)
    if options.lowercase:
        text = text.lower()
    if options.repeated_letters:
        text = _REPEAT_RE.sub(r"\1", text)
    return text


# Arabic letters proper: the tatweel (U+0640) between them is decoration, not a letter.
ARABIC_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A]")


def has_arabic_letter(text: str) -> bool:
    """Whether ``text`` holds at least one Arabic letter (not just emoji, tatweel, Latin)."""
    return bool(ARABIC_LETTER.search(text))


def has_readable_word(text: str) -> bool:
    """Whether ``text`` holds a letter of a script clients here write in (Arabic, or Latin
    for English and Arabizi: «thanks», «shukran») or a digit; emoji and other scripts alone
    carry nothing to classify."""
    return has_arabic_letter(text) or any(
        (ch.isascii() and ch.isalpha()) or ch.isdigit() for ch in text
    )

"""Splitting text into words and punctuation, without Rasa, for every matcher to share."""

from __future__ import annotations

import regex

from nlp.arabizi import is_arabizi, to_arabic
from nlp.normalize import NormalizationOptions, normalize

# A word is a run of letters, combining marks (tashkeel), digits and tatweel; anything
# else that is not a space (؟ ، ؛ ! emoji ...) becomes a piece of its own.
_TOKEN_RE = regex.compile(r"[\p{L}\p{M}\p{N}_\u0640]+|[^\s\p{L}\p{M}\p{N}_\u0640]")
# A normalized word in Latin letters, maybe with digits («3amal»); not a number alone.
_LATIN_WORD = regex.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
# «ة» only ends a word: a letter after it means a space was left out («شهادةالسعودة»).
_AFTER_TEH_MARBUTA = regex.compile(r"(?<=\u0629[\p{M}\u0640]*)(?=\p{L})")


def split_tokens(text: str, options: NormalizationOptions) -> list[tuple[str, int, str]]:
    """Split ``text`` into ``(piece, start, normalized)``, dropping pieces that normalize away."""
    pieces = []
    for match in _TOKEN_RE.finditer(text):
        start = match.start()
        for piece in _AFTER_TEH_MARBUTA.split(match.group()):
            normalized = normalize(piece, options)
            if normalized.strip():
                pieces.append((piece, start, normalized))
            start += len(piece)
    latin = [form for _, _, form in pieces if _LATIN_WORD.fullmatch(form)]
    if options.arabizi and is_arabizi(latin):  # «kam rsoom»: read as «كم رسوم»
        pieces = [
            (piece, start, to_arabic(form) if _LATIN_WORD.fullmatch(form) else form)
            for piece, start, form in pieces
        ]
    return pieces

"""Splitting text into words and punctuation, without Rasa, for every matcher to share."""

from __future__ import annotations

import regex

from nlp.normalize import NormalizationOptions, normalize

# A word is a run of letters, combining marks (tashkeel), digits and tatweel; anything
# else that is not a space (؟ ، ؛ ! emoji ...) becomes a piece of its own.
_TOKEN_RE = regex.compile(r"[\p{L}\p{M}\p{N}_\u0640]+|[^\s\p{L}\p{M}\p{N}_\u0640]")


def split_tokens(text: str, options: NormalizationOptions) -> list[tuple[str, int, str]]:
    """Split ``text`` into ``(piece, start, normalized)``, dropping pieces that normalize away."""
    pieces = []
    for match in _TOKEN_RE.finditer(text):
        normalized = normalize(match.group(), options)
        if normalized.strip():
            pieces.append((match.group(), match.start(), normalized))
    return pieces

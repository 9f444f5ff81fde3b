"""Arabizi, Arabic typed in Latin letters and digits («abi a3rf rsoom tajdeed ro5sat el3amal»),
read back into Arabic letters so the catalog's names and the Arabic training examples
apply to it.

Arabizi writes every vowel, short or long, where Arabic writes only the long ones; so a
lone vowel inside a word is dropped, a doubled one («ee», «oo») is the long vowel, and a
word's first and last vowels are kept as Arabic writes them («abi» ابي, «kafala» كفالة's
«ة»). The result is an approximation that the matchers' typo tolerance absorbs.
"""

from __future__ import annotations

import re

# Digits standing for letters Latin lacks; Gulf writers use «8» and «9» for «ق» and «ص».
_DIGITS = {"2": "ء", "3": "ع", "5": "خ", "6": "ط", "7": "ح", "8": "ق", "9": "ص"}
_DIGRAPHS = {"sh": "ش", "kh": "خ", "gh": "غ", "th": "ث", "dh": "ذ"}
_LETTERS = {
    "b": "ب", "t": "ت", "j": "ج", "g": "ق", "d": "د", "r": "ر", "z": "ز", "s": "س",
    "f": "ف", "q": "ق", "k": "ك", "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و",
    "y": "ي", "p": "ب", "v": "ف", "c": "ك", "x": "كس",
}  # fmt: skip
_LONG_VOWELS = {"aa": "ا", "ee": "ي", "ii": "ي", "ei": "ي", "ai": "ي", "ay": "ي",
                "oo": "و", "uu": "و", "ou": "و"}  # fmt: skip
_VOWELS = set("aeiou")
_ARTICLE = re.compile(r"^(?:w?[ae]l)(?=[^aeiou])")  # «el3amal», «alkafala», «wel»
# A word is Arabizi when a digit stands for a letter in it («3amal», «ro5sa»)...
_DIGIT_LETTER = re.compile(r"(?=.*[a-z])(?=.*[235-9])")
# ... and a message is, too, when it has one of these words, which English never uses.
MARKERS = frozenset(
    "abi abgha abga ab8a ebi ebgha bghet bgeet kaif kayf keef kef wain wein wen shlon "
    "shloon esh eish wesh wsh ana enta inta anta 3ndi 3indi indi ma3 mn fi fe 3la ala "
    "lesh laish leh mata meta hal salam ya3ni yaani law sama7t lo tajdeed tjdeed kam "
    "rsoom rusoom kafala kafalah maktab".split()
)
# Common English words: a message with any of these is English, not Arabizi.
ENGLISH = frozenset(
    "the is are am was my i you your he she we they it how what where when why which who "
    "do does did can could should would will to for of and or in on at with from about "
    "please want need have has get this that there not no yes me our us an a be".split()
)


def is_arabizi(words: list[str]) -> bool:
    """Whether the Latin ``words`` (lower case) of one message are Arabic written in Latin."""
    if not words or any(w in ENGLISH for w in words):
        return any(_DIGIT_LETTER.match(w) for w in words)
    return any(_DIGIT_LETTER.match(w) or w in MARKERS for w in words)


def to_arabic(word: str) -> str:
    """One Arabizi word (lower case) in Arabic letters, vowels written as Arabic writes them."""
    out: list[str] = []
    if article := _ARTICLE.match(word):
        out.append("وال" if word.startswith("w") else "ال")
        word = word[article.end():]
    i = 0
    while i < len(word):
        pair, ch = word[i : i + 2], word[i]
        if pair in _DIGRAPHS or pair in _LONG_VOWELS:
            out.append("ا" if i == 0 and pair in _LONG_VOWELS else
                       _DIGRAPHS.get(pair) or _LONG_VOWELS[pair])
            i += 2
            continue
        last = i == len(word) - 1
        if ch in _VOWELS:
            if i == 0:
                out.append("ا")
            elif last and ch in "ae":  # «kafala»: «ة»; «la», «3la»: «ا»
                out.append("ه" if len("".join(out)) >= 3 else "ا")
            elif last:
                out.append("ي" if ch == "i" else "و")
            i += 1
            continue
        if ch == "t" and last and word[i - 1 : i] == "a" and len("".join(out)) >= 3:
            out.append("ه")  # «rukhsat», «mehnat»: the «ة» before a noun that follows
        elif (letter := _DIGITS.get(ch) or _LETTERS.get(ch, "")) and not (
            out and out[-1] == letter
        ):  # a doubled consonant is one letter (shadda)
            out.append(letter)
        i += 1
    return "".join(out)

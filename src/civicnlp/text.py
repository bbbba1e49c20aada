"""The Vietnamese text layer: normalization with offset maps, sentences and syllable tokens.

Models see NFC text with one tone-mark placement ("hòa", "ủy"); users get spans on the
text exactly as they gave it.  :func:`normalize` returns both and the map between them.

>>> norm = normalize("Chủ tịch Hội Nông dân hoà giải")
>>> norm.text[-8:]
'hòa giải'
>>> [t.text for t in tokenize("Ngày 22/8/2024, ông Tám phát biểu.")]
['Ngày', '22/8/2024', ',', 'ông', 'Tám', 'phát', 'biểu', '.']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Tone on the second vowel of an open "oa/oe/uy" syllable ("hoà", "uỷ") moves to the first
# ("hòa", "ủy"), the placement most Vietnamese news sites and our corpora use.  In NFC each
# vowel is one code point, so this rewrite keeps every offset.
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")  # grave, acute, hook, tilde, dot below


def _strip_tone(ch: str) -> tuple[str, str | None]:
    decomposed = unicodedata.normalize("NFD", ch)
    marks = [m for m in decomposed[1:] if m in _TONES]
    if not marks:
        return ch, None
    base = decomposed[0] + "".join(m for m in decomposed[1:] if m not in _TONES)
    return unicodedata.normalize("NFC", base), marks[0]


def _add_tone(ch: str, mark: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch) + mark)


_TONED_PAIR = re.compile(r"(?<![qQ])([oOuU])([^\W\d_])(?![^\W\d_])")


def _move_tone(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    bare, mark = _strip_tone(second)
    if mark is None or bare.lower() not in {"a", "e", "y"}:
        return match.group(0)
    if (first.lower(), bare.lower()) not in {("o", "a"), ("o", "e"), ("u", "y")}:
        return match.group(0)
    return _add_tone(first, mark) + bare


def normalize_tones(text: str) -> str:
    """Move old-style tone marks ("hoà", "uỷ") to the placement the models use ("hòa", "ủy")."""
    return _TONED_PAIR.sub(_move_tone, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _model_view(text: str) -> str:
    # Lone surrogates (broken scrapes) cannot be encoded; U+FFFD keeps every offset.
    return normalize_tones(_SURROGATE.sub("\ufffd", text))


def normalize_text(text: str) -> str:
    """NFC and tone normalization without an offset map (for bulk text such as pretraining)."""
    return _model_view(unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text plus, for each of its characters, the original ``[start, end)`` it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span back to the user's text."""
        if start >= end:
            point = self.starts[start] if start < len(self.starts) else len(self.original)
            return point, point
        return self.starts[start], self.ends[end - 1]

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the user's text onto the normalized text (for training on gold spans)."""
        if len(self.text) == len(self.original):
            return start, end
        import bisect

        return bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)


def normalize(text: str) -> NormalizedText:
    """NFC and tone normalization, keeping a map to the original offsets."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        # Tone moves keep lengths, so NFC text maps one to one.
        index = tuple(range(len(text)))
        return NormalizedText(text, _model_view(text), index, tuple(i + 1 for i in index))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        # A cluster is a base character and the combining marks after it; NFC works inside it.
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        composed = unicodedata.normalize("NFC", text[i:j])
        pieces.append(composed)
        starts.extend([i] * len(composed))
        ends.extend([j] * len(composed))
        i = j
    normalized = _model_view("".join(pieces))
    return NormalizedText(text, normalized, tuple(starts), tuple(ends))


# -- tokens and sentences --------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


# Numbers keep their inner separators (22/8/2024, 1.200, 68%), words their inner hyphen-free
# letters; everything else is one punctuation token.
TOKEN_PATTERN = r"\d+(?:[.,/:]\d+)*%?|[^\W\d_]+(?:\.(?=[^\W\d_]))?|\w+|[^\w\s]"
_TOKEN = re.compile(TOKEN_PATTERN)


def tokenize(text: str) -> list[Token]:
    """Syllable tokens with character offsets into ``text``."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"”’)]*)\s+(?=[\"“‘(]?[A-ZĐÀ-Ỹ0-9])|\n+")
_ABBREVIATIONS = ("TP.", "TS.", "ThS.", "PGS.", "GS.", "Th.", "St.", "Tp.", "v.v.", "TT.", "BS.", "KS.")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets, trimmed of surrounding whitespace; newlines always end one."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.start() + len(match.group(1) or "")
        before = text[start:cut]
        if "\n" not in match.group(0) and before.endswith(_ABBREVIATIONS):
            continue
        bounds.append((start, cut))
        start = match.end()
    bounds.append((start, len(text)))
    trimmed = []
    for s, e in bounds:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed

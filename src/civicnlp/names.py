"""Canonical names of people and bodies within one article.

All mentions of Ngô Chí Cường ("Ngô Chí Cường", "ông Cường") are one speaker, and "Hội
Nông dân tỉnh" and "Hội Nông dân" one body.  Evaluation compares links by these names
and reports group speakers by them.

>>> from civicnlp.schema import Document
>>> doc = Document("a", "Ông Ngô Chí Cường nói. Ông Cường đề nghị.")
>>> full, short = doc.add_span("PER", 4, 17), doc.add_span("PER", 27, 32)
>>> canonical_names(doc)[short.id]
'ngô chí cường'
"""

from __future__ import annotations

import re
import unicodedata

from civicnlp.schema import Document, Span
from civicnlp.text import normalize_tones

_LEVEL = re.compile(r"(?:\s+(?:tỉnh|huyện|xã|thị xã|thành phố|tp\.?|quận|phường|thị trấn))+$")
_ABBREVIATION = re.compile(r"\s*\([^)]*\)")


def normalize_name(text: str) -> str:
    """Lowercase NFC with one tone placement and single spaces."""
    text = normalize_tones(unicodedata.normalize("NFC", text)).lower()
    return " ".join(text.split())


def org_key(text: str) -> str:
    """A body's name without its parenthesised abbreviation and trailing level words."""
    name = normalize_name(_ABBREVIATION.sub("", text))
    return _LEVEL.sub("", name) or name


def canonical_names(doc: Document) -> dict[int, str]:
    """Span id → canonical name, for every span (PER and ORG mentions are resolved in-article)."""
    names: dict[int, str] = {}
    # Persons grouped by last name word, so resolving stays near-linear on long articles.
    persons: dict[str, list[tuple[Span, list[str]]]] = {}
    for span in doc.spans:
        if span.label == "PER":
            words = normalize_name(span.text).split()
            if words:
                persons.setdefault(words[-1], []).append((span, words))
    for span in doc.spans:
        if span.label == "PER":
            names[span.id] = _person(span, persons)
        elif span.label == "ORG":
            names[span.id] = org_key(span.text)
        else:
            names[span.id] = normalize_name(span.text)
    return names


def _person(span: Span, persons: dict[str, list[tuple[Span, list[str]]]]) -> str:
    words = normalize_name(span.text).split()
    if not words:
        return ""
    # A shorter mention ("Cường") stands for a longer one that ends with it; when several
    # people share the ending, the nearest one written before wins.
    fuller = [p for p, w in persons.get(words[-1], []) if len(w) > len(words) and w[-len(words) :] == words]
    if not fuller:
        return " ".join(words)
    before = [p for p in fuller if p.start < span.start]
    chosen = max(before, key=lambda p: p.start) if before else min(fuller, key=lambda p: p.start)
    return normalize_name(chosen.text)

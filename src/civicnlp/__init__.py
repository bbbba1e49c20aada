"""civicnlp: who said what in Vietnamese civic and government news.

>>> import civicnlp
>>> extractor = civicnlp.load()                                          # doctest: +SKIP
>>> doc = extractor("Bí thư Tỉnh ủy Ngô Chí Cường yêu cầu các sở tăng cường kiểm tra.")  # doctest: +SKIP
>>> doc.reports[0].person                                                # doctest: +SKIP
'Ngô Chí Cường'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from civicnlp.errors import CivicError
from civicnlp.schema import Document, Relation, Span

if TYPE_CHECKING:
    from civicnlp.pipeline import Extractor

__all__ = ["CivicError", "Document", "Relation", "Span", "extract", "load"]
__version__ = "0.1.0"


def load(model: str | Path | None = None) -> Extractor:
    """The extractor for a model directory, or the bundled model when ``model`` is None."""
    from civicnlp.pipeline import Extractor

    return Extractor.from_pretrained(None if model in (None, "bundled") else model)


def extract(text: str, *, published: str | None = None, model: str | Path | None = None) -> Document:
    """One-off extraction with a freshly loaded model (use :func:`load` for many texts)."""
    return load(model)(text, published=published)

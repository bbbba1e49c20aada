"""civicnlp: who said what in Vietnamese civic and government news."""

from civicnlp.schema import Document, Relation, Span

__all__ = ["Document", "Relation", "Span"]
__version__ = "0.1.0"

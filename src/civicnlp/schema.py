"""The records civicnlp reads and returns: documents, spans and relations.

The JSONL form follows ANNOTATION.md §4 (Doccano's relation export plus ``meta`` and
DATE ``value``): statements are entries of ``entities`` with a statement label.

>>> doc = Document(id="vd", text="Ông Lê Văn Tám phát biểu.")
>>> doc.add_span("PER", 4, 14).text
'Lê Văn Tám'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from civicnlp.errors import CivicError

ENTITY_LABELS: tuple[str, ...] = ("PER", "POSITION", "ORG", "DATE", "LOC")
STATEMENT_LABELS: tuple[str, ...] = ("DIFFICULTY", "PROPOSAL", "DIRECTIVE")
LABELS: tuple[str, ...] = ENTITY_LABELS + STATEMENT_LABELS

# Which labels each relation may join, as data (head labels, tail labels).
RELATION_SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "HOLDS": (frozenset({"PER"}), frozenset({"POSITION"})),
    "IN_ORG": (frozenset({"POSITION"}), frozenset({"ORG"})),
    "REPORTED_BY": (frozenset(STATEMENT_LABELS), frozenset({"PER", "ORG"})),
    "ADDRESSED_TO": (frozenset({"PROPOSAL", "DIRECTIVE"}), frozenset({"ORG", "PER"})),
}
RELATION_TYPES: tuple[str, ...] = tuple(RELATION_SIGNATURES)


@dataclass
class Span:
    """A labelled character span of a document's text (``end`` exclusive)."""

    id: int
    label: str
    start: int
    end: int
    text: str = ""
    value: str | None = None  # DATE only: YYYY, YYYY-MM, YYYY-MM-DD or START/END

    @property
    def is_statement(self) -> bool:
        return self.label in STATEMENT_LABELS

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "start_offset": self.start,
            "end_offset": self.end,
        }
        if self.value is not None:
            record["value"] = self.value
        return record


@dataclass
class Relation:
    """A typed link ``head -> tail`` between two spans, by span id."""

    id: int
    type: str
    head: int
    tail: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "from_id": self.head, "to_id": self.tail, "type": self.type}


@dataclass
class Document:
    """One article: its text exactly as given, its spans and relations, and ``meta``."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    # -- views ---------------------------------------------------------------
    @property
    def entities(self) -> list[Span]:
        """Entity spans (PER, POSITION, ORG, DATE, LOC) in text order."""
        return sorted((s for s in self.spans if not s.is_statement), key=_order)

    @property
    def statements(self) -> list[Span]:
        """Statement spans (DIFFICULTY, PROPOSAL, DIRECTIVE) in text order."""
        return sorted((s for s in self.spans if s.is_statement), key=_order)

    @property
    def published(self) -> str | None:
        value = self.meta.get("published")
        return str(value) if value else None

    def span(self, span_id: int) -> Span:
        """The span with this id (a cached dict lookup, rebuilt when the span list changed)."""
        index = self.__dict__.get("_index")
        span = index.get(span_id) if index is not None and len(index) == len(self.spans) else None
        if span is None or span.id != span_id:
            index = {s.id: s for s in self.spans}
            self.__dict__["_index"] = index
            span = index[span_id]
        return span

    @property
    def reports(self) -> list[Any]:
        """One report per speaker (see :mod:`civicnlp.reports`)."""
        from civicnlp.reports import build_reports

        return build_reports(self)

    # -- building ------------------------------------------------------------
    def add_span(self, label: str, start: int, end: int, *, value: str | None = None) -> Span:
        span = Span(self._next_id("spans"), label, start, end, self.text[start:end], value)
        self.spans.append(span)
        return span

    def add_relation(self, type: str, head: int, tail: int) -> Relation:
        relation = Relation(self._next_id("relations"), type, head, tail)
        self.relations.append(relation)
        return relation

    def _next_id(self, name: str) -> int:
        # Remember (count, highest id) so that building a large document stays linear.
        items = getattr(self, name)
        count, highest = self.__dict__.get(f"_{name}_ids", (-1, 0))
        if count != len(items):
            highest = max((item.id for item in items), default=0)
        self.__dict__[f"_{name}_ids"] = (len(items) + 1, highest + 1)
        return highest + 1

    # -- JSONL records -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSONL record of ANNOTATION.md §4."""
        return {
            "id": self.id,
            "text": self.text,
            "meta": dict(self.meta),
            "entities": [s.to_dict() for s in sorted(self.spans, key=_order)],
            "relations": [r.to_dict() for r in self.relations],
        }

    @classmethod
    def from_dict(cls, record: Any, *, where: str = "<record>") -> Document:
        """Build a document from a JSONL record; wrong shapes raise a coded error naming ``where``."""
        if not isinstance(record, dict):
            raise CivicError("E002", where=where, kind=type(record).__name__)
        text = _field(record, "text", str, where)
        doc_id = record.get("id")
        if doc_id is None:
            raise CivicError("E003", where=where, field="id")
        meta = record.get("meta")
        meta = {} if meta is None else meta
        if not isinstance(meta, dict):
            raise CivicError("E004", where=where, field="meta", expected="an object", kind=type(meta).__name__)
        doc = cls(id=str(doc_id), text=text, meta=dict(meta))
        for i, entity in enumerate(record.get("entities") or []):
            spot = f"{where} entity #{i}"
            if not isinstance(entity, dict):
                raise CivicError("E002", where=spot, kind=type(entity).__name__)
            start = _field(entity, "start_offset", int, spot)
            end = _field(entity, "end_offset", int, spot)
            label = _field(entity, "label", str, spot)
            value = entity.get("value")
            span_id = entity.get("id", i + 1)
            doc.spans.append(Span(int(span_id), label, start, end, text[start:end], value))
        for i, rel in enumerate(record.get("relations") or []):
            spot = f"{where} relation #{i}"
            if not isinstance(rel, dict):
                raise CivicError("E002", where=spot, kind=type(rel).__name__)
            doc.relations.append(
                Relation(
                    int(rel.get("id", i + 1)),
                    _field(rel, "type", str, spot),
                    _field(rel, "from_id", int, spot),
                    _field(rel, "to_id", int, spot),
                )
            )
        return doc


def _order(span: Span) -> tuple[int, int]:
    # Longer span first on a shared start, so a statement precedes the entity it opens with.
    return (span.start, -span.end)


def _field(record: dict[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in record:
        raise CivicError("E003", where=where, field=name)
    value = record[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CivicError("E004", where=where, field=name, expected=kind.__name__, kind=type(value).__name__)
    return value

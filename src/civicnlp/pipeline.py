"""The extractor: text in, a :class:`~civicnlp.schema.Document` with spans, relations and reports out.

>>> import civicnlp
>>> extractor = civicnlp.load()                                     # doctest: +SKIP
>>> doc = extractor("Chủ tịch Hội Nông dân tỉnh đề nghị tỉnh hỗ trợ vốn.")  # doctest: +SKIP
>>> [r.person for r in doc.reports]                                 # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicnlp.dates import normalize_date
from civicnlp.errors import CivicError
from civicnlp.schema import STATEMENT_LABELS, Document
from civicnlp.tagger import Tagger
from civicnlp.text import NormalizedText, normalize

DEFAULT_MODEL = "civic-tagger-small"
MAX_CHARS = 5_000_000  # one article; longer input is refused with a clear error, not truncated


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most ``size`` items, read lazily (``itertools.batched`` is 3.12+)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bundled_model_path(name: str = DEFAULT_MODEL) -> Path:
    """Where the bundled model lives: inside the installed package, or ``models/`` of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled" / name, here.parents[1] / "models" / name):
        if (candidate / "config.json").exists():
            return candidate
    raise CivicError("E050", where=f"bundled model '{name}'")


# ANNOTATION.md §1: a body's type word alone is a generic class or an anaphor, never an ORG.
BARE_HEADS = frozenset(
    {
        "ubnd",
        "hđnd",
        "hội",
        "sở",
        "bộ",
        "ban",
        "cục",
        "phòng",
        "trung tâm",
        "công ty",
        "văn phòng",
        "thanh tra",
        "cảnh sát",
        "đơn vị",
        "ngành",
        "chi cục",
        "hiệp hội",
    }
)


# Two names, places or dates are never written side by side with only a space between them.
JOINABLE = frozenset({"PER", "LOC", "DATE"})


def apply_guidelines(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Decoding constraints from the guidelines: drop bare body-type words; join a name split in two."""
    kept: list[tuple[str, int, int]] = []
    for label, start, end in sorted(spans, key=lambda sp: sp[1]):
        if label == "ORG" and text[start:end].lower() in BARE_HEADS:
            continue
        if kept and label in JOINABLE and kept[-1][0] == label and text[kept[-1][2] : start] == " ":
            kept[-1] = (label, kept[-1][1], end)  # "Tuệ" + "Nguyễn", "tháng 5" + "năm 2025": one span tagged as two
            continue
        kept.append((label, start, end))
    return kept


def build_document(
    doc_id: str, norm: NormalizedText, spans: Iterable[tuple[str, int, int]], *, meta: dict[str, Any] | None = None
) -> Document:
    """A document on the user's original text from spans predicted on the normalized text."""
    doc = Document(id=doc_id, text=norm.original, meta=dict(meta or {}))
    published = doc.published
    for label, start, end in apply_guidelines(norm.text, list(spans)):
        start, end = _trim(norm.original, *norm.to_original(start, end), statement=label in STATEMENT_LABELS)
        if start >= end:
            continue
        value = normalize_date(doc.text[start:end], published=published) if label == "DATE" else None
        if label == "DATE" and value is None:
            continue  # not a valid calendar date (31/2): ANNOTATION.md requires a value
        doc.add_span(label, start, end, value=value)
    return doc


_EDGE = " \t\n\r\u00a0"
_STATEMENT_EDGE_START = _EDGE + ",;:-–—"
_STATEMENT_EDGE_END = _EDGE + ",;:."


def _trim(text: str, start: int, end: int, *, statement: bool) -> tuple[int, int]:
    """Spans never start or end on whitespace; statements also drop edge commas and the final stop."""
    lead = _STATEMENT_EDGE_START if statement else _EDGE
    tail = _STATEMENT_EDGE_END if statement else _EDGE
    while start < end and text[start] in lead:
        start += 1
    while end > start and text[end - 1] in tail:
        end -= 1
    return start, end


@dataclass
class Extractor:
    """Tagger plus relation linker.  Call it on one text, or ``pipe`` an iterable of them."""

    tagger: Tagger
    linker: Any = None
    batch_size: int = 16

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None) -> Extractor:
        from civicnlp.relations import Linker

        path = Path(path) if path is not None else bundled_model_path()
        return cls(Tagger.from_pretrained(path, quantize=True), Linker.from_pretrained(path))

    def __call__(self, text: str, *, published: str | None = None, id: str = "doc") -> Document:
        meta = {"published": published} if published else {}
        return next(self.pipe([{"id": id, "text": text, "meta": meta}]))

    def pipe(
        self, items: Iterable[str | dict[str, Any] | Document], *, batch_size: int | None = None
    ) -> Iterator[Document]:
        """Extract from many texts lazily; each item is a string, a record ``{id, text, meta}`` or a Document."""
        inputs = (_as_input(item, number) for number, item in enumerate(items))
        for batch in chunks(inputs, batch_size or self.batch_size):
            yield from self._run(batch)

    def _run(self, batch: list[tuple[str, str, dict[str, Any]]]) -> list[Document]:
        norms = [normalize(text) for _, text, _ in batch]
        predicted = self.tagger.predict(norms)
        docs = []
        for (doc_id, _, meta), norm, spans in zip(batch, norms, predicted, strict=True):
            doc = build_document(doc_id, norm, spans, meta=meta)
            if self.linker is not None:
                self.linker.link(doc)
            docs.append(doc)
        return docs


def _as_input(item: str | dict[str, Any] | Document, number: int) -> tuple[str, str, dict[str, Any]]:
    if isinstance(item, Document):
        return item.id, item.text, dict(item.meta)
    if isinstance(item, str):
        text, doc_id, meta = item, f"doc-{number}", {}
    elif isinstance(item, dict):
        text, doc_id, meta = item.get("text"), str(item.get("id", f"doc-{number}")), item.get("meta") or {}
    else:
        raise CivicError("E060", where=f"item {number}", kind=type(item).__name__)
    if not isinstance(text, str):
        raise CivicError("E060", where=f"item {number}", kind=type(text).__name__)
    if len(text) > MAX_CHARS:
        raise CivicError("E070", where=f"item {number}", detail=f"text of {len(text)} characters exceeds {MAX_CHARS}")
    if not isinstance(meta, dict):
        raise CivicError("E004", where=f"item {number}", field="meta", expected="an object", kind=type(meta).__name__)
    return doc_id, text, meta

"""Reading, writing, validating and counting annotated corpora.

A corpus is any mix of JSONL files (one article a line), markup files (``.md``, one
article each) and folders holding them.  Validation reports every problem with the
file, line, document id and offset, never only the first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civicnlp.errors import CivicError, CorpusError
from civicnlp.markup import parse_markup
from civicnlp.schema import LABELS, RELATION_SIGNATURES, STATEMENT_LABELS, Document

_DATE_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")


@dataclass
class Located:
    """A document with the place it was read from (``path:line``), for error messages."""

    doc: Document
    where: str


def iter_jsonl_records(path: str | Path) -> Iterator[tuple[int, Any | CivicError]]:
    """Yield ``(line_number, record)`` per non-blank line; a broken line yields its error instead."""
    path = Path(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, CivicError("E042", where=where, detail=str(exc))
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, CivicError("E001", where=where, detail=exc.msg)


def read_jsonl(path: str | Path) -> list[Document]:
    """Read a JSONL corpus; the first malformed line raises an error naming file and line."""
    return [located.doc for located in iter_located(path)]


def iter_located(path: str | Path) -> Iterator[Located]:
    """Yield every document under ``path`` (file or folder) with where it came from."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.suffix in {".jsonl", ".md"} and child.is_file() and child.name.lower() != "readme.md":
                yield from iter_located(child)
        return
    if not path.is_file():
        raise CivicError("E040", where=str(path))
    if path.suffix == ".md":
        yield Located(parse_markup(path.read_text(encoding="utf-8"), where=str(path)), str(path))
    elif path.suffix in {".jsonl", ".json"}:
        for number, record in iter_jsonl_records(path):
            if isinstance(record, CivicError):
                raise record
            where = f"{path}:{number}"
            yield Located(Document.from_dict(record, where=where), where)
    else:
        raise CivicError("E041", where=str(path))


def read_corpus(paths: Iterable[str | Path]) -> list[Document]:
    """Read documents from files and folders, in a stable order.

    A document met twice (a markup source and its JSONL split) is kept once; the same id
    with different content is an error, so sources and splits cannot drift apart unseen.
    """
    seen: dict[str, Located] = {}
    docs: list[Document] = []
    for path in paths:
        for located in iter_located(path):
            first = seen.get(located.doc.id)
            if first is None:
                seen[located.doc.id] = located
                docs.append(located.doc)
            elif first.doc.to_dict() != located.doc.to_dict():
                raise CivicError(
                    "E070",
                    where=located.where,
                    detail=f"document '{located.doc.id}' differs from the one in {first.where}",
                )
    return docs


def write_jsonl(docs: Iterable[Document], path: str | Path) -> None:
    """Write documents as JSONL records (UTF-8, one article a line)."""
    with Path(path).open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


# -- validation -------------------------------------------------------------------------------
def validate_document(doc: Document, *, where: str = "") -> list[CivicError]:
    """Every problem of one document: ranges, whitespace edges, overlaps, labels, relations, dates."""
    where = f"{where} id={doc.id}" if where else f"id={doc.id}"
    problems: list[CivicError] = []
    seen: set[int] = set()
    for span in doc.spans:
        spot = f"{where} span {span.id}"
        if span.id in seen:
            problems.append(CivicError("E016", where=where, span_id=span.id))
        seen.add(span.id)
        if span.label not in LABELS:
            problems.append(CivicError("E010", where=spot, label=span.label))
        if not 0 <= span.start < span.end <= len(doc.text):
            problems.append(CivicError("E011", where=spot, start=span.start, end=span.end, length=len(doc.text)))
            continue
        surface = doc.text[span.start : span.end]
        if surface != surface.strip():
            problems.append(CivicError("E012", where=spot, start=span.start, end=span.end))
        if span.label == "DATE":
            if not span.value:
                problems.append(CivicError("E014", where=spot, start=span.start, end=span.end))
            elif not _DATE_VALUE.match(span.value):
                problems.append(CivicError("E015", where=spot, value=span.value))
    for layer in (False, True):
        problems.extend(_overlaps(doc, where, statements=layer))
    by_id = {s.id: s for s in doc.spans}
    for rel in doc.relations:
        spot = f"{where} relation {rel.id}"
        if rel.type not in RELATION_SIGNATURES:
            problems.append(CivicError("E020", where=spot, type=rel.type))
            continue
        missing = [i for i in (rel.head, rel.tail) if i not in by_id]
        for span_id in missing:
            problems.append(CivicError("E021", where=spot, rel_id=rel.id, span_id=span_id))
        if missing:
            continue
        heads, tails = RELATION_SIGNATURES[rel.type]
        head, tail = by_id[rel.head].label, by_id[rel.tail].label
        if head not in heads or tail not in tails:
            problems.append(CivicError("E022", where=spot, rel_id=rel.id, type=rel.type, head=head, tail=tail))
    return problems


def _overlaps(doc: Document, where: str, *, statements: bool) -> list[CivicError]:
    layer = sorted((s for s in doc.spans if (s.label in STATEMENT_LABELS) == statements), key=lambda s: s.start)
    problems = []
    if not layer:
        return problems
    previous = layer[0]  # the span reaching furthest so far, so non-adjacent overlaps are caught too
    for span in layer[1:]:
        if span.start < previous.end:
            problems.append(
                CivicError(
                    "E013",
                    where=f"{where} span {span.id}",
                    start=span.start,
                    end=span.end,
                    label=span.label,
                    other_start=previous.start,
                    other_end=previous.end,
                    other_label=previous.label,
                )
            )
        if span.end > previous.end:
            previous = span
    return problems


def validate_paths(paths: Iterable[str | Path]) -> int:
    """Validate every document under ``paths``; raise :class:`CorpusError` listing all problems.

    Returns the number of documents checked.
    """
    problems: list[CivicError] = []
    count = 0
    for path in paths:
        try:
            for located in iter_located(path):
                count += 1
                problems.extend(validate_document(located.doc, where=located.where))
        except CivicError as exc:
            problems.append(exc)
    if problems:
        raise CorpusError(problems)
    return count


def require_valid(docs: Iterable[Document], *, where: str = "corpus") -> list[Document]:
    """Return the documents if all validate, else raise with every problem (used before training)."""
    docs = list(docs)
    problems = [p for doc in docs for p in validate_document(doc, where=where)]
    if problems:
        raise CorpusError(problems)
    return docs


# -- splits -------------------------------------------------------------------------------------
def split_documents(
    docs: Iterable[Document], *, dev: float = 0.1, test: float = 0.1, seed: int = 13, key: str = "type"
) -> dict[str, list[Document]]:
    """Deterministic train/dev/test split by article, stratified by ``meta[key]`` (article type)."""
    import random

    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(str(doc.meta.get(key, "")), []).append(doc)
    splits: dict[str, list[Document]] = {"train": [], "dev": [], "test": []}
    for name in sorted(groups):
        members = sorted(groups[name], key=lambda d: d.id)
        random.Random(f"{seed}:{name}").shuffle(members)
        n_test = round(len(members) * test)
        n_dev = round(len(members) * dev)
        splits["test"] += members[:n_test]
        splits["dev"] += members[n_test : n_test + n_dev]
        splits["train"] += members[n_test + n_dev :]
    return {name: sorted(part, key=lambda d: d.id) for name, part in splits.items()}


# -- statistics -------------------------------------------------------------------------------
@dataclass
class CorpusStats:
    documents: int = 0
    characters: int = 0
    labels: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "labels": dict(sorted(self.labels.items())),
            "relations": dict(sorted(self.relations.items())),
        }


def corpus_stats(docs: Iterable[Document]) -> CorpusStats:
    """Documents, characters, and counts per label and relation type."""
    stats = CorpusStats()
    for doc in docs:
        stats.documents += 1
        stats.characters += len(doc.text)
        stats.labels.update(s.label for s in doc.spans)
        stats.relations.update(r.type for r in doc.relations)
    return stats

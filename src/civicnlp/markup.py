"""The inline markup of ANNOTATION.md §5, for writing and reviewing annotations by hand.

``[surface](LABEL)``, ``[surface](LABEL:id)`` and ``[ngày 22/8/2024](DATE=2024-08-22)`` mark
entities; ``<<content>>(LABEL:id)`` marks a statement, which may contain entity markup.
Header lines ``@key value`` give the id and ``meta``; relations follow a ``---`` line as
``from TYPE to``.  Removing the markup gives back the article text exactly.

>>> doc = parse_markup("@id vd\\n[Ông Tám](PER:p1) nói.\\n---\\n", where="vd.md")
>>> doc.text, doc.spans[0].text
('Ông Tám nói.', 'Ông Tám')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from civicnlp.errors import CivicError
from civicnlp.schema import STATEMENT_LABELS, Document, Relation, Span, _order

_TAG = re.compile(r"\(([A-Z_]+)(?::([A-Za-z0-9_]+))?(?:=([^)\s]+))?\)")
_PREFIX = {"PER": "p", "POSITION": "pos", "ORG": "o", "DATE": "d", "LOC": "l"}


@dataclass
class _Open:
    kind: str  # "[" or "<<"
    start: int  # offset in the plain text
    line: int
    column: int


def parse_markup(source: str, *, where: str = "<markup>") -> Document:
    """Parse one article in inline markup into a :class:`Document`."""
    lines = source.split("\n")
    meta: dict[str, str] = {}
    first_body = 0
    while first_body < len(lines) and lines[first_body].startswith("@"):
        key, _, value = lines[first_body][1:].partition(" ")
        meta[key.strip()] = value.strip()
        first_body += 1
    separators = [i for i, line in enumerate(lines) if line.strip() == "---" and i >= first_body]
    body_end = separators[-1] if separators else len(lines)
    body = "\n".join(lines[first_body:body_end])
    doc_id = meta.pop("id", None)
    if not doc_id:
        raise CivicError("E030", where=f"{where}:1", detail="missing '@id' header line")
    text, spans = _parse_body(body, where=where, first_line=first_body + 1)
    doc = Document(id=doc_id, text=text, meta=meta)
    names: dict[str, int] = {}
    spans.sort(key=lambda pair: _order(pair[0]))
    for number, (span, name) in enumerate(spans, start=1):
        span.id = number
        doc.spans.append(span)
        if name is not None:
            if name in names:
                raise CivicError("E030", where=f"{where}", detail=f"id '{name}' used twice")
            names[name] = number
    for offset, line in enumerate(lines[body_end + 1 :], start=body_end + 2):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise CivicError("E030", where=f"{where}:{offset}", detail=f"relation must be 'from TYPE to': {line!r}")
        head, type_, tail = parts
        for name in (head, tail):
            if name not in names:
                raise CivicError("E030", where=f"{where}:{offset}", detail=f"unknown id '{name}' in {line!r}")
        doc.relations.append(Relation(len(doc.relations) + 1, type_, names[head], names[tail]))
    return doc


def _parse_body(body: str, *, where: str, first_line: int) -> tuple[str, list[tuple[Span, str | None]]]:
    out: list[str] = []
    length = 0
    stack: list[_Open] = []
    spans: list[tuple[Span, str | None]] = []
    line, column = first_line, 1
    i = 0
    while i < len(body):
        ch = body[i]
        if body.startswith("<<", i):
            stack.append(_Open("<<", length, line, column))
            i += 2
            column += 2
            continue
        closing = "]" if ch == "]" else (">>" if body.startswith(">>", i) else None)
        if closing is not None:
            expected = "[" if closing == "]" else "<<"
            if not stack or stack[-1].kind != expected:
                raise CivicError("E030", where=f"{where}:{line}:{column}", detail=f"'{closing}' closes nothing")
            opened = stack.pop()
            tag = _TAG.match(body, i + len(closing))
            if tag is None:
                raise CivicError("E030", where=f"{where}:{line}:{column}", detail="expected '(LABEL)' after span")
            label, name, value = tag.groups()
            if (label in STATEMENT_LABELS) != (expected == "<<"):
                kind = "statement" if expected == "<<" else "entity"
                raise CivicError("E030", where=f"{where}:{line}:{column}", detail=f"{label} used on an {kind} span")
            text_so_far = "".join(out)
            out = [text_so_far]
            span = Span(0, label, opened.start, length, text_so_far[opened.start :], value)
            spans.append((span, name))
            column += tag.end() - i
            i = tag.end()
            continue
        if ch == "[":
            stack.append(_Open("[", length, line, column))
            i += 1
            column += 1
            continue
        out.append(ch)
        length += 1
        if ch == "\n":
            line, column = line + 1, 1
        else:
            column += 1
        i += 1
    if stack:
        opened = stack[-1]
        raise CivicError("E030", where=f"{where}:{opened.line}:{opened.column}", detail=f"'{opened.kind}' never closed")
    return "".join(out), spans


def to_markup(doc: Document) -> str:
    """Write a document as inline markup; spans in relations get readable ids (p1, pos3, s12 …)."""
    linked = {r.head for r in doc.relations} | {r.tail for r in doc.relations}
    names = {s.id: f"{_PREFIX.get(s.label, 's')}{s.id}" for s in doc.spans if s.id in linked}
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    ordered = sorted(doc.spans, key=_order)
    for span in ordered:
        _check_nesting(doc, span, ordered)
        tag = span.label + (f":{names[span.id]}" if span.id in names else "")
        if span.value is not None:
            tag += f"={span.value}"
        is_statement = span.label in STATEMENT_LABELS
        opens.setdefault(span.start, []).append("<<" if is_statement else "[")
        closes.setdefault(span.end, []).insert(0, (">>" if is_statement else "]") + f"({tag})")
    parts: list[str] = []
    for i in range(len(doc.text) + 1):
        parts.extend(closes.get(i, []))
        parts.extend(opens.get(i, []))
        if i < len(doc.text):
            parts.append(doc.text[i])
    header = [f"@id {doc.id}"] + [f"@{key} {value}" for key, value in doc.meta.items()]
    relations = [f"{names[r.head]} {r.type} {names[r.tail]}" for r in doc.relations]
    return "\n".join(header) + "\n" + "".join(parts) + "\n---\n" + "\n".join(relations) + ("\n" if relations else "")


def _check_nesting(doc: Document, span: Span, ordered: list[Span]) -> None:
    for other in ordered:
        if other is span or other.start >= span.end or other.end <= span.start:
            continue
        inside = span.start <= other.start and other.end <= span.end
        outside = other.start <= span.start and span.end <= other.end
        if not (inside or outside):
            raise CivicError(
                "E030",
                where=f"{doc.id} offset {span.start}",
                detail=f"spans {span.start}-{span.end} and {other.start}-{other.end} cross; markup cannot nest them",
            )

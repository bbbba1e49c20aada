"""Annotation-tool formats: Label Studio JSON, spaCy DocBin and CoNLL BIO (Doccano JSONL is our own).

- **Label Studio**: ``to_label_studio(docs, as_predictions=True)`` gives tasks whose results a user
  corrects in Label Studio (spans with ``from_name="label"``, relations with ``type="relation"``);
  ``from_label_studio(tasks)`` reads its JSON export (the first annotation, else the predictions).
- **spaCy DocBin**: entities in ``doc.ents``, statements in ``doc.spans["statements"]``, relations,
  ids and meta in ``doc.user_data``.
- **CoNLL BIO**: one syllable per line, ``token<TAB>entity-tag<TAB>statement-tag``, a blank line
  between sentences, ``# id = …`` and ``# text = …`` before each article so that offsets can be
  rebuilt exactly.  Relations are not part of CoNLL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from civicnlp.dates import normalize_date
from civicnlp.errors import CivicError
from civicnlp.schema import Document
from civicnlp.tagger import ENTITY_TAGS, STATEMENT_TAGS, spans_to_tags, tags_to_spans
from civicnlp.text import Token, sentences, tokenize


# -- Label Studio -------------------------------------------------------------------------------
def to_label_studio(docs: Iterable[Document], *, as_predictions: bool = True, model_version: str = "civicnlp") -> list:
    """Label Studio tasks; with ``as_predictions`` the spans are pre-annotations to correct."""
    tasks = []
    for doc in docs:
        result: list[dict[str, Any]] = []
        for span in doc.spans:
            value: dict[str, Any] = {
                "start": span.start,
                "end": span.end,
                "text": doc.text[span.start : span.end],
                "labels": [span.label],
            }
            item = {"id": f"s{span.id}", "from_name": "label", "to_name": "text", "type": "labels", "value": value}
            if span.value is not None:
                item["meta"] = {"value": span.value}
            result.append(item)
        for rel in doc.relations:
            result.append(
                {
                    "from_id": f"s{rel.head}",
                    "to_id": f"s{rel.tail}",
                    "type": "relation",
                    "direction": "right",
                    "labels": [rel.type],
                }
            )
        key = "predictions" if as_predictions else "annotations"
        entry: dict[str, Any] = {"result": result}
        if as_predictions:
            entry["model_version"] = model_version
        tasks.append({"data": {"id": doc.id, "text": doc.text, "meta": doc.meta}, key: [entry]})
    return tasks


def from_label_studio(tasks: list[dict[str, Any]], *, where: str = "label-studio") -> list[Document]:
    """Documents from a Label Studio JSON export (annotations first, then predictions)."""
    docs = []
    for number, task in enumerate(tasks):
        spot = f"{where} task #{number}"
        data = task.get("data") or {}
        if not isinstance(data.get("text"), str):
            raise CivicError("E003", where=spot, field="data.text")
        entries = task.get("annotations") or task.get("predictions") or [{"result": []}]
        doc = Document(str(data.get("id", task.get("id", number))), data["text"], meta=dict(data.get("meta") or {}))
        ids: dict[str, int] = {}
        for item in entries[0].get("result", []):
            if item.get("type") == "labels":
                value = item["value"]
                span = doc.add_span(
                    value["labels"][0], value["start"], value["end"], value=(item.get("meta") or {}).get("value")
                )
                ids[str(item["id"])] = span.id
        for item in entries[0].get("result", []):
            if item.get("type") == "relation":
                if item["from_id"] not in ids or item["to_id"] not in ids:
                    raise CivicError("E070", where=spot, detail=f"relation between unknown regions {item}")
                doc.add_relation(item["labels"][0], ids[item["from_id"]], ids[item["to_id"]])
        docs.append(doc)
    return docs


# -- spaCy DocBin -----------------------------------------------------------------------------------
def to_docbin(docs: Iterable[Document]) -> Any:
    """A spaCy ``DocBin`` with entities, statements, relations, ids and meta."""
    from spacy.tokens import DocBin

    from civicnlp.spacy_components import STATEMENTS_KEY, blank

    nlp = blank()
    out = DocBin(store_user_data=True)
    for doc in docs:
        sdoc = nlp.make_doc(doc.text)
        ents, statements = [], []
        for span in doc.spans:
            target = sdoc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            (statements if span.is_statement else ents).append(target)
        sdoc.ents = ents
        sdoc.spans[STATEMENTS_KEY] = statements
        sdoc.user_data["civicnlp"] = {
            "id": doc.id,
            "meta": doc.meta,
            "spans": [s.to_dict() for s in doc.spans],
            "relations": [r.to_dict() for r in doc.relations],
        }
        out.add(sdoc)
    return out


def from_docbin(docbin: Any) -> list[Document]:
    """Documents back from a ``DocBin`` made by :func:`to_docbin` (or any DocBin with ents/spans)."""
    from civicnlp.spacy_components import STATEMENTS_KEY, blank

    docs = []
    for number, sdoc in enumerate(docbin.get_docs(blank().vocab)):
        stored = sdoc.user_data.get("civicnlp")
        if stored is not None:
            docs.append(
                Document.from_dict(
                    {
                        "id": stored["id"],
                        "text": sdoc.text,
                        "meta": stored["meta"],
                        "entities": stored["spans"],
                        "relations": stored["relations"],
                    }
                )
            )
            continue
        doc = Document(f"doc-{number}", sdoc.text)
        for span in [*sdoc.ents, *sdoc.spans.get(STATEMENTS_KEY, [])]:
            doc.add_span(span.label_, span.start_char, span.end_char)
        docs.append(doc)
    return docs


# -- CoNLL BIO ---------------------------------------------------------------------------------------
def to_conll(docs: Iterable[Document]) -> str:
    """Two-layer BIO columns, one syllable a line (DATE values and relations are not kept)."""
    lines: list[str] = []
    for doc in docs:
        lines += [
            f"# id = {doc.id}",
            "# meta = " + json.dumps(doc.meta, ensure_ascii=False),
            "# text = " + doc.text.replace("\\", "\\\\").replace("\n", "\\n"),
        ]
        words = tokenize(doc.text)
        entity = spans_to_tags(words, doc.entities, ENTITY_TAGS)
        statement = spans_to_tags(words, doc.statements, STATEMENT_TAGS)
        bounds = sentences(doc.text)
        k = 0
        for i, word in enumerate(words):
            while k < len(bounds) - 1 and word.start >= bounds[k][1]:
                k += 1
                lines.append("")
            lines.append(f"{word.text}\t{ENTITY_TAGS[entity[i]]}\t{STATEMENT_TAGS[statement[i]]}")
        lines.append("")
    return "\n".join(lines) + "\n"


def from_conll(source: str, *, where: str = "conll") -> list[Document]:
    """Documents from :func:`to_conll` output; tokens are re-anchored on the ``# text`` line."""
    docs: list[Document] = []
    rows: list[tuple[int, str, str, str]] = []
    doc_id, text, meta = None, None, {}

    def flush() -> None:
        if text is None:
            return
        doc = Document(doc_id or f"doc-{len(docs)}", text, meta=meta)
        words, ent_tags, stm_tags = [], [], []
        cursor = 0
        for line_no, token, ent, stm in rows:
            at = text.find(token, cursor)
            if at < 0:
                raise CivicError("E070", where=f"{where}:{line_no}", detail=f"token {token!r} not in the # text line")
            words.append(Token(token, at, at + len(token)))
            cursor = at + len(token)
            ent_tags.append(ENTITY_TAGS.index(ent) if ent in ENTITY_TAGS else 0)
            stm_tags.append(STATEMENT_TAGS.index(stm) if stm in STATEMENT_TAGS else 0)
        for label, start, end in tags_to_spans(words, ent_tags, ENTITY_TAGS) + tags_to_spans(
            words, stm_tags, STATEMENT_TAGS
        ):
            # DATE values are not a CoNLL column: the normalizer rebuilds them.
            value = normalize_date(text[start:end], published=doc.published) if label == "DATE" else None
            doc.add_span(label, start, end, value=value)
        docs.append(doc)

    for line_no, line in enumerate(source.splitlines(), start=1):
        if line.startswith("# id = "):
            flush()
            doc_id, text, rows, meta = line[7:], None, [], {}
        elif line.startswith("# meta = "):
            meta = json.loads(line[9:])
        elif line.startswith("# text = "):
            text = line[9:].replace("\\n", "\n").replace("\\\\", "\\")
        elif line.strip():
            parts = line.split("\t")
            if len(parts) != 3:
                raise CivicError("E070", where=f"{where}:{line_no}", detail="expected token, entity tag, statement tag")
            rows.append((line_no, *parts))
    flush()
    return docs


def convert(source: Path, target: Path) -> int:
    """Convert between formats by file suffix: .jsonl/.md, .ls.json (Label Studio), .spacy, .conll."""
    from civicnlp.corpus import read_corpus, write_jsonl

    def kind(path: Path) -> str:
        name = path.name
        for suffix, label in (
            (".ls.json", "label-studio"),
            (".spacy", "docbin"),
            (".conll", "conll"),
            (".jsonl", "jsonl"),
            (".md", "jsonl"),
        ):
            if name.endswith(suffix) or (label == "jsonl" and path.is_dir()):
                return label
        raise CivicError("E041", where=str(path))

    src, dst = kind(source), kind(target)
    if src == "label-studio":
        docs = from_label_studio(json.loads(source.read_text(encoding="utf-8")), where=str(source))
    elif src == "docbin":
        from spacy.tokens import DocBin

        docs = from_docbin(DocBin().from_disk(source))
    elif src == "conll":
        docs = from_conll(source.read_text(encoding="utf-8"), where=str(source))
    else:
        docs = read_corpus([source])
    if dst == "label-studio":
        target.write_text(json.dumps(to_label_studio(docs), ensure_ascii=False, indent=1), encoding="utf-8")
    elif dst == "docbin":
        to_docbin(docs).to_disk(target)
    elif dst == "conll":
        target.write_text(to_conll(docs), encoding="utf-8")
    else:
        write_jsonl(docs, target)
    return len(docs)

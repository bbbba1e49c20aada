from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from civicnlp.corpus import (
    corpus_stats,
    read_corpus,
    split_documents,
    validate_document,
    validate_paths,
    write_jsonl,
)
from civicnlp.errors import CivicError, CorpusError
from civicnlp.schema import Document, Relation, Span
from civicnlp.text import sentences

ROOT = Path(__file__).resolve().parents[1]
CIVIC = ROOT / "corpora" / "civic-vi"


def _doc(**changes) -> Document:
    doc = Document("d1", "Ông Tám, Chủ tịch Hội Nông dân tỉnh, nói ngày 5/6.", meta={"published": "2024-01-01"})
    doc.add_span("PER", 4, 7)
    doc.add_span("POSITION", 9, 17)
    doc.add_span("ORG", 18, 35)
    doc.add_span("DATE", 41, 49, value="2024-06-05")
    doc.add_relation("HOLDS", 1, 2)
    for key, value in changes.items():
        setattr(doc, key, value)
    return doc


def test_corpus_valid_document_has_no_problems():
    assert validate_document(_doc()) == []


@pytest.mark.parametrize(
    ("span", "relation", "code"),
    [
        (Span(9, "PER", 40, 99), None, "E011"),
        (Span(9, "PER", 3, 7), None, "E012"),
        (Span(9, "LOC", 5, 12), None, "E013"),
        (Span(9, "WHO", 0, 3), None, "E010"),
        (Span(9, "DATE", 0, 3), None, "E014"),
        (Span(9, "DATE", 0, 3, value="5/6"), None, "E015"),
        (Span(1, "LOC", 36, 39), None, "E016"),
        (None, Relation(5, "HOLDS", 1, 77), "E021"),
        (None, Relation(5, "IN_ORG", 1, 3), "E022"),
        (None, Relation(5, "LIKES", 1, 3), "E020"),
    ],
)
def test_corpus_validation_reports_each_problem(span, relation, code):
    doc = _doc()
    if span is not None:
        doc.spans.append(span)
    if relation is not None:
        doc.relations.append(relation)
    problems = validate_document(doc, where="f.jsonl:3")
    assert code in {p.code for p in problems}
    assert all("f.jsonl:3" in str(p) and "id=d1" in str(p) for p in problems)


def test_corpus_validate_paths_lists_every_problem(tmp_path):
    bad = _doc()
    bad.spans += [Span(9, "PER", 3, 7), Span(10, "DATE", 0, 3)]
    write_jsonl([bad], tmp_path / "bad.jsonl")
    (tmp_path / "broken.jsonl").write_text('{"id": "x", "text": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        validate_paths([tmp_path])
    message = str(info.value)
    assert "E012" in message and "E014" in message and "broken.jsonl:2" in message


def test_corpus_same_id_with_different_content_is_an_error(tmp_path):
    write_jsonl([_doc()], tmp_path / "a.jsonl")
    changed = _doc()
    changed.spans.pop()
    write_jsonl([changed], tmp_path / "b.jsonl")
    with pytest.raises(CivicError, match="differs"):
        read_corpus([tmp_path])


def test_corpus_stats_counts_labels_and_relations(seed_doc):
    stats = corpus_stats([seed_doc]).to_dict()
    assert stats["documents"] == 1 and stats["characters"] == len(seed_doc.text)
    assert stats["labels"]["DIFFICULTY"] == 10 and stats["relations"]["REPORTED_BY"] == 27


def test_corpus_split_is_deterministic_and_stratified():
    docs = [Document(f"d{i}", "x", meta={"type": "a" if i % 2 else "b"}) for i in range(40)]
    first, second = split_documents(docs), split_documents(list(reversed(docs)))
    assert {k: [d.id for d in v] for k, v in first.items()} == {k: [d.id for d in v] for k, v in second.items()}
    assert [len(first[k]) for k in ("train", "dev", "test")] == [32, 4, 4]
    assert {d.meta["type"] for d in first["test"]} == {"a", "b"}


# -- the shipped corpus ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def civic_splits() -> dict[str, list[Document]]:
    return {name: read_corpus([CIVIC / f"{name}.jsonl"]) for name in ("train", "dev", "test")}


def test_corpus_shipped_files_validate():
    assert validate_paths([ROOT / "corpora"]) > 400


def test_corpus_splits_match_markup_sources(civic_splits):
    markup = {d.id: d.to_dict() for d in read_corpus([CIVIC / "markup"])}
    split = {d.id: d.to_dict() for docs in civic_splits.values() for d in docs}
    assert markup == split


def test_corpus_no_sentence_repeats_across_articles(civic_splits):
    where = defaultdict(set)
    for docs in civic_splits.values():
        for doc in docs:
            for start, end in sentences(doc.text):
                if end - start >= 30:
                    where[doc.text[start:end]].add(doc.id)
    assert [s for s, ids in where.items() if len(ids) > 1] == []


def test_corpus_label_counts_in_sane_ranges(civic_splits):
    docs = [d for part in civic_splits.values() for d in part]
    stats = corpus_stats(docs)
    assert stats.documents >= 200 and stats.characters >= 450_000
    assert stats.labels["DIFFICULTY"] >= 800 and stats.labels["PROPOSAL"] >= 400
    assert stats.labels["DIRECTIVE"] >= 200 and stats.relations["REPORTED_BY"] >= 1000
    for doc in docs:
        assert 1_500 <= len(doc.text) <= 6_000, doc.id
        if doc.meta.get("type") == "no-statement":
            assert not doc.statements, doc.id
        else:
            assert doc.statements, doc.id
    # every split has every article type with statements
    for part in civic_splits.values():
        assert {s.label for d in part for s in d.statements} == {"DIFFICULTY", "PROPOSAL", "DIRECTIVE"}


def test_corpus_written_jsonl_is_one_record_per_line(tmp_path, seed_doc):
    write_jsonl([seed_doc, seed_doc], tmp_path / "o.jsonl")
    lines = (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [seed_doc.id] * 2

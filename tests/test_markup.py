from __future__ import annotations

from pathlib import Path

import pytest

from civicnlp.errors import CivicError
from civicnlp.markup import parse_markup, to_markup


def _facts(doc):
    spans = {(s.label, s.start, s.end, s.value) for s in doc.spans}
    rels = {(r.type, doc.span(r.head).start, doc.span(r.tail).start) for r in doc.relations}
    return doc.text, spans, rels, doc.meta


def test_markup_seed_matches_jsonl(seed_doc, seed_markup_doc):
    assert seed_markup_doc.to_dict() == seed_doc.to_dict()


def test_markup_round_trip_is_lossless(seed_markup_doc):
    again = parse_markup(to_markup(seed_markup_doc))
    assert _facts(again) == _facts(seed_markup_doc)
    assert again.to_dict() == seed_markup_doc.to_dict()


def test_markup_text_is_markup_free(seed_markup_doc):
    seed_txt = Path(__file__).resolve().parents[1] / "corpora" / "seed" / "seed.txt"
    assert seed_markup_doc.text == seed_txt.read_text(encoding="utf-8")


def test_markup_nested_statement_and_date_value(markup):
    doc = markup(
        "[Tỉnh Đoàn](ORG:o1) đề xuất <<tổ chức hội trại [năm 2025](DATE=2025)>>(PROPOSAL:s1).\n---\ns1 REPORTED_BY o1\n"
    )
    assert [(s.label, s.text) for s in doc.spans] == [
        ("ORG", "Tỉnh Đoàn"),
        ("PROPOSAL", "tổ chức hội trại năm 2025"),
        ("DATE", "năm 2025"),
    ]
    assert doc.spans[2].value == "2025"
    assert doc.relations[0].type == "REPORTED_BY"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("@id x\n[Ông Tám(PER) nói.\n---\n", "never closed"),
        ("@id x\nÔng Tám] nói.\n---\n", "closes nothing"),
        ("@id x\n[Ông Tám] nói.\n---\n", "expected '(LABEL)'"),
        ("@id x\n[Tám](PER:p1) nói.\n---\np1 HOLDS p9\n", "unknown id 'p9'"),
        ("@id x\n[Tám](PER:p1) nói.\n---\np1 HOLDS\n", "from TYPE to"),
        ("[Tám](PER) nói.\n---\n", "missing '@id'"),
        ("@id x\n<<Tám>>(PER:s1) nói.\n---\n", "PER used on an statement span"),
    ],
)
def test_markup_errors_name_line_and_problem(source, fragment):
    with pytest.raises(CivicError) as info:
        parse_markup(source, where="bad.md")
    assert fragment in str(info.value)
    assert "bad.md" in str(info.value)


def test_markup_error_points_at_line_and_column():
    with pytest.raises(CivicError, match=r"bad.md:3:5"):
        parse_markup("@id x\nDòng một.\nMột [Tám(PER) nói.\n---\n", where="bad.md")

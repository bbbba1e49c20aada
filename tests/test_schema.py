from __future__ import annotations

import pytest

from civicnlp.errors import CivicError
from civicnlp.schema import Document


def test_schema_add_span_keeps_surface_and_ids():
    doc = Document("vd", "Ông Lê Văn Tám, Chủ tịch Hội Nông dân tỉnh.")
    per = doc.add_span("PER", 4, 14)
    pos = doc.add_span("POSITION", 16, 24)
    rel = doc.add_relation("HOLDS", per.id, pos.id)
    assert (per.text, pos.text, per.id, pos.id, rel.id) == ("Lê Văn Tám", "Chủ tịch", 1, 2, 1)


def test_schema_round_trip(seed_doc):
    assert Document.from_dict(seed_doc.to_dict()).to_dict() == seed_doc.to_dict()


def test_schema_views_split_layers(seed_doc):
    assert all(not s.is_statement for s in seed_doc.entities)
    assert {s.label for s in seed_doc.statements} == {"DIFFICULTY", "PROPOSAL", "DIRECTIVE"}
    assert seed_doc.published == "2025-03-11T14:03"


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ([], "E002"),
        ({"id": "a"}, "E003"),
        ({"text": "x"}, "E003"),
        ({"id": "a", "text": 3}, "E004"),
        ({"id": "a", "text": "x", "meta": []}, "E004"),
        ({"id": "a", "text": "x", "entities": [{"label": "PER", "start_offset": "0", "end_offset": 1}]}, "E004"),
        ({"id": "a", "text": "x", "relations": [{"type": "HOLDS", "from_id": 1}]}, "E003"),
    ],
)
def test_schema_from_dict_rejects_bad_shapes(record, code):
    with pytest.raises(CivicError) as info:
        Document.from_dict(record, where="in.jsonl:7")
    assert info.value.code == code
    assert "in.jsonl:7" in str(info.value)


def test_schema_errors_survive_pickling():
    import pickle

    from civicnlp.errors import CorpusError

    error = CivicError("E001", where="in.jsonl:3", detail="bad")
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, str(again), again.fields) == (error.code, str(error), error.fields)
    assert str(pickle.loads(pickle.dumps(CorpusError([error])))) == str(CorpusError([error]))

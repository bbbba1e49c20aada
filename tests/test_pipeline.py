"""The public API: load(), extractor(text), pipe(), offsets on the user's text, robustness."""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import civicnlp
from civicnlp.errors import CivicError
from civicnlp.schema import ENTITY_LABELS

TINY = Path(__file__).parent / "fixtures" / "tiny-syllable"


def _assert_valid(doc, text):
    assert doc.text == text
    for layer in (True, False):
        spans = sorted((s for s in doc.spans if s.is_statement == layer), key=lambda s: s.start)
        for a, b in itertools.pairwise(spans):
            assert a.end <= b.start
    for span in doc.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        if span.label == "DATE":
            assert span.value
    ids = {s.id for s in doc.spans}
    assert all(r.head in ids and r.tail in ids for r in doc.relations)


def test_pipeline_load_and_call(tiny_extractor, seed_doc):
    doc = tiny_extractor(seed_doc.text, published="2025-03-11", id="seed")
    _assert_valid(doc, seed_doc.text)
    assert doc.id == "seed" and doc.meta == {"published": "2025-03-11"}
    assert set(doc.to_dict()) == {"id", "text", "meta", "entities", "relations"}
    assert isinstance(doc.reports, list)


def test_pipeline_load_by_path_and_bundled_error(tmp_path):
    assert civicnlp.load(TINY).tagger is not None
    with pytest.raises(CivicError, match="E050"):
        civicnlp.load(tmp_path / "missing")


def test_pipeline_pipe_keeps_order_ids_and_accepts_records(tiny_extractor, seed_doc):
    items = ["Ông Tám phát biểu.", {"id": "r1", "text": seed_doc.text, "meta": {"published": "2025-03-11"}}, seed_doc]
    docs = list(tiny_extractor.pipe(items, batch_size=2))
    assert [d.id for d in docs] == ["doc-0", "r1", seed_doc.id]
    assert docs[1].to_dict()["entities"] == docs[2].to_dict()["entities"]


def test_pipeline_nfd_input_offsets_index_original(tiny_extractor, seed_doc):
    nfd = unicodedata.normalize("NFD", seed_doc.text)
    nfc_doc = tiny_extractor(seed_doc.text)
    nfd_doc = tiny_extractor(nfd)
    _assert_valid(nfd_doc, nfd)
    assert [unicodedata.normalize("NFC", s.text) for s in nfd_doc.spans] == [s.text for s in nfc_doc.spans]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "<p>Ông <b>Tám</b> phát biểu&nbsp;tại hội nghị</p>",
        "The committee met on Monday.",
        "Hội nghị 🎉 diễn ra \x00\x07 ngày 5/6",
        "a" * 20_000,
        "\ud800 lone surrogate",
        "Đ" * 3000 + " " + "x" * 5000,
        "31/2/2024 là ngày không có thật.",
    ],
)
def test_pipeline_bad_and_odd_inputs_never_crash(tiny_extractor, text):
    _assert_valid(tiny_extractor(text), text)


def test_pipeline_rejects_non_text(tiny_extractor):
    with pytest.raises(CivicError, match="E060"):
        tiny_extractor(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(CivicError, match="E060"):
        list(tiny_extractor.pipe([{"id": "x", "text": None}]))


def test_pipeline_is_deterministic(tiny_extractor, seed_doc):
    assert tiny_extractor(seed_doc.text).to_dict() == tiny_extractor(seed_doc.text).to_dict()


VIETNAMESE = st.text(
    alphabet=st.sampled_from(
        list(
            "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệ"
            "íìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐ ,.;:()\n/-0123456789"
        )
    ),
    max_size=300,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(VIETNAMESE, st.text(max_size=200)))
def test_pipeline_property_any_text(tiny_extractor, text):
    doc = tiny_extractor(text, published="2024-05-01")
    _assert_valid(doc, text)
    assert doc.to_dict() == tiny_extractor(text, published="2024-05-01").to_dict()


@settings(max_examples=250, deadline=None)
@given(text=st.text(max_size=400))
def test_pipeline_property_normalization_maps_back(text):
    from civicnlp.text import normalize

    norm = normalize(text)
    for start in range(0, len(norm.text), 7):
        s, e = norm.to_original(start, min(len(norm.text), start + 5))
        assert 0 <= s <= e <= len(text)


def test_pipeline_entity_labels_are_the_schema_labels(tiny_extractor, seed_doc):
    doc = tiny_extractor(seed_doc.text)
    assert {s.label for s in doc.entities} <= set(ENTITY_LABELS)

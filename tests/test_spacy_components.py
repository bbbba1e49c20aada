from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from civicnlp.spacy_components import STATEMENTS_KEY, blank, render, to_spacy  # noqa: E402

TINY = str(Path(__file__).parent / "fixtures" / "tiny-syllable")


@pytest.mark.parametrize("text", ["  Ông Tám,  nói.\n\nBà X ", "Hội Nông dân tỉnh (HND) đề nghị.", "", "\t\u00a0x"])
def test_spacy_tokenizer_keeps_text_exactly(text):
    assert blank()(text).text == text


def test_spacy_gold_spans_map_exactly(seed_doc):
    doc = to_spacy(blank()(seed_doc.text), seed_doc)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (s.start, s.end, s.label) for s in seed_doc.entities
    ]
    assert len(doc.spans[STATEMENTS_KEY]) == len(seed_doc.statements)
    assert doc._.reports[0].person is not None


def test_spacy_pipeline_components_and_disk_round_trip(tmp_path, seed_doc):
    nlp = blank()
    nlp.add_pipe("civic_ner", config={"model": TINY})
    nlp.add_pipe("civic_relations")
    doc = nlp(seed_doc.text)
    assert nlp.pipe_names == ["civic_ner", "civic_relations"]
    assert doc.ents and all(e.label_ in {"PER", "POSITION", "ORG", "DATE", "LOC"} for e in doc.ents)
    assert all(s.label_ in {"DIFFICULTY", "PROPOSAL", "DIRECTIVE"} for s in doc.spans[STATEMENTS_KEY])
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert [(e.start_char, e.end_char, e.label_) for e in again(seed_doc.text).ents] == [
        (e.start_char, e.end_char, e.label_) for e in doc.ents
    ]


def test_spacy_displacy_renders_entities_and_statements(seed_doc):
    doc = to_spacy(blank()(seed_doc.text), seed_doc)
    assert "Ngô Chí Cường" in render(doc, style="ent", jupyter=False)
    assert "DIFFICULTY" in render(doc, style="span", jupyter=False)


def test_spacy_pipe_matches_single_calls(seed_doc):
    nlp = blank()
    nlp.add_pipe("civic_ner", config={"model": TINY, "batch_size": 2})
    texts = [seed_doc.text[:600], seed_doc.text[600:1500], seed_doc.text[1500:2000]]
    piped = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts)]
    single = [[(e.start_char, e.end_char, e.label_) for e in nlp(t).ents] for t in texts]
    assert piped == single and any(piped)

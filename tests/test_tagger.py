from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from civicnlp.schema import Span
from civicnlp.tagger import (
    ENTITY_TAGS,
    STATEMENT_TAGS,
    Tagger,
    label_maps,
    spans_to_tags,
    tags_to_spans,
    viterbi,
    windows,
)
from civicnlp.text import normalize, tokenize


def test_tagger_label_maps_hold_both_heads():
    id2label, label2id = label_maps()
    assert len(id2label) == len(ENTITY_TAGS) + len(STATEMENT_TAGS)
    assert id2label[0] == "entity:O" and id2label[len(ENTITY_TAGS)] == "statement:O"
    assert label2id["statement:I-DIRECTIVE"] == len(id2label) - 1


def test_tagger_alignment_round_trip(seed_doc):
    words = tokenize(seed_doc.text)
    for layer, tags, spans in (("e", ENTITY_TAGS, seed_doc.entities), ("s", STATEMENT_TAGS, seed_doc.statements)):
        ids = spans_to_tags(words, spans, tags)
        back = tags_to_spans(words, ids, tags)
        assert back == [(s.label, s.start, s.end) for s in spans], layer


def test_tagger_alignment_span_inside_a_word_is_kept():
    words = tokenize("Hội LHPN(tỉnh) họp")
    ids = spans_to_tags(words, [Span(1, "ORG", 4, 8)], ENTITY_TAGS)
    assert tags_to_spans(words, ids, ENTITY_TAGS) == [("ORG", 4, 8)]


def test_tagger_viterbi_never_starts_or_jumps_into_inside_tags():
    rng = np.random.default_rng(0)
    for _ in range(50):
        scores = np.log(rng.dirichlet(np.ones(len(ENTITY_TAGS)), size=30)).astype(np.float32)
        path = [ENTITY_TAGS[i] for i in viterbi(scores, "entity")]
        for previous, tag in itertools.pairwise(["O", *path]):
            if tag.startswith("I-"):
                assert previous[2:] == tag[2:]


@pytest.mark.parametrize(
    ("length", "size", "stride"), [(0, 10, 5), (7, 10, 5), (10, 10, 5), (11, 10, 5), (1000, 64, 40)]
)
def test_tagger_windows_cover_everything_linearly(length, size, stride):
    bounds = windows(length, size, stride)
    covered = set()
    for start, end in bounds:
        assert end - start <= size
        covered.update(range(start, end))
    assert covered == set(range(length))
    assert len(bounds) <= max(1, length // stride + 1)


FIXTURES = Path(__file__).parent / "fixtures"


def _check_spans(text, spans):
    for layer in ({"PER", "POSITION", "ORG", "DATE", "LOC"}, {"DIFFICULTY", "PROPOSAL", "DIRECTIVE"}):
        mine = sorted((s, e) for label, s, e in spans if label in layer)
        for (_, e1), (s2, _) in itertools.pairwise(mine):
            assert e1 <= s2
        assert all(0 <= s < e <= len(text) for s, e in mine)


@pytest.mark.parametrize("name", ["tiny-syllable", "tiny-phobert"])
def test_tagger_long_document_spans_are_valid(name, seed_doc):
    tagger = Tagger.from_pretrained(FIXTURES / name)
    text = seed_doc.text * 3  # several windows
    norm = normalize(text)
    spans = tagger.predict([norm, normalize(""), normalize("   ")])
    assert spans[1] == [] and spans[2] == []
    assert spans[0], "a random model still tags something"
    _check_spans(norm.text, spans[0])
    assert len(tagger.window_inputs(tagger.encode(norm))) > 1


def test_tagger_word_level_for_phobert_only():
    assert Tagger.from_pretrained(FIXTURES / "tiny-phobert").word_level
    assert not Tagger.from_pretrained(FIXTURES / "tiny-syllable").word_level


def test_tagger_save_load_round_trip(tmp_path, seed_doc):
    tagger = Tagger.from_pretrained(FIXTURES / "tiny-syllable")
    tagger.save_pretrained(tmp_path / "copy")
    again = Tagger.from_pretrained(tmp_path / "copy")
    norm = normalize(seed_doc.text[:500])
    assert again.predict([norm]) == tagger.predict([norm])


@pytest.mark.parametrize(
    ("setup", "code"),
    [("missing", "E050"), ("empty", "E051"), ("corrupt", "E051"), ("wrong-labels", "E051")],
)
def test_tagger_bad_model_directory_gives_clear_error(tmp_path, setup, code):
    import json
    import shutil

    from civicnlp.errors import CivicError

    target = tmp_path / "model"
    if setup != "missing":
        target.mkdir()
    if setup == "corrupt":
        shutil.copytree(FIXTURES / "tiny-syllable", target, dirs_exist_ok=True)
        (target / "model.safetensors").write_bytes(b"not a model")
    if setup == "wrong-labels":
        shutil.copytree(FIXTURES / "tiny-syllable", target, dirs_exist_ok=True)
        config = json.loads((target / "config.json").read_text())
        config["id2label"] = {"0": "O", "1": "B-X"}
        config["label2id"] = {"O": 0, "B-X": 1}
        (target / "config.json").write_text(json.dumps(config))
    with pytest.raises(CivicError) as info:
        Tagger.from_pretrained(target)
    assert info.value.code == code and str(target) in str(info.value)

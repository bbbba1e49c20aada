"""Round trips of every annotation-tool format on the seed."""

from __future__ import annotations

import json

import pytest

from civicnlp.cli import main
from civicnlp.formats import from_conll, from_docbin, from_label_studio, to_conll, to_docbin, to_label_studio


def _spans(doc, *, values=True):
    return sorted((s.label, s.start, s.end, s.value if values else None) for s in doc.spans)


def _relations(doc):
    return sorted((r.type, doc.span(r.head).start, doc.span(r.tail).start) for r in doc.relations)


@pytest.mark.parametrize("as_predictions", [True, False])
def test_formats_label_studio_round_trip(seed_doc, as_predictions):
    tasks = json.loads(json.dumps(to_label_studio([seed_doc], as_predictions=as_predictions)))
    assert ("predictions" in tasks[0]) == as_predictions
    (again,) = from_label_studio(tasks)
    assert again.text == seed_doc.text and again.id == seed_doc.id
    assert _spans(again) == _spans(seed_doc) and _relations(again) == _relations(seed_doc)


def test_formats_docbin_round_trip(seed_doc):
    pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    data = to_docbin([seed_doc]).to_bytes()
    (again,) = from_docbin(DocBin().from_bytes(data))
    assert again.to_dict() == seed_doc.to_dict()


def test_formats_conll_round_trip_keeps_spans(seed_doc):
    text = to_conll([seed_doc])
    assert "Ngô\tB-PER\tO" in text and "\tB-DIFFICULTY" in text
    (again,) = from_conll(text)
    assert again.text == seed_doc.text and again.id == seed_doc.id
    assert _spans(again, values=False) == _spans(seed_doc, values=False)
    assert {s.value for s in again.spans if s.label == "DATE"} == {s.value for s in seed_doc.spans if s.label == "DATE"}


def test_formats_conll_bad_line_names_the_line():
    from civicnlp.errors import CivicError

    with pytest.raises(CivicError, match=r"x.conll:3"):
        from_conll("# id = a\n# text = Ông Tám\nÔng B-PER\n", where="x.conll")


@pytest.mark.parametrize("suffix", [".ls.json", ".spacy", ".conll"])
def test_formats_cli_convert_both_ways(tmp_path, capsys, suffix):
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "corpora" / "seed" / "seed.jsonl"
    middle, back = tmp_path / f"seed{suffix}", tmp_path / "back.jsonl"
    assert main(["corpus", "convert", str(seed), str(middle)]) == 0
    assert main(["corpus", "convert", str(middle), str(back)]) == 0
    assert main(["corpus", "validate", str(back)]) == 0
    assert "converted 1 document(s)" in capsys.readouterr().out

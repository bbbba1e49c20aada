from __future__ import annotations

import pytest

from civicnlp.evaluate import evaluate, format_report, match_statements, overlap_ratio
from civicnlp.schema import Document, Span

TEXT = "Ông Ngô Chí Cường, Bí thư Tỉnh ủy, đề nghị tăng cường kiểm tra. Hội Nông dân tỉnh cho biết giá phân bón tăng."


def _gold() -> Document:
    # offsets checked against TEXT by test_evaluate_fixture_offsets_match_their_words
    doc = Document("a", TEXT, meta={"published": "2025-03-11"})
    per = doc.add_span("PER", 4, 17)  # Ngô Chí Cường
    doc.add_span("POSITION", 19, 25)  # Bí thư
    doc.add_span("ORG", 26, 33)  # Tỉnh ủy
    org = doc.add_span("ORG", 64, 81)  # Hội Nông dân tỉnh
    d1 = doc.add_span("DIRECTIVE", 43, 62)  # tăng cường kiểm tra
    d2 = doc.add_span("DIFFICULTY", 91, 108)  # giá phân bón tăng
    doc.add_relation("REPORTED_BY", d1.id, per.id)
    doc.add_relation("REPORTED_BY", d2.id, org.id)
    doc.add_relation("HOLDS", per.id, 2)
    doc.add_relation("IN_ORG", 2, 3)
    return doc


def test_evaluate_fixture_offsets_match_their_words():
    assert [s.text for s in _gold().spans] == [
        "Ngô Chí Cường",
        "Bí thư",
        "Tỉnh ủy",
        "Hội Nông dân tỉnh",
        "tăng cường kiểm tra",
        "giá phân bón tăng",
    ]


def test_evaluate_perfect_prediction_scores_one():
    result = evaluate([_gold()], [_gold()])
    for key in ("speaker_links", "org_links", "holds", "in_org"):
        assert result[key]["f1"] == 1.0
    assert result["entities"]["micro"]["f1"] == result["statements"]["micro"]["f1"] == 1.0


def test_evaluate_hand_computed_entities():
    pred = Document("a", TEXT)
    pred.add_span("PER", 4, 17)  # correct
    pred.add_span("POSITION", 19, 33)  # wrong boundary
    pred.add_span("ORG", 64, 81)  # correct
    pred.add_span("LOC", 26, 33)  # wrong label
    ent = evaluate([_gold()], [pred])["entities"]
    # tp 2, predicted 4, gold 4 -> P = R = F1 = 0.5
    assert (ent["micro"]["precision"], ent["micro"]["recall"], ent["micro"]["f1"]) == (0.5, 0.5, 0.5)
    assert ent["PER"]["f1"] == 1.0 and ent["POSITION"]["f1"] == 0.0 and ent["LOC"]["predicted"] == 1


def test_evaluate_statement_overlap_threshold_and_label():
    pred = Document("a", TEXT)
    pred.add_span("DIRECTIVE", 43, 58)  # overlap 15/19 = 0.79 -> match
    pred.add_span("PROPOSAL", 91, 108)  # right place, wrong label -> no match
    st = evaluate([_gold()], [pred])["statements"]
    assert st["micro"]["tp"] == 1 and st["micro"]["precision"] == 0.5 and st["micro"]["recall"] == 0.5


def test_evaluate_statement_matching_is_one_to_one():
    gold = [Span(1, "DIFFICULTY", 0, 10)]
    pred = [Span(1, "DIFFICULTY", 0, 10), Span(2, "DIFFICULTY", 0, 9)]
    assert match_statements(gold, pred) == {1: 1}
    assert overlap_ratio(Span(1, "X", 0, 10), Span(2, "X", 5, 15)) == pytest.approx(5 / 15)


def test_evaluate_links_compare_names_not_mentions():
    gold = _gold()
    pred = _gold()
    # the prediction links the directive to a short mention "Cường" of the same person
    short = pred.add_span("PER", 12, 17)
    pred.relations = [r for r in pred.relations if not (r.type == "REPORTED_BY" and r.tail == 1)]
    pred.add_relation("REPORTED_BY", 5, short.id)
    assert evaluate([gold], [pred])["speaker_links"]["f1"] == 1.0


def test_evaluate_links_on_unmatched_statements_count_as_errors():
    pred = _gold()
    pred.span(5).start = 0  # the directive no longer overlaps enough: its link is a false positive
    result = evaluate([_gold()], [pred])["speaker_links"]
    assert (result["tp"], result["predicted"], result["gold"]) == (0, 1, 1)


def test_evaluate_date_value_accuracy():
    gold = Document("d", "Ngày 22/8/2024 và 5/6.")
    gold.add_span("DATE", 0, 14, value="2024-08-22")
    gold.add_span("DATE", 18, 21, value="2024-06-05")
    pred = Document("d", gold.text)
    pred.add_span("DATE", 0, 14, value="2024-08-22")
    pred.add_span("DATE", 18, 21, value="2025-06-05")
    assert evaluate([gold], [pred])["date_values"] == {"accuracy": 0.5, "matched": 2}


def test_evaluate_missing_prediction_counts_all_gold_as_missed():
    result = evaluate([_gold()], [])
    assert result["entities"]["micro"]["recall"] == 0.0 and result["entities"]["micro"]["gold"] == 4
    assert "speaker links" in format_report(result)

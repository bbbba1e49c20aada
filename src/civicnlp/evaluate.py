"""Every metric of ANNOTATION.md, one code path.

- entities: exact span and label, micro and per label (seqeval's strict span match);
- statements: same label, overlap/union ≥ 0.5, matched one-to-one (best overlap first);
- speaker links: REPORTED_BY → PER on matched statements, compared by canonical name;
- org links: REPORTED_BY → ORG likewise;
- HOLDS and IN_ORG: both endpoints exact;
- DATE value accuracy on exactly matched DATE spans.

>>> from civicnlp.schema import Document
>>> gold = Document("a", "Ông Tám nói.")
>>> _ = gold.add_span("PER", 4, 7)
>>> evaluate([gold], [gold])["entities"]["micro"]["f1"]
1.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from civicnlp.names import canonical_names
from civicnlp.schema import ENTITY_LABELS, STATEMENT_LABELS, Document, Span


@dataclass
class Score:
    """True positives, predicted and gold counts, with P/R/F1."""

    tp: float = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: float, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold

    def to_dict(self) -> dict[str, float | int]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


def overlap_ratio(a: Span, b: Span) -> float:
    """Overlap over union of two spans' character ranges."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def match_statements(gold: list[Span], pred: list[Span], *, threshold: float = 0.5) -> dict[int, int]:
    """One-to-one matching ``pred id -> gold id``: same label, overlap/union ≥ threshold, best first."""
    candidates = [
        (overlap_ratio(g, p), p.id, g.id)
        for g in gold
        for p in pred
        if g.label == p.label and overlap_ratio(g, p) >= threshold
    ]
    matched: dict[int, int] = {}
    used_gold: set[int] = set()
    for _, pred_id, gold_id in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if pred_id not in matched and gold_id not in used_gold:
            matched[pred_id] = gold_id
            used_gold.add(gold_id)
    return matched


def _links(doc: Document, label: str, key: dict[int, Any]) -> set[tuple[Any, str]]:
    """``(statement key, canonical name)`` for REPORTED_BY relations to ``label`` spans."""
    names = canonical_names(doc)
    by_id = {s.id: s for s in doc.spans}
    links = set()
    for rel in doc.relations:
        if rel.type != "REPORTED_BY" or rel.head not in by_id or rel.tail not in by_id:
            continue
        if by_id[rel.tail].label == label:
            links.add((key.get(rel.head, ("unmatched", rel.head)), names[rel.tail]))
    return links


def _pair_spans(doc: Document, rel_type: str) -> set[tuple]:
    by_id = {s.id: s for s in doc.spans}
    return {
        (by_id[r.head].start, by_id[r.head].end, by_id[r.tail].start, by_id[r.tail].end)
        for r in doc.relations
        if r.type == rel_type and r.head in by_id and r.tail in by_id
    }


def evaluate(gold_docs: Iterable[Document], pred_docs: Iterable[Document]) -> dict[str, Any]:
    """Compare predictions with gold documents, paired by document id."""
    predictions = {doc.id: doc for doc in pred_docs}
    per_label = {label: Score() for label in ENTITY_LABELS}
    per_statement = {label: Score() for label in STATEMENT_LABELS}
    speaker, org, holds, in_org = Score(), Score(), Score(), Score()
    dates = Counter()
    for gold in gold_docs:
        pred = predictions.get(gold.id, Document(gold.id, gold.text))
        for label, score in per_label.items():
            g = {(s.start, s.end) for s in gold.spans if s.label == label}
            p = {(s.start, s.end) for s in pred.spans if s.label == label}
            score.add(len(g & p), len(p), len(g))
        gold_statements, pred_statements = gold.statements, pred.statements  # each property sorts
        matched = match_statements(gold_statements, pred_statements)
        pred_labels = {s.id: s.label for s in pred_statements}
        for label, score in per_statement.items():
            hits = sum(1 for pid in matched if pred_labels[pid] == label)
            score.add(
                hits, sum(s.label == label for s in pred_statements), sum(s.label == label for s in gold_statements)
            )
        gold_key = {s.id: s.id for s in gold_statements}
        for label, score in (("PER", speaker), ("ORG", org)):
            g = _links(gold, label, gold_key)
            p = _links(pred, label, matched)
            score.add(len(g & p), len(p), len(g))
        for rel_type, score in (("HOLDS", holds), ("IN_ORG", in_org)):
            g, p = _pair_spans(gold, rel_type), _pair_spans(pred, rel_type)
            score.add(len(g & p), len(p), len(g))
        gold_dates = {(s.start, s.end): s.value for s in gold.spans if s.label == "DATE"}
        for s in pred.spans:
            if s.label == "DATE" and (s.start, s.end) in gold_dates:
                dates["matched"] += 1
                dates["correct"] += s.value == gold_dates[(s.start, s.end)]
    return {
        "entities": {"micro": _micro(per_label), **{k: v.to_dict() for k, v in per_label.items()}},
        "statements": {"micro": _micro(per_statement), **{k: v.to_dict() for k, v in per_statement.items()}},
        "speaker_links": speaker.to_dict(),
        "org_links": org.to_dict(),
        "holds": holds.to_dict(),
        "in_org": in_org.to_dict(),
        "date_values": {
            "accuracy": round(dates["correct"] / dates["matched"], 4) if dates["matched"] else 0.0,
            "matched": dates["matched"],
        },
    }


def _micro(scores: dict[str, Score]) -> dict[str, float | int]:
    total = Score()
    for score in scores.values():
        total.add(score.tp, score.predicted, score.gold)
    return total.to_dict()


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table of the main figures."""
    rows = [("entities (micro)", result["entities"]["micro"])]
    rows += [(f"  {label}", result["entities"][label]) for label in ENTITY_LABELS]
    rows += [("statements (micro)", result["statements"]["micro"])]
    rows += [(f"  {label}", result["statements"][label]) for label in STATEMENT_LABELS]
    rows += [("speaker links (PER)", result["speaker_links"]), ("org links (ORG)", result["org_links"])]
    rows += [("HOLDS", result["holds"]), ("IN_ORG", result["in_org"])]
    lines = [f"{'metric':<22}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
    for name, s in rows:
        lines.append(
            f"{name:<22}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{s['gold']:>7}{s['predicted']:>7}"
        )
    dv = result["date_values"]
    lines.append(f"{'DATE value accuracy':<22}{dv['accuracy']:>8.3f}  on {dv['matched']} matched DATE spans")
    return "\n".join(lines)

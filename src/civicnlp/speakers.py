"""A learned speaker scorer on top of the rules: logistic regression over candidate mentions.

For every statement, each PER and ORG mention in its sentence, the three sentences before it
and the sentence after it is a candidate.  Features describe where the candidate stands (same
sentence, before or after the cue verb, after a quotation, sentence distance, subject position,
a speaking sentence, a title held, a byline) and whether the rules chose it.  Two small
logistic regressions (PER, ORG), trained on the gold links of annotated corpora, rescore the
candidates; ``LearnedLinker`` keeps the rules' HOLDS / IN_ORG / ADDRESSED_TO and replaces
REPORTED_BY with the scorer's choice.  Weights live in ``linker.json`` beside the tagger.
"""

from __future__ import annotations

import bisect
import copy
import json
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from civicnlp.names import canonical_names
from civicnlp.relations import _CUE, Linker, _is_credit
from civicnlp.schema import Document, Span
from civicnlp.text import sentences

FEATURES = (
    "bias",
    "rule",
    "same_sentence",
    "before_cue",
    "after_cue",
    "after_statement",
    "sentence_distance",
    "log_char_distance",
    "subject",
    "speaking_sentence",
    "has_title",
    "credit",
    "directive",
    "rule_person_body",
    "log_between",
    "person",
)
WINDOW_BEFORE = 3


def _candidates(doc: Document, linked: Document) -> list[tuple[Span, list[tuple[Span, np.ndarray]]]]:
    """Per statement, its candidate mentions with feature vectors (``linked`` holds the rules' output)."""
    text = doc.text
    bounds = sentences(text)
    starts = [b[0] for b in bounds]
    entities = doc.entities  # sorted once: the property sorts on every access
    mentions = [s for s in entities if s.label in ("PER", "ORG")]
    subject_of: dict[int, Span] = {}  # sentence index -> its first PER/POSITION/ORG
    for e in entities:
        if e.label in ("PER", "POSITION", "ORG"):
            subject_of.setdefault(max(0, bisect.bisect_right(starts, e.start) - 1), e)
    m_starts = [m.start for m in mentions]
    rule = {(r.head, r.tail) for r in linked.relations if r.type == "REPORTED_BY"}
    titled = {r.head for r in linked.relations if r.type == "HOLDS"}
    body_of_title = {r.head: r.tail for r in linked.relations if r.type == "IN_ORG"}
    person_bodies = {
        (r.head, body_of_title[r.tail]) for r in linked.relations if r.type == "HOLDS" and r.tail in body_of_title
    }
    out = []
    for st in doc.statements:
        k = max(0, bisect.bisect_right(starts, st.start) - 1)
        lo = bounds[max(0, k - WINDOW_BEFORE)][0]
        hi = bounds[min(len(bounds) - 1, k + 1)][1]
        s_start = bounds[k][0]
        frame = text[s_start : st.start]
        cues = list(_CUE.finditer(frame))
        cut = s_start + cues[-1].end() if cues else st.start
        rule_people = [t for (h, t) in rule if h == st.id]
        items = []
        for i in range(bisect.bisect_left(m_starts, lo), bisect.bisect_left(m_starts, hi)):
            m = mentions[i]
            if st.start <= m.start < st.end:
                continue  # mentions inside the statement are its content
            mk = max(0, bisect.bisect_right(starts, m.start) - 1)
            same = mk == k
            ms, me = bounds[mk]
            first = subject_of.get(mk)
            low, high = min(m.end, st.start), max(m.start, st.start)
            between = sum(1 for x in mentions if x.label == m.label and low <= x.start < high)
            f = np.array(
                [
                    1.0,
                    float((st.id, m.id) in rule),
                    float(same),
                    float(same and m.start < cut and m.end <= st.start),
                    float(same and cut <= m.start < st.start),
                    float(m.start >= st.end),
                    abs(mk - k) / WINDOW_BEFORE,
                    math.log1p(abs(m.start - st.start)) / 8,
                    float(first is m and m.start - ms < 40),
                    float(_CUE.search(text[ms:me]) is not None),
                    float(m.id in titled),
                    float(_is_credit(text, m)),
                    float(st.label == "DIRECTIVE"),
                    float(any((p, m.id) in person_bodies for p in rule_people)),
                    math.log1p(between),
                    float(m.label == "PER"),
                ],
                dtype=np.float64,
            )
            items.append((m, f))
        out.append((st, items))
    return out


def _fit(x: np.ndarray, y: np.ndarray, *, epochs: int = 400, lr: float = 0.5, l2: float = 1e-3) -> np.ndarray:
    """Plain batch-gradient logistic regression (deterministic, no extra dependency)."""
    w = np.zeros(x.shape[1])
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-x @ w))
        w -= lr * (x.T @ (p - y) / len(y) + l2 * w)
    return w


def train_scorer(docs: Iterable[Document]) -> dict[str, list[float]]:
    """Weights for the PER and ORG scorers from gold documents (their spans, their links)."""
    rows: dict[str, list[np.ndarray]] = {"PER": [], "ORG": []}
    labels: dict[str, list[float]] = {"PER": [], "ORG": []}
    for doc in docs:
        linked = Linker().link(_without_links(doc))
        names = canonical_names(doc)
        gold = {}
        for r in doc.relations:
            if r.type == "REPORTED_BY":
                gold.setdefault(r.head, set()).add(names[r.tail])
        for st, items in _candidates(doc, linked):
            for m, f in items:
                rows[m.label].append(f)
                labels[m.label].append(float(names[m.id] in gold.get(st.id, set())))
    return {label: _fit(np.array(rows[label]), np.array(labels[label])).tolist() for label in rows if rows[label]}


def _without_links(doc: Document) -> Document:
    copy_ = copy.deepcopy(doc)
    copy_.relations = []
    return copy_


class LearnedLinker(Linker):
    """Rules for titles and addressees; the learned scorer for REPORTED_BY."""

    def __init__(self, weights: dict[str, list[float]], *, threshold: float = 0.5) -> None:
        self.weights = {k: np.array(v) for k, v in weights.items()}
        self.threshold = threshold

    @classmethod
    def load(cls, path: str | Path) -> LearnedLinker:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], threshold=data.get("threshold", 0.5))

    def save(self, path: str | Path) -> None:
        weights = {k: v.tolist() for k, v in self.weights.items()}
        data = {"features": FEATURES, "threshold": self.threshold, "weights": weights}
        Path(path).write_text(json.dumps(data, indent=2), encoding="utf-8")

    def link(self, doc: Document) -> Document:
        super().link(doc)
        names = canonical_names(doc)
        scored = _candidates(doc, doc)
        doc.relations = [r for r in doc.relations if r.type != "REPORTED_BY"]
        for st, items in scored:
            for label in ("PER", "ORG"):
                options = [(float(1 / (1 + np.exp(-f @ self.weights[label]))), m) for m, f in items if m.label == label]
                chosen: dict[str, Span] = {}
                for p, m in sorted(options, key=lambda o: -o[0]):
                    if p >= self.threshold and names[m.id] not in chosen:
                        chosen[names[m.id]] = m
                    if label == "PER" and chosen:
                        break  # one person per statement
                for m in chosen.values():
                    doc.add_relation("REPORTED_BY", st.id, m.id)
        return doc

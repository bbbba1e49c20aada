"""Token classification for entities and statements, in one encoder pass.

The model is a standard Hugging Face ``AutoModelForTokenClassification`` whose output
layer holds two heads side by side: the first ``len(ENTITY_TAGS)`` logits are the entity
BIO tags, the rest the statement BIO tags (statements contain entities, so each layer has
its own softmax).  A saved directory therefore reloads with plain ``transformers``.

Data path: text → normalized text → words (syllables or PhoBERT words) → pieces →
overlapping windows → logits → per-word tags (constrained Viterbi) → spans on the
user's original text.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from civicnlp.encoder import PieceCache, is_word_level, load_tokenizer, words_for
from civicnlp.errors import CivicError
from civicnlp.schema import ENTITY_LABELS, STATEMENT_LABELS, Span
from civicnlp.text import NormalizedText, Token

ENTITY_TAGS: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in ENTITY_LABELS for p in "BI"))
STATEMENT_TAGS: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in STATEMENT_LABELS for p in "BI"))
LAYERS: dict[str, tuple[str, ...]] = {"entity": ENTITY_TAGS, "statement": STATEMENT_TAGS}


def label_maps() -> tuple[dict[int, str], dict[str, int]]:
    """``id2label`` / ``label2id`` for the model config: ``entity:B-PER`` … ``statement:I-DIRECTIVE``."""
    names = [f"{layer}:{tag}" for layer, tags in LAYERS.items() for tag in tags]
    return dict(enumerate(names)), {name: i for i, name in enumerate(names)}


# -- alignment: character spans <-> word tags ----------------------------------------------------
def spans_to_tags(words: Sequence[Token], spans: Sequence[Span], tags: Sequence[str]) -> list[int]:
    """Word tag ids from character spans; a word belongs to a span when their characters overlap.

    Overlap (not containment) keeps a span whose boundary falls inside a word, such as an
    abbreviation glued to punctuation, instead of silently dropping it.
    """
    index = {tag: i for i, tag in enumerate(tags)}
    out = [0] * len(words)
    starts = [w.start for w in words]
    for span in sorted(spans, key=lambda s: s.start):
        if f"B-{span.label}" not in index:
            continue
        first = bisect.bisect_right(starts, span.start) - 1
        first = max(first, 0)
        if words and words[first].end <= span.start:
            first += 1
        inside = False
        for i in range(first, len(words)):
            if words[i].start >= span.end:
                break
            if out[i] != 0:
                continue
            out[i] = index[("I-" if inside else "B-") + span.label]
            inside = True
    return out


def tags_to_spans(words: Sequence[Token], tag_ids: Sequence[int], tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` character spans from word tags (already valid BIO)."""
    spans: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for word, tag_id in zip(words, tag_ids, strict=True):
        tag = tags[tag_id]
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[0] != tag[2:])):
            if current:
                spans.append(tuple(current))
            current = [tag[2:], word.start, word.end]
        elif tag.startswith("I-") and current is not None:
            current[2] = word.end
        else:
            if current:
                spans.append(tuple(current))
            current = None
    if current:
        spans.append(tuple(current))
    return spans


def _transition_mask(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Allowed BIO moves as additive scores: I-X only after B-X or I-X, never first."""
    size = len(tags)
    moves = np.zeros((size, size), dtype=np.float32)
    start = np.zeros(size, dtype=np.float32)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            start[j] = -np.inf
            for i, previous in enumerate(tags):
                if previous[2:] != tag[2:]:
                    moves[i, j] = -np.inf
    return moves, start


_MASKS = {layer: _transition_mask(tags) for layer, tags in LAYERS.items()}


def viterbi(log_probs: np.ndarray, layer: str) -> list[int]:
    """Best valid BIO tag sequence for one document's word scores ``(words, tags)``."""
    if len(log_probs) == 0:
        return []
    moves, start = _MASKS[layer]
    score = log_probs[0] + start
    back = np.zeros(log_probs.shape, dtype=np.int64)
    for t in range(1, len(log_probs)):
        total = score[:, None] + moves
        back[t] = total.argmax(axis=0)
        score = total.max(axis=0) + log_probs[t]
    path = [int(score.argmax())]
    for t in range(len(log_probs) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


MIN_STATEMENT_WORDS = 4


def merge_statements(
    text: str, spans: list[tuple[str, int, int]], words: Sequence[Token]
) -> list[tuple[str, int, int]]:
    """Apply "one span per sentence and type" (ANNOTATION.md §2) to predicted statement fragments.

    Fragments of one label in one sentence become one span; where two labels' spans then
    overlap, the label with more tagged characters wins; spans of fewer than
    ``MIN_STATEMENT_WORDS`` words carry no content and are dropped.
    """
    from civicnlp.text import sentences

    starts = [w.start for w in words]
    ordered = sorted(spans, key=lambda sp: sp[1])
    merged: list[tuple[str, int, int]] = []
    cursor = 0
    for s_start, s_end in sentences(text):
        while cursor < len(ordered) and ordered[cursor][1] < s_start:
            cursor += 1
        inside = []
        while cursor < len(ordered) and ordered[cursor][1] < s_end:
            inside.append(ordered[cursor])
            cursor += 1
        by_label: dict[str, list[tuple[str, int, int]]] = {}
        for sp in inside:
            by_label.setdefault(sp[0], []).append(sp)
        candidates = []
        for label, parts in by_label.items():
            weight = sum(e - s for _, s, e in parts)
            candidates.append((weight, label, min(s for _, s, _ in parts), max(e for _, _, e in parts)))
        kept: list[tuple[str, int, int]] = []
        for _, label, start, end in sorted(candidates, reverse=True):
            if all(end <= s or start >= e for _, s, e in kept):
                kept.append((label, start, end))
        merged += kept
    long_enough = []
    for label, start, end in sorted(merged, key=lambda sp: sp[1]):
        count = bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)
        if count >= MIN_STATEMENT_WORDS:
            long_enough.append((label, start, end))
    return long_enough


def quantized(model: Any) -> Any:
    """The model with int8 dynamic-quantized linear layers (CPU); the float model if torch lacks it."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao's eager quantization is deprecated in favour of torchao
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    except (AttributeError, RuntimeError, ImportError) as exc:
        warnings.warn(f"civicnlp: int8 quantization unavailable ({exc}); using float32", stacklevel=2)
        return model


# -- windows ---------------------------------------------------------------------------------
def windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Overlapping ``[start, end)`` piece windows covering ``length`` pieces; linear in length."""
    if length <= size:
        return [(0, length)]
    bounds = []
    start = 0
    while True:
        end = min(start + size, length)
        bounds.append((start, end))
        if end == length:
            return bounds
        start += stride


@dataclass
class Encoded:
    """One document cut into model units: words, their pieces, and each word's first piece."""

    norm: NormalizedText
    words: list[Token]
    pieces: list[int]
    first_piece: list[int]


class Tagger:
    """Loads a token-classification model and turns texts into entity and statement spans."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        max_length: int = 256,
        overlap: int = 32,
        quantize: bool = False,
        window_batch: int = 1,
    ) -> None:
        self.float_model = model.eval()
        # int8 dynamic quantization of the linear layers roughly doubles CPU speed at no measured cost in F1
        # (model card); one window per forward pass keeps every result independent of the other inputs.
        self.model = quantized(self.float_model) if quantize else self.float_model
        self.window_batch = window_batch
        self.tokenizer = tokenizer
        self.word_level = is_word_level(tokenizer)
        self.max_length = min(max_length, getattr(model.config, "max_position_embeddings", 514) - 4)
        self.overlap = min(overlap, self.max_length // 3)
        self.pieces = PieceCache(tokenizer, word_level=self.word_level)
        self.n_entity = len(ENTITY_TAGS)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> Tagger:
        from transformers import AutoModelForTokenClassification

        path = Path(path)
        if not (path / "config.json").exists():
            raise (
                CivicError("E050", where=str(path))
                if not path.exists()
                else CivicError("E051", where=str(path), detail="no config.json")
            )
        try:
            model = AutoModelForTokenClassification.from_pretrained(str(path))
            tokenizer = load_tokenizer(path)
        except Exception as exc:  # safetensors, tokenizers and transformers each raise their own types
            raise CivicError(
                "E051", where=str(path), detail=f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
            ) from exc
        expected, _ = label_maps()
        if {int(k): v for k, v in model.config.id2label.items()} != expected:
            raise CivicError("E051", where=str(path), detail="label map is not civicnlp's entity/statement tags")
        return cls(model, tokenizer, **options)

    def save_pretrained(self, path: str | Path) -> None:
        self.float_model.save_pretrained(str(path))
        self.tokenizer.save_pretrained(str(path))

    # -- encoding ---------------------------------------------------------------------------
    def encode(self, norm: NormalizedText) -> Encoded:
        words = words_for(norm.text, word_level=self.word_level)
        pieces: list[int] = []
        first: list[int] = []
        for word in words:
            first.append(len(pieces))
            pieces.extend(self.pieces(word.text))
        return Encoded(norm, words, pieces, first)

    def window_inputs(self, encoded: Encoded, *, stride: int | None = None) -> list[tuple[int, int]]:
        size = self.max_length
        return windows(len(encoded.pieces), size, stride or max(1, size - self.overlap))

    def batch_tensors(self, rows: list[list[int]]) -> dict[str, Any]:
        import torch

        cls_id, sep_id, pad_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        width = max(len(r) for r in rows) + 2
        ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row) + 2] = torch.tensor([cls_id, *row, sep_id])
            mask[i, : len(row) + 2] = 1
        return {"input_ids": ids, "attention_mask": mask}

    # -- prediction -------------------------------------------------------------------------
    def predict(
        self, docs: Sequence[NormalizedText], *, batch_size: int | None = None
    ) -> list[list[tuple[str, int, int]]]:
        """Spans ``(label, start, end)`` on each document's *normalized* text, both layers."""
        import torch

        batch_size = batch_size or self.window_batch
        encoded = [self.encode(norm) for norm in docs]
        jobs = [(d, s, e) for d, enc in enumerate(encoded) for s, e in self.window_inputs(enc)]
        jobs.sort(key=lambda job: job[2] - job[1])  # similar lengths batch with little padding
        scores = [
            np.full((len(enc.words), len(ENTITY_TAGS) + len(STATEMENT_TAGS)), np.nan, np.float32) for enc in encoded
        ]
        centrality = [np.full(len(enc.words), -1, dtype=np.int64) for enc in encoded]
        with torch.inference_mode():
            for b in range(0, len(jobs), batch_size):
                batch = jobs[b : b + batch_size]
                tensors = self.batch_tensors([encoded[d].pieces[s:e] for d, s, e in batch])
                tensors = {k: v.to(self.model.device) for k, v in tensors.items()}
                logits = self.model(**tensors).logits.float().cpu()
                log_probs = torch.cat(
                    [logits[..., : self.n_entity].log_softmax(-1), logits[..., self.n_entity :].log_softmax(-1)], -1
                ).numpy()
                for row, (d, s, e) in enumerate(batch):
                    self._keep_central(encoded[d], log_probs[row], s, e, scores[d], centrality[d])
        results = []
        for enc, score in zip(encoded, scores, strict=True):
            entities = tags_to_spans(enc.words, viterbi(score[:, : self.n_entity], "entity"), ENTITY_TAGS)
            statements = tags_to_spans(enc.words, viterbi(score[:, self.n_entity :], "statement"), STATEMENT_TAGS)
            results.append(entities + merge_statements(enc.norm.text, statements, enc.words))
        return results

    @staticmethod
    def _keep_central(enc: Encoded, log_probs: np.ndarray, s: int, e: int, out: np.ndarray, best: np.ndarray) -> None:
        # Each word takes its scores from the window where it sits furthest from an edge, so
        # every prediction sees the most context on both sides.
        lo = bisect.bisect_left(enc.first_piece, s)
        hi = bisect.bisect_left(enc.first_piece, e)
        for w in range(lo, hi):
            p = enc.first_piece[w]
            room = min(p - s if s > 0 else 10**6, e - 1 - p if e < len(enc.pieces) else 10**6)
            if room > best[w]:
                best[w] = room
                out[w] = log_probs[p - s + 1]

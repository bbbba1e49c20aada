"""Fine-tuning the tagger: options as a dataclass, small functions, a plain PyTorch loop.

``civicnlp train --config configs/train.json`` reads annotated corpora (validated first,
every problem listed), cuts documents into overlapping windows with word-level labels,
trains both heads jointly, evaluates on the dev set after every epoch with
:func:`civicnlp.evaluate.evaluate`, keeps the best epoch and stops early.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from civicnlp.config import JsonConfig
from civicnlp.corpus import read_corpus, require_valid
from civicnlp.errors import CivicError
from civicnlp.evaluate import evaluate
from civicnlp.pipeline import build_document
from civicnlp.schema import Document
from civicnlp.tagger import ENTITY_TAGS, STATEMENT_TAGS, Tagger, label_maps, spans_to_tags
from civicnlp.text import normalize


@dataclass
class TrainConfig(JsonConfig):
    """Options of :func:`train`; load from JSON with :meth:`from_file`, override from the CLI."""

    encoder: str = field(default="models/civic-roberta-small", metadata={"help": "HF name or path of the encoder"})
    train: list[str] = field(default_factory=list, metadata={"help": "annotated files or folders to train on"})
    repeat: list[int] = field(
        default_factory=list, metadata={"help": "copies of each train entry per epoch (default 1)"}
    )
    dev: list[str] = field(default_factory=list, metadata={"help": "annotated files or folders for early stopping"})
    output_dir: str = field(default="models/civic-tagger-small", metadata={"help": "where the tagger is saved"})
    init: str = field(default="pretrained", metadata={"help": "'pretrained' weights or 'random' (ablation)"})
    epochs: int = 20
    patience: int = field(default=4, metadata={"help": "epochs without dev improvement before stopping"})
    batch_size: int = 16
    learning_rate: float = 3e-4
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    max_length: int = field(default=256, metadata={"help": "pieces per window, specials excluded"})
    train_stride: int = field(default=160, metadata={"help": "window step when cutting training documents"})
    outside_weight: float = field(default=0.5, metadata={"help": "loss weight of the O tag (class imbalance)"})
    dropout: float = 0.1
    seed: int = 13
    max_minutes: float = field(default=0.0, metadata={"help": "stop after this long (0: no limit)"})
    threads: int = field(default=0, metadata={"help": "torch threads (0: torch's default)"})
    device: str = field(default="cpu", metadata={"help": "cpu, cuda or auto"})

    def __post_init__(self) -> None:
        if self.init not in {"pretrained", "random"}:
            raise CivicError("E070", where="train config", detail="init must be 'pretrained' or 'random'")
        if not self.train:
            raise CivicError("E070", where="train config", detail="no training data given ('train')")
        if self.repeat and len(self.repeat) != len(self.train):
            raise CivicError("E070", where="train config", detail="'repeat' needs one count per 'train' entry")


def set_seed(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_tagger(config: TrainConfig) -> Tagger:
    """A fresh tagger on the encoder, with the two-head label map; random weights for the ablation."""
    from transformers import AutoConfig, AutoModelForTokenClassification

    from civicnlp.encoder import load_tokenizer

    id2label, label2id = label_maps()
    model_config = AutoConfig.from_pretrained(
        config.encoder,
        num_labels=len(id2label),
        id2label=id2label,
        label2id=label2id,
        hidden_dropout_prob=config.dropout,
        attention_probs_dropout_prob=config.dropout,
    )
    if config.init == "random":
        model = AutoModelForTokenClassification.from_config(model_config)
    else:
        model = AutoModelForTokenClassification.from_pretrained(config.encoder, config=model_config)
    return Tagger(model, load_tokenizer(config.encoder), max_length=config.max_length)


def make_examples(tagger: Tagger, docs: list[Document], *, stride: int) -> list[dict[str, list[int]]]:
    """Training windows: piece ids, and entity / statement tag ids on each word's first piece."""
    examples = []
    for doc in docs:
        norm = normalize(doc.text)
        enc = tagger.encode(norm)
        mapped = []
        for span in doc.spans:
            start, end = norm.from_original(span.start, span.end)
            mapped.append(type(span)(span.id, span.label, start, end))
        ent = spans_to_tags(enc.words, [s for s in mapped if not s.is_statement], ENTITY_TAGS)
        stm = spans_to_tags(enc.words, [s for s in mapped if s.is_statement], STATEMENT_TAGS)
        ent_labels = [-100] * len(enc.pieces)
        stm_labels = [-100] * len(enc.pieces)
        for w, p in enumerate(enc.first_piece):
            ent_labels[p], stm_labels[p] = ent[w], stm[w]
        for s, e in tagger.window_inputs(enc, stride=stride):
            examples.append({"pieces": enc.pieces[s:e], "entity": ent_labels[s:e], "statement": stm_labels[s:e]})
    return examples


def _loss(tagger: Tagger, batch: list[dict[str, list[int]]], weights: tuple[Any, Any]) -> Any:
    import torch

    device = tagger.model.device
    tensors = {k: v.to(device) for k, v in tagger.batch_tensors([ex["pieces"] for ex in batch]).items()}
    width = tensors["input_ids"].shape[1]
    logits = tagger.model(**tensors).logits
    total = 0.0
    for offset, (layer, count, weight) in enumerate(
        (("entity", len(ENTITY_TAGS), weights[0]), ("statement", len(STATEMENT_TAGS), weights[1]))
    ):
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        for i, ex in enumerate(batch):
            labels[i, 1 : len(ex[layer]) + 1] = torch.tensor(ex[layer])
        labels = labels.to(device)
        part = logits[..., :count] if offset == 0 else logits[..., len(ENTITY_TAGS) :]
        total = total + torch.nn.functional.cross_entropy(
            part.reshape(-1, count), labels.view(-1), weight=weight, ignore_index=-100
        )
    return total


def predict_documents(tagger: Tagger, docs: list[Document]) -> list[Document]:
    """Tag gold documents' texts (entities and statements only) for evaluation."""
    norms = [normalize(doc.text) for doc in docs]
    return [
        build_document(doc.id, norm, spans, meta=doc.meta)
        for doc, norm, spans in zip(docs, norms, tagger.predict(norms), strict=True)
    ]


def dev_score(result: dict[str, Any]) -> float:
    """Early-stopping criterion: mean of entity and statement micro-F1."""
    return (result["entities"]["micro"]["f1"] + result["statements"]["micro"]["f1"]) / 2


def train(config: TrainConfig) -> dict[str, Any]:
    """Train, keep the best dev epoch in ``output_dir``, and return the training log."""
    import torch
    from tqdm.auto import tqdm

    set_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    repeats = config.repeat or [1] * len(config.train)
    train_docs = [
        doc
        for path, count in zip(config.train, repeats, strict=True)
        for doc in require_valid(read_corpus([path]), where=path) * count
    ]
    dev_docs = require_valid(read_corpus(config.dev), where="dev") if config.dev else []
    tagger = build_tagger(config)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if config.device == "auto" else config.device
    tagger.model.to(device)
    examples = make_examples(tagger, train_docs, stride=config.train_stride)
    weights = tuple(
        torch.tensor([config.outside_weight] + [1.0] * (len(tags) - 1), device=device)
        for tags in (ENTITY_TAGS, STATEMENT_TAGS)
    )
    optimizer = torch.optim.AdamW(tagger.model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    steps_per_epoch = (len(examples) + config.batch_size - 1) // config.batch_size
    total_steps = steps_per_epoch * config.epochs
    warmup = max(1, int(total_steps * config.warmup_fraction))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )
    log: dict[str, Any] = {
        "config": asdict(config),
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "train_windows": len(examples),
        "epochs": [],
    }
    best, stale, started = -1.0, 0, time.time()
    order = random.Random(config.seed)
    for epoch in range(1, config.epochs + 1):
        tagger.model.train()
        order.shuffle(examples)
        losses = []
        for b in tqdm(range(0, len(examples), config.batch_size), desc=f"epoch {epoch}", leave=False):
            loss = _loss(tagger, examples[b : b + config.batch_size], weights)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(tagger.model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
        tagger.model.eval()
        entry = {"epoch": epoch, "loss": float(np.mean(losses)), "seconds": round(time.time() - started, 1)}
        if dev_docs:
            result = evaluate(dev_docs, predict_documents(tagger, dev_docs))
            entry.update(entity_f1=result["entities"]["micro"]["f1"], statement_f1=result["statements"]["micro"]["f1"])
            score = dev_score(result)
        else:
            score = -entry["loss"]
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if score > best:
            best, stale = score, 0
            tagger.model.to("cpu")
            tagger.save_pretrained(config.output_dir)
            tagger.model.to(device)
            log["best_epoch"] = epoch
        else:
            stale += 1
        if stale >= config.patience or (config.max_minutes and time.time() - started > config.max_minutes * 60):
            break
    log["train_seconds"] = round(time.time() - started, 1)
    Path(config.output_dir, "train_log.json").write_text(json.dumps(log, indent=2), encoding="utf-8")
    return log

"""Pretraining a compact RoBERTa-style encoder on unlabeled Vietnamese text.

``civicnlp pretrain --config configs/pretrain.json`` trains the syllable tokenizer (unless
one is given), packs the raw text into blocks, and runs masked-language-model training
with whole-syllable masking, a linear schedule, checkpoints and resume.  A slice of the
documents, chosen by a hash of their id, never enters training and gives the held-out
loss and perplexity in ``pretrain_log.json``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from civicnlp.config import JsonConfig
from civicnlp.errors import CivicError
from civicnlp.text import normalize_text


@dataclass
class PretrainConfig(JsonConfig):
    """Options of :func:`pretrain`; load from JSON with :meth:`from_file`."""

    raw_paths: list[str] = field(default_factory=list, metadata={"help": "JSONL(.gz) files with a 'text' field"})
    output_dir: str = field(default="models/civic-roberta-small", metadata={"help": "where the encoder is saved"})
    tokenizer: str | None = field(default=None, metadata={"help": "existing tokenizer dir; trained if empty"})
    vocab_size: int = field(default=16000, metadata={"help": "WordPiece vocabulary size"})
    tokenizer_chars: int = field(default=40_000_000, metadata={"help": "characters used to train the tokenizer"})
    max_chars: int = field(default=0, metadata={"help": "stop reading raw text after this many characters (0: all)"})
    hidden_size: int = 256
    num_layers: int = 6
    num_heads: int = 4
    intermediate_size: int = 1024
    block_size: int = field(default=128, metadata={"help": "tokens per training block, specials included"})
    batch_size: int = 256
    learning_rate: float = 6e-4
    weight_decay: float = 0.01
    warmup_fraction: float = 0.05
    max_steps: int = 10000
    max_minutes: float = field(default=0.0, metadata={"help": "also end (schedule included) by this time; 0: off"})
    mask_probability: float = 0.15
    heldout_fraction: float = 0.01
    checkpoint_minutes: float = 10.0
    cache_dir: str = field(default=".pretrain-data", metadata={"help": "packed token blocks are kept here"})
    seed: int = 13
    device: str = field(default="auto", metadata={"help": "auto, cpu or cuda"})

    def __post_init__(self) -> None:
        if self.hidden_size % self.num_heads:
            raise CivicError("E070", where="pretrain config", detail="hidden_size must divide by num_heads")
        if not 0 < self.mask_probability < 1:
            raise CivicError("E070", where="pretrain config", detail="mask_probability must be in (0, 1)")


def iter_raw(paths: list[str], *, max_chars: int = 0) -> Iterator[tuple[str, str]]:
    """``(id, normalized text)`` for every record of JSONL or JSONL.gz files."""
    total = 0
    for path in paths:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                record = json.loads(line)
                text = normalize_text(record.get("text") or "")
                if text.strip():
                    yield str(record.get("id", f"{path}:{number}")), text
                    total += len(text)
                    if max_chars and total >= max_chars:
                        return


def is_heldout(doc_id: str, fraction: float) -> bool:
    digest = hashlib.sha1(doc_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < fraction


def pack_blocks(tokenizer: Any, texts: list[str], block_size: int) -> Any:
    """Concatenate documents (``</s>`` between them) and cut into ``<s> … </s>`` blocks."""
    import torch

    body = block_size - 2
    ids: list[int] = []
    for start in range(0, len(texts), 1000):
        for encoded in tokenizer(texts[start : start + 1000], add_special_tokens=False)["input_ids"]:
            ids.extend(encoded)
            ids.append(tokenizer.sep_token_id)
    count = len(ids) // body
    flat = torch.tensor(ids[: count * body], dtype=torch.long).view(count, body)
    bos = torch.full((count, 1), tokenizer.cls_token_id, dtype=torch.long)
    eos = torch.full((count, 1), tokenizer.sep_token_id, dtype=torch.long)
    return torch.cat([bos, flat, eos], dim=1)


def mask_batch(batch: Any, *, continuation: Any, mask_id: int, vocab_size: int, probability: float, generator: Any):
    """Whole-syllable masking: a word's pieces are masked together (80% <mask>, 10% random, 10% kept)."""
    import torch

    special = batch < 5
    is_cont = continuation[batch]
    positions = torch.arange(batch.shape[1], device=batch.device).expand_as(batch)
    word_start = torch.where(is_cont, torch.zeros_like(positions), positions).cummax(dim=1).values
    draw = torch.rand(batch.shape, device=batch.device, generator=generator)
    chosen = (draw.gather(1, word_start) < probability) & ~special
    labels = torch.where(chosen, batch, torch.full_like(batch, -100))
    action = torch.rand(batch.shape, device=batch.device, generator=generator)
    inputs = batch.clone()
    inputs[chosen & (action < 0.8)] = mask_id
    random_tokens = torch.randint(5, vocab_size, batch.shape, device=batch.device, generator=generator)
    swap = chosen & (action >= 0.8) & (action < 0.9)
    inputs[swap] = random_tokens[swap]
    return inputs, labels


def build_model(config: PretrainConfig, tokenizer: Any) -> Any:
    from transformers import RobertaConfig, RobertaForMaskedLM

    model_config = RobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=config.hidden_size,
        num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads,
        intermediate_size=config.intermediate_size,
        max_position_embeddings=514,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        type_vocab_size=1,
    )
    return RobertaForMaskedLM(model_config)


def pretrain(config: PretrainConfig, *, resume: bool = False) -> dict[str, Any]:
    """Run MLM pretraining; returns the log written to ``output_dir/pretrain_log.json``."""
    import torch
    from tqdm.auto import tqdm

    started = time.time()
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if config.device == "auto" else config.device
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)

    tokenizer, train_blocks, heldout_blocks = prepare_data(config)
    print(f"blocks: train {len(train_blocks)}, held-out {len(heldout_blocks)}", flush=True)

    model = build_model(config, tokenizer).to(device)
    vocab = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    continuation = torch.tensor([t.startswith("##") for t in vocab], device=device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    step, spent = 0, 0.0
    checkpoint = out / "checkpoint.pt"
    if resume and checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, spent = state["step"], state["seconds"]
        torch.set_rng_state(state["rng"])
    generator = torch.Generator(device=device).manual_seed(config.seed + step)
    train_blocks = train_blocks.to(device).long()
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else contextlib.nullcontext()
    budget = config.max_minutes * 60
    clock = time.time() - spent
    last_save = time.time()
    model.train()
    bar = tqdm(total=config.max_steps, initial=step, desc="pretraining")
    losses: list[float] = []
    while step < config.max_steps:
        elapsed = time.time() - clock
        # Progress is the larger of steps and time, so a time budget still ends the schedule cleanly.
        progress = max(step / config.max_steps, elapsed / budget if budget else 0.0)
        if progress >= 1.0:
            break
        warm = config.warmup_fraction
        scale = progress / warm if progress < warm else max(0.0, (1 - progress) / (1 - warm))
        for group in optimizer.param_groups:
            group["lr"] = config.learning_rate * scale
        index = torch.randint(0, len(train_blocks), (config.batch_size,), device=device, generator=generator)
        inputs, labels = mask_batch(
            train_blocks[index],
            continuation=continuation,
            mask_id=tokenizer.mask_token_id,
            vocab_size=len(tokenizer),
            probability=config.mask_probability,
            generator=generator,
        )
        with autocast:
            loss = model(input_ids=inputs, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        bar.update(1)
        if step % 100 == 0:
            losses.append(float(loss))
            bar.set_postfix(loss=f"{losses[-1]:.3f}", lr=f"{config.learning_rate * scale:.2e}")
        if time.time() - last_save > config.checkpoint_minutes * 60:
            _save_checkpoint(checkpoint, model, optimizer, step, time.time() - clock)
            last_save = time.time()
    bar.close()
    train_seconds = time.time() - clock
    heldout_loss = evaluate_mlm(model, heldout_blocks, continuation, tokenizer, config, device)
    model.save_pretrained(out)
    log = {
        "config": asdict(config),
        "device": device,
        "device_name": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "steps": step,
        "train_blocks": len(train_blocks),
        "train_tokens_seen": step * config.batch_size * config.block_size,
        "heldout_blocks": len(heldout_blocks),
        "heldout_mlm_loss": heldout_loss,
        "heldout_perplexity": math.exp(heldout_loss),
        "train_loss_every_100_steps": losses,
        "train_seconds": train_seconds,
        "total_seconds": time.time() - started,
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    (out / "pretrain_log.json").write_text(json.dumps(log, indent=2), encoding="utf-8")
    return log


def prepare_data(config: PretrainConfig) -> tuple[Any, Any, Any]:
    """Tokenizer (trained unless given) and packed train / held-out blocks, cached on disk.

    The cache lets a run on another machine skip reading and tokenizing the raw text.
    """
    import torch
    from tqdm.auto import tqdm

    from civicnlp.encoder import load_tokenizer, train_tokenizer

    out = Path(config.output_dir)
    cache = Path(config.cache_dir) / f"blocks-{config.block_size}.pt"
    if cache.exists() and (out / "tokenizer.json").exists():
        blocks = torch.load(cache)
        return load_tokenizer(out), blocks["train"], blocks["heldout"]
    train_texts, heldout_texts = [], []
    for doc_id, text in tqdm(iter_raw(config.raw_paths, max_chars=config.max_chars), desc="reading raw text"):
        (heldout_texts if is_heldout(doc_id, config.heldout_fraction) else train_texts).append(text)
    if config.tokenizer:
        tokenizer = load_tokenizer(config.tokenizer)
    else:
        tokenizer = train_tokenizer(_sample(train_texts, config.tokenizer_chars), vocab_size=config.vocab_size)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out)
    train_blocks = pack_blocks(tokenizer, train_texts, config.block_size)
    heldout_blocks = pack_blocks(tokenizer, heldout_texts, config.block_size)
    cache.parent.mkdir(parents=True, exist_ok=True)
    # int16 halves the cache; the vocabulary is far below 32,768.
    torch.save({"train": train_blocks.to(torch.int16), "heldout": heldout_blocks.to(torch.int16)}, cache)
    return tokenizer, train_blocks, heldout_blocks


def evaluate_mlm(model: Any, blocks: Any, continuation: Any, tokenizer: Any, config: PretrainConfig, device: str):
    """Mean masked-token loss on held-out blocks, with a fixed masking seed."""
    import torch

    model.eval()
    generator = torch.Generator(device=device).manual_seed(1234)
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(blocks), 64):
            batch = blocks[start : start + 64].to(device).long()
            inputs, labels = mask_batch(
                batch,
                continuation=continuation,
                mask_id=tokenizer.mask_token_id,
                vocab_size=len(tokenizer),
                probability=config.mask_probability,
                generator=generator,
            )
            logits = model(input_ids=inputs).logits.float()
            loss = torch.nn.functional.cross_entropy(
                logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100, reduction="sum"
            )
            total += float(loss)
            count += int((labels != -100).sum())
    model.train()
    return total / max(count, 1)


def _sample(texts: list[str], limit: int) -> Iterator[str]:
    used = 0
    for text in texts:
        yield text
        used += len(text)
        if used >= limit:
            return


def _save_checkpoint(path: Path, model: Any, optimizer: Any, step: int, seconds: float) -> None:
    import torch

    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "seconds": seconds}
    state["rng"] = torch.get_rng_state()
    torch.save(state, path)

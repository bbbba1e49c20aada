"""Pretraining end to end on a tiny corpus, and whole-syllable masking."""

from __future__ import annotations

import json

import pytest

from civicnlp.cli import main
from civicnlp.pretrain import PretrainConfig, mask_batch


@pytest.fixture
def tiny_config(tmp_path, seed_doc):
    raw = tmp_path / "raw.jsonl"
    lines = [
        json.dumps({"id": f"r{i}", "text": seed_doc.text[i * 300 : i * 300 + 900]}, ensure_ascii=False)
        for i in range(20)
    ]
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "pretrain.json"
    config.write_text(
        json.dumps(
            {
                "raw_paths": [str(raw)],
                "output_dir": str(tmp_path / "enc"),
                "cache_dir": str(tmp_path / "cache"),
                "vocab_size": 300,
                "hidden_size": 32,
                "num_layers": 1,
                "num_heads": 2,
                "intermediate_size": 64,
                "block_size": 32,
                "batch_size": 4,
                "max_steps": 6,
                "heldout_fraction": 0.2,
                "device": "cpu",
            }
        )
    )
    return config


def test_pretrain_cli_trains_saves_and_reports_heldout_perplexity(tiny_config, tmp_path, capsys):
    assert main(["pretrain", "--config", str(tiny_config)]) == 0
    out = tmp_path / "enc"
    log = json.loads((out / "pretrain_log.json").read_text())
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in out.iterdir()}
    assert log["steps"] == 6 and log["heldout_blocks"] > 0 and log["heldout_perplexity"] > 1
    assert "perplexity" in capsys.readouterr().out

    from transformers import AutoModelForMaskedLM

    from civicnlp.encoder import load_tokenizer

    assert AutoModelForMaskedLM.from_pretrained(out).config.vocab_size == len(load_tokenizer(out))


def test_pretrain_rejects_unknown_options(tmp_path):
    from civicnlp.errors import CivicError

    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"raw_paths": [], "hidden_sise": 3}))
    with pytest.raises(CivicError, match="hidden_sise"):
        PretrainConfig.from_file(path)


def test_pretrain_masks_whole_syllables():
    import torch

    # ids 10 and 11 start words, 20 continues a word ("##" piece): 10 20 20 | 11 20
    continuation = torch.zeros(30, dtype=torch.bool)
    continuation[20] = True
    batch = torch.tensor([[0, 10, 20, 20, 11, 20, 2]] * 200)
    generator = torch.Generator().manual_seed(0)
    _, labels = mask_batch(
        batch, continuation=continuation, mask_id=4, vocab_size=30, probability=0.3, generator=generator
    )
    chosen = labels != -100
    assert chosen[:, 1].any() and not chosen[:, 0].any() and not chosen[:, 6].any()
    # a word's pieces are chosen together
    assert torch.equal(chosen[:, 1], chosen[:, 2]) and torch.equal(chosen[:, 1], chosen[:, 3])
    assert torch.equal(chosen[:, 4], chosen[:, 5])

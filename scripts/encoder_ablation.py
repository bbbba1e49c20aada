"""Issue 4's ablation: fine-tune the tagger from the pretrained encoder and from random weights
(same architecture, data, seed and schedule) in one run, and print dev entity/statement F1 for both.

    python scripts/encoder_ablation.py --real-dir ../shared/corpora/real --epochs 10 --device auto
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from civicnlp.train import TrainConfig, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--real-dir", default="../shared/corpora/real")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--out", default="runs/ablation")
    args = parser.parse_args()
    real = Path(args.real_dir)
    results = {}
    for init in ("pretrained", "random"):
        config = TrainConfig(
            encoder="models/civic-roberta-small",
            init=init,
            device=args.device,
            train=["corpora/civic-vi/train.jsonl", str(real / "real-train.jsonl")],
            repeat=[1, 2],
            dev=[str(real / "real-dev.jsonl")],
            output_dir=f"{args.out}/{init}",
            epochs=args.epochs,
            patience=args.epochs,
            seed=13,
        )
        log = train(config)
        best = max(log["epochs"], key=lambda e: e["entity_f1"] + e["statement_f1"])
        results[init] = {
            "best_epoch": best["epoch"],
            "entity_f1": best["entity_f1"],
            "statement_f1": best["statement_f1"],
            "train_seconds": log["train_seconds"],
        }
        print(init, json.dumps(results[init]), flush=True)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    Path(args.out, "ablation.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Rules against the learned speaker scorer (civicnlp.speakers), both on gold entities and statements.

    python scripts/linker_ablation.py --train corpora/civic-vi/train.jsonl ../shared/corpora/real/real-train.jsonl \
        --eval corpora/civic-vi/test.jsonl corpora/seed/seed.jsonl ../shared/corpora/real/real-dev.jsonl

Trains the scorer on the --train sets' gold links, then prints speaker-link and org-link F1 of both
linkers on each --eval set.  ``--save PATH`` keeps the learned weights (``LearnedLinker.load``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from civicnlp.corpus import read_corpus
from civicnlp.evaluate import evaluate
from civicnlp.relations import Linker
from civicnlp.speakers import LearnedLinker, _without_links, train_scorer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", nargs="+", type=Path, required=True)
    parser.add_argument("--eval", nargs="+", type=Path, required=True)
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args()
    learned = LearnedLinker(train_scorer(read_corpus(args.train)))
    if args.save:
        learned.save(args.save)
    results = {}
    for path in args.eval:
        gold = read_corpus([path])
        for name, linker in (("rules", Linker()), ("learned", learned)):
            scores = evaluate(gold, [linker.link(_without_links(doc)) for doc in gold])
            results[f"{path.stem} {name}"] = {k: scores[k]["f1"] for k in ("speaker_links", "org_links")}
            print(
                f"{path.stem:>12} {name:>8}  speaker F1 {scores['speaker_links']['f1']:.3f}  "
                f"org F1 {scores['org_links']['f1']:.3f}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()

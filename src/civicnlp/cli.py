"""The ``civicnlp`` command line: argument parsing only; the work lives in the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from civicnlp.errors import CivicError, CorpusError


def _corpus_validate(args: argparse.Namespace) -> int:
    from civicnlp.corpus import validate_paths

    try:
        count = validate_paths(args.paths)
    except CorpusError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"ok: {count} document(s) valid")
    return 0


def _corpus_stats(args: argparse.Namespace) -> int:
    from civicnlp.corpus import corpus_stats, read_corpus

    stats = corpus_stats(read_corpus(args.paths))
    print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    return 0


def _corpus_split(args: argparse.Namespace) -> int:
    from pathlib import Path

    from civicnlp.corpus import read_corpus, require_valid, split_documents, write_jsonl

    docs = require_valid(read_corpus(args.paths), where="split input")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, part in split_documents(docs, dev=args.dev, test=args.test, seed=args.seed).items():
        write_jsonl(part, out / f"{name}.jsonl")
        print(f"{name}: {len(part)} documents -> {out / (name + '.jsonl')}")
    return 0


def _pretrain(args: argparse.Namespace) -> int:
    from civicnlp.pretrain import PretrainConfig, prepare_data, pretrain

    config = PretrainConfig.from_file(args.config, output_dir=args.output_dir)
    if args.prepare_only:
        _, train, heldout = prepare_data(config)
        print(f"prepared {len(train)} training and {len(heldout)} held-out blocks in {config.cache_dir}")
        return 0
    log = pretrain(config, resume=args.resume)
    print(f"held-out MLM loss {log['heldout_mlm_loss']:.4f}, perplexity {log['heldout_perplexity']:.2f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civicnlp", description="Who said what in Vietnamese civic news.")
    commands = parser.add_subparsers(dest="command", required=True)

    corpus = commands.add_parser("corpus", help="validate and count annotated corpora")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True)
    validate = corpus_commands.add_parser("validate", help="check JSONL / markup files against ANNOTATION.md")
    validate.add_argument("paths", nargs="+")
    validate.set_defaults(run=_corpus_validate)
    stats = corpus_commands.add_parser("stats", help="documents, characters, label and relation counts")
    stats.add_argument("paths", nargs="+")
    stats.set_defaults(run=_corpus_stats)
    split = corpus_commands.add_parser("split", help="train/dev/test JSONL by article, stratified by @type")
    split.add_argument("paths", nargs="+")
    split.add_argument("--out", required=True, help="folder for train.jsonl, dev.jsonl, test.jsonl")
    split.add_argument("--dev", type=float, default=0.1)
    split.add_argument("--test", type=float, default=0.1)
    split.add_argument("--seed", type=int, default=13)
    split.set_defaults(run=_corpus_split)

    pre = commands.add_parser("pretrain", help="train the tokenizer and MLM-pretrain the encoder")
    pre.add_argument("--config", required=True, help="JSON file of PretrainConfig options")
    pre.add_argument("--output-dir", default=None)
    pre.add_argument("--resume", action="store_true", help="continue from output_dir/checkpoint.pt")
    pre.add_argument("--prepare-only", action="store_true", help="only build the tokenizer and packed blocks")
    pre.set_defaults(run=_pretrain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CivicError as exc:
        print(f"civicnlp: {exc}", file=sys.stderr)
        return 2

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


def _corpus_convert(args: argparse.Namespace) -> int:
    from pathlib import Path

    from civicnlp.formats import convert

    count = convert(Path(args.source), Path(args.target))
    print(f"converted {count} document(s): {args.source} -> {args.target}")
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


def _extract(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm.auto import tqdm

    from civicnlp import load
    from civicnlp.batch import (
        done_ids,
        extract_items,
        extract_parallel,
        items_from_files,
        items_from_jsonl,
        write_results,
    )

    if not args.files and not args.input_jsonl:
        raise CivicError("E070", where="civicnlp extract", detail="give text FILEs or --input-jsonl")
    items = items_from_jsonl(args.input_jsonl) if args.input_jsonl else items_from_files(args.files)
    skip: set[str] = set()
    if args.resume:
        if not args.output or args.format != "jsonl":
            raise CivicError("E070", where="civicnlp extract", detail="--resume needs -o OUT with --format jsonl")
        skip = done_ids(args.output)
        items = (item for item in items if item.id not in skip)
    progress = tqdm(items, desc="extracting", unit="doc", disable=args.quiet)
    if args.workers > 1:
        results = extract_parallel(args.model, progress, workers=args.workers, batch_size=args.batch_size)
    else:
        results = extract_items(load(args.model), progress, batch_size=args.batch_size)
    mode = "a" if args.resume else "w"
    if args.output:
        with Path(args.output).open(mode, encoding="utf-8", newline="") as handle:
            counts = write_results(results, args.format, handle)
    else:
        counts = write_results(results, args.format, sys.stdout)
    print(
        f"civicnlp: {counts['documents']} document(s), {counts['errors']} error(s)"
        + (f", {len(skip)} skipped (already done)" if skip else ""),
        file=sys.stderr,
    )
    return 1 if counts["errors"] and not counts["documents"] else 0


def _evaluate(args: argparse.Namespace) -> int:
    from civicnlp.corpus import read_corpus
    from civicnlp.evaluate import evaluate, format_report

    gold = read_corpus(args.gold)
    if args.pred:
        pred = read_corpus(args.pred)
    else:
        from civicnlp import load

        pred = list(load(args.model).pipe(gold))
    result = evaluate(gold, pred)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_report(result))
    return 0


def _train(args: argparse.Namespace) -> int:
    from civicnlp.train import TrainConfig, train

    config = TrainConfig.from_file(args.config, output_dir=args.output_dir, encoder=args.encoder, init=args.init)
    log = train(config)
    print(f"best epoch {log.get('best_epoch')} saved to {config.output_dir}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civicnlp", description="Who said what in Vietnamese civic news.")
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="extract entities, statements and speakers from articles")
    extract.add_argument("files", nargs="*", help="plain-text articles (UTF-8), one per file")
    extract.add_argument("--input-jsonl", help="JSONL records with id, text and optional meta.published")
    extract.add_argument("--format", choices=["jsonl", "json", "csv", "html"], default="jsonl")
    extract.add_argument("-o", "--output", help="output file (default: standard output)")
    extract.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    extract.add_argument("--batch-size", type=int, default=16)
    extract.add_argument("--workers", type=int, default=1, help="processes, each with its own model copy")
    extract.add_argument("--resume", action="store_true", help="skip ids already in -o and append")
    extract.add_argument("--quiet", action="store_true", help="no progress bar")
    extract.set_defaults(run=_extract)

    evaluate = commands.add_parser("evaluate", help="score predictions against gold annotations")
    evaluate.add_argument("--gold", nargs="+", required=True)
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--pred", nargs="+")
    source.add_argument("--model", help="model directory, or 'bundled'")
    evaluate.add_argument("--json", action="store_true", help="print every figure as JSON")
    evaluate.set_defaults(run=_evaluate)

    train = commands.add_parser("train", help="fine-tune the tagger on annotated corpora")
    train.add_argument("--config", required=True, help="JSON file of TrainConfig options")
    train.add_argument("--output-dir", default=None)
    train.add_argument("--encoder", default=None, help="encoder name or path (e.g. vinai/phobert-base)")
    train.add_argument("--init", choices=["pretrained", "random"], default=None)
    train.set_defaults(run=_train)

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
    conv = corpus_commands.add_parser(
        "convert", help="between JSONL/markup, Label Studio (.ls.json), spaCy DocBin (.spacy) and CoNLL (.conll)"
    )
    conv.add_argument("source")
    conv.add_argument("target")
    conv.set_defaults(run=_corpus_convert)

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

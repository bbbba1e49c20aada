"""One-command benchmark: civicnlp against underthesea's ``ner`` on the same texts.

    python -m benchmarks                                   # corpus test split + seed, bundled model
    python -m benchmarks --gold path/to/more.jsonl --scaling --out benchmarks/results.json

Prints, from one run: characters and articles per second for ``civicnlp extract`` (tagging +
relations) and for underthesea's ``ner``, their ratio, cold-start time (import + load), peak
RSS, model size on disk, F1 on each gold set (underthesea scored on PER/ORG/LOC, the labels it
has), and with ``--scaling`` how time grows with article length (1 KB → 1 MB).  Each system
runs in its own process so that peak memory and cold start are its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = [ROOT / "corpora" / "civic-vi" / "test.jsonl", ROOT / "corpora" / "seed" / "seed.jsonl"]
UNDERTHESEA_LABELS = ("PER", "ORG", "LOC")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _civicnlp_pass(model: str | None, texts: list[dict[str, Any]]) -> dict[str, Any]:
    import civicnlp

    extractor = civicnlp.load(model)
    extractor(texts[0]["text"][:2000])  # warm-up
    started = time.perf_counter()
    docs = [d.to_dict() for d in extractor.pipe(texts, batch_size=16)]
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "docs": docs}


def _underthesea_pass(texts: list[dict[str, Any]]) -> dict[str, Any]:
    from underthesea import ner

    from civicnlp.text import sentences

    ner("Ông Tám ở Hà Nội.")  # warm-up: loads its model
    started = time.perf_counter()
    docs = []
    for record in texts:
        text = record["text"]
        entities = []
        for s_start, s_end in sentences(text):
            cursor = s_start
            current: list[Any] | None = None
            for word, *_, tag in ner(text[s_start:s_end]):
                at = text.find(word, cursor, s_end)
                if at < 0:
                    continue
                cursor = at + len(word)
                label = tag[2:] if tag != "O" else None
                if tag.startswith("B-") or (label and (current is None or current[0] != label)):
                    if current:
                        entities.append(current)
                    current = [label, at, cursor]
                elif tag.startswith("I-") and current is not None:
                    current[2] = cursor
                else:
                    if current:
                        entities.append(current)
                    current = None
            if current:
                entities.append(current)
        docs.append(
            {
                "id": record["id"],
                "text": text,
                "entities": [
                    {"id": i + 1, "label": lab, "start_offset": s, "end_offset": e}
                    for i, (lab, s, e) in enumerate(entities)
                    if lab in UNDERTHESEA_LABELS
                ],
                "relations": [],
            }
        )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "docs": docs}


def _in_child(function: Any, *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def _cold_start(model: str | None) -> float:
    code = f"import civicnlp; civicnlp.load({model!r})"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def _scores(gold_docs: list[Any], docs: list[dict[str, Any]], *, labels: tuple[str, ...] | None = None) -> dict:
    from civicnlp.evaluate import evaluate
    from civicnlp.schema import Document

    pred = [Document.from_dict(d) for d in docs]
    if labels is not None:
        for doc in [*gold_docs, *pred]:
            doc.spans = [s for s in doc.spans if s.label in labels]
            doc.relations = []
    result = evaluate(gold_docs, pred)
    keep = {
        "entities_micro_f1": result["entities"]["micro"]["f1"],
        "per_label_f1": {k: v["f1"] for k, v in result["entities"].items() if k != "micro"},
    }
    if labels is None:
        keep.update(
            statements_f1=result["statements"]["micro"]["f1"],
            speaker_links_f1=result["speaker_links"]["f1"],
            org_links_f1=result["org_links"]["f1"],
            date_value_accuracy=result["date_values"]["accuracy"],
        )
    return keep


def _scaling(model: str | None, source: str) -> list[dict[str, float]]:
    import civicnlp

    extractor = civicnlp.load(model)
    rows = []
    for size in (1_000, 10_000, 100_000, 1_000_000):
        text = (source * (size // max(1, len(source)) + 1))[:size]
        started = time.perf_counter()
        extractor(text)
        seconds = time.perf_counter() - started
        rows.append({"characters": size, "seconds": round(seconds, 3), "chars_per_second": round(size / seconds)})
    return rows


def _model_size_mb(model: str | None) -> float:
    from civicnlp.pipeline import bundled_model_path

    path = Path(model) if model else bundled_model_path()
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def run(model: str | None, gold_paths: list[Path], *, scaling: bool) -> dict[str, Any]:
    from civicnlp.corpus import read_corpus

    results: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": multiprocessing.cpu_count(),
            "python": platform.python_version(),
        },
        "model": str(model or "bundled"),
        "model_size_mb": _model_size_mb(model),
        "cold_start_seconds": round(_cold_start(model), 2),
        "sets": {},
    }
    all_texts: list[dict[str, Any]] = []
    for path in gold_paths:
        gold = read_corpus([path])
        texts = [{"id": d.id, "text": d.text, "meta": d.meta} for d in gold]
        all_texts += texts
        civic = _in_child(_civicnlp_pass, model, texts)
        under = _in_child(_underthesea_pass, texts)
        chars = sum(len(t["text"]) for t in texts)
        results["sets"][path.name] = {
            "articles": len(texts),
            "characters": chars,
            "civicnlp": {
                "chars_per_second": round(chars / civic["seconds"]),
                "articles_per_second": round(len(texts) / civic["seconds"], 2),
                "peak_rss_mb": round(civic["peak_rss_mb"]),
                **_scores(read_corpus([path]), civic["docs"]),
                "per_org_loc": _scores(read_corpus([path]), civic["docs"], labels=UNDERTHESEA_LABELS),
            },
            "underthesea_ner": {
                "chars_per_second": round(chars / under["seconds"]),
                "articles_per_second": round(len(texts) / under["seconds"], 2),
                "peak_rss_mb": round(under["peak_rss_mb"]),
                "per_org_loc": _scores(read_corpus([path]), under["docs"], labels=UNDERTHESEA_LABELS),
            },
            "speed_ratio": round(under["seconds"] / civic["seconds"], 1),
        }
    if scaling:
        source = "\n".join(t["text"] for t in all_texts)
        results["scaling"] = _in_child(_scaling, model, source)
    return results


def _print(results: dict[str, Any]) -> None:
    print(
        f"model {results['model']} ({results['model_size_mb']} MB), cold start {results['cold_start_seconds']} s, "
        f"{results['machine']['cpus']} CPUs, {results['machine']['processor']}"
    )
    for name, s in results["sets"].items():
        c, u = s["civicnlp"], s["underthesea_ner"]
        print(f"\n{name}: {s['articles']} articles, {s['characters']} characters")
        print(
            f"  civicnlp extract   {c['chars_per_second']:>9,} chars/s {c['articles_per_second']:>7} art/s "
            f"peak {c['peak_rss_mb']} MB  entity F1 {c['entities_micro_f1']:.3f}  statement F1 "
            f"{c['statements_f1']:.3f}  speaker F1 {c['speaker_links_f1']:.3f}  org-link F1 {c['org_links_f1']:.3f}"
        )
        print(
            f"  underthesea ner    {u['chars_per_second']:>9,} chars/s {u['articles_per_second']:>7} art/s "
            f"peak {u['peak_rss_mb']} MB"
        )
        print(
            f"  PER/ORG/LOC F1: civicnlp {c['per_org_loc']['entities_micro_f1']:.3f}, "
            f"underthesea {u['per_org_loc']['entities_micro_f1']:.3f};  civicnlp is {s['speed_ratio']}x faster"
        )
    for row in results.get("scaling", []):
        print(f"  scaling {row['characters']:>9,} chars: {row['seconds']:>8} s  {row['chars_per_second']:>9,} chars/s")


def _plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results.get("scaling")
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.loglog([r["characters"] for r in rows], [r["seconds"] for r in rows], marker="o", label="civicnlp extract")
    ax.set_xlabel("article length (characters)")
    ax.set_ylabel("seconds")
    ax.set_title("Time grows linearly with length")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=None, help="model directory (default: bundled)")
    parser.add_argument("--gold", nargs="*", type=Path, default=None, help="extra annotated JSONL files to score")
    parser.add_argument("--scaling", action="store_true", help="also time 1 KB → 1 MB articles")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    results = run(args.model, DEFAULT_GOLD + (args.gold or []), scaling=args.scaling)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    _plot(results, args.out.with_suffix(".png"))
    _print(results)


if __name__ == "__main__":
    main()

"""A 10,000-article JSONL run: steady throughput, bounded memory, and resume after a kill.

    python -m benchmarks.batch_run --articles 10000 --kill-after 60

Builds an input JSONL from the project's corpus texts (cycled, unique ids), runs
``civicnlp extract --input-jsonl`` in a subprocess, samples its resident memory and the output
line count every two seconds, kills it after ``--kill-after`` seconds, resumes with ``--resume``,
and checks that every id is in the output exactly once.  Results: ``benchmarks/batch_run.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def _lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _watch(argv: list[str], out: Path, *, kill_after: float | None) -> list[dict[str, float]]:
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.time()
    samples = []
    while process.poll() is None:
        time.sleep(2)
        samples.append(
            {"seconds": round(time.time() - started, 1), "lines": _lines(out), "rss_mb": round(_rss_mb(process.pid), 1)}
        )
        if kill_after is not None and time.time() - started > kill_after:
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--kill-after", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "batch_run.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from civicnlp.corpus import read_corpus

    texts = [d.text for d in read_corpus([ROOT / "corpora" / "civic-vi", ROOT / "corpora" / "seed"])]
    work = Path(tempfile.mkdtemp())
    source, out = work / "in.jsonl", work / "out.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(args.articles):
            handle.write(json.dumps({"id": f"a{i:05d}", "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")
    chars = sum(len(texts[i % len(texts)]) for i in range(args.articles))
    command = [sys.executable, "-m", "civicnlp", "extract", "--input-jsonl", str(source), "-o", str(out), "--quiet"]
    first = _watch(command, out, kill_after=args.kill_after)
    done_before = _lines(out)
    second = _watch([*command, "--resume"], out, kill_after=None)
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    seconds = first[-1]["seconds"] + second[-1]["seconds"]
    rates = [
        (b["lines"] - a["lines"]) / (b["seconds"] - a["seconds"])
        for a, b in itertools.pairwise(second)
        if b["seconds"] > a["seconds"]
    ]
    result = {
        "articles": args.articles,
        "characters": chars,
        "killed_after_seconds": first[-1]["seconds"],
        "lines_before_kill": done_before,
        "output_ids": len(ids),
        "unique_ids": len(set(ids)),
        "all_ids_once": sorted(ids) == [f"a{i:05d}" for i in range(args.articles)],
        "total_seconds": round(seconds, 1),
        "chars_per_second": round(chars / seconds),
        "articles_per_second_p10_p50_p90": [round(float(x), 1) for x in _percentiles(rates)],
        "peak_rss_mb": max(s["rss_mb"] for s in first + second),
        "rss_mb_first_last": [second[0]["rss_mb"], second[-2]["rss_mb"] if len(second) > 1 else second[0]["rss_mb"]],
        "samples": {"before_kill": first, "after_resume": second},
    }
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))


def _percentiles(values: list[float]) -> list[float]:
    import numpy as np

    return list(np.percentile(values, [10, 50, 90])) if values else [0.0, 0.0, 0.0]


if __name__ == "__main__":
    main()

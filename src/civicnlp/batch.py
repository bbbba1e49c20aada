"""Batch extraction over files and JSONL streams: error entries instead of lost batches, resume.

Input records are read lazily, so a 10,000-article JSONL never sits in memory whole.  A
record that cannot be processed (bad JSON, missing ``text``, wrong types, undecodable
bytes) yields ``{"id", "line", "error": {"code", "message"}}`` in its place; the other
records of the batch go on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from civicnlp.corpus import iter_jsonl_records
from civicnlp.errors import CivicError
from civicnlp.pipeline import chunks
from civicnlp.schema import Document

FORMATS = ("jsonl", "json", "csv", "html")


@dataclass
class Item:
    """One input: a record to extract from, or the error that replaced it."""

    id: str
    where: str
    text: str | None = None
    meta: dict[str, Any] | None = None
    error: CivicError | None = None


def items_from_files(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Plain-text files, one article each; the id is the file name without its suffix."""
    for path in map(Path, paths):
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            yield Item(path.stem, str(path), error=CivicError("E040", where=str(path)))
        except UnicodeDecodeError as exc:
            yield Item(
                path.stem, str(path), error=CivicError("E042", where=f"{path} offset {exc.start}", detail=exc.reason)
            )
        else:
            yield Item(path.stem, str(path), text=text, meta={})


def items_from_jsonl(path: str | Path) -> Iterator[Item]:
    """JSONL records with ``id``, ``text`` and optional ``meta.published``, read lazily."""
    for number, record in iter_jsonl_records(path):
        where = f"{path}:{number}"
        if isinstance(record, CivicError):
            yield Item(f"line-{number}", where, error=record)
            continue
        if not isinstance(record, dict):
            yield Item(f"line-{number}", where, error=CivicError("E002", where=where, kind=type(record).__name__))
            continue
        doc_id = str(record.get("id", f"line-{number}"))
        text, meta = record.get("text"), record.get("meta") or {}
        if "text" not in record:
            yield Item(doc_id, where, error=CivicError("E003", where=where, field="text"))
        elif not isinstance(text, str):
            yield Item(
                doc_id,
                where,
                error=CivicError("E004", where=where, field="text", expected="str", kind=type(text).__name__),
            )
        elif not isinstance(meta, dict):
            yield Item(
                doc_id,
                where,
                error=CivicError("E004", where=where, field="meta", expected="an object", kind=type(meta).__name__),
            )
        else:
            yield Item(doc_id, where, text=text, meta=meta)


def extract_items(extractor: Any, items: Iterable[Item], *, batch_size: int = 16) -> Iterator[Document | Item]:
    """Documents in input order; failed items come back as themselves, with their error set."""
    for batch in chunks(items, batch_size):
        yield from _run(extractor, batch)


_WORKER: dict[str, Any] = {}


def _init_worker(model: str | None, threads: int) -> None:
    import torch

    from civicnlp import load

    torch.set_num_threads(threads)  # workers share the cores instead of oversubscribing them
    _WORKER["extractor"] = load(model)


def _work(batch: list[Item]) -> list[Document | Item]:
    return list(_run(_WORKER["extractor"], batch))


def extract_parallel(
    model: str | None, items: Iterable[Item], *, workers: int, batch_size: int = 16
) -> Iterator[Document | Item]:
    """Like :func:`extract_items` over ``workers`` processes (model loaded once per worker), in input order."""
    import multiprocessing
    import os

    threads = max(1, (os.cpu_count() or 1) // workers)
    context = multiprocessing.get_context("spawn")

    with context.Pool(workers, initializer=_init_worker, initargs=(model, threads)) as pool:
        for results in pool.imap(_work, chunks(items, batch_size)):
            yield from results


def _run(extractor: Any, batch: list[Item]) -> Iterator[Document | Item]:
    good = [(k, item) for k, item in enumerate(batch) if item.error is None]
    records = [{"id": item.id, "text": item.text, "meta": item.meta} for _, item in good]
    done: dict[int, Document] = {}
    try:
        done = dict(zip((k for k, _ in good), extractor.pipe(records, batch_size=max(1, len(records))), strict=True))
    except CivicError:
        # One bad record must not lose the batch: retry one by one and keep each error.
        for (k, item), record in zip(good, records, strict=True):
            try:
                done[k] = next(iter(extractor.pipe([record])))
            except CivicError as exc:
                item.error = exc
    for k, item in enumerate(batch):
        yield done.get(k, item)


def error_record(item: Item) -> dict[str, Any]:
    error = item.error or CivicError("E070", where=item.where, detail="unknown error")
    return {"id": item.id, "where": item.where, "error": {"code": error.code, "message": str(error)}}


def done_ids(path: str | Path) -> set[str]:
    """Ids already written to a JSONL output (for ``--resume``).

    A run killed mid-write leaves a cut-off last line; it is removed so that appending
    starts on a fresh line (that record is simply extracted again).
    """
    ids: set[str] = set()
    path = Path(path)
    if not path.exists():
        return ids
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
    for _, record in iter_jsonl_records(path):
        if isinstance(record, dict) and "id" in record and "error" not in record:
            ids.add(str(record["id"]))
    return ids


def write_results(results: Iterable[Document | Item], fmt: str, handle: TextIO) -> dict[str, int]:
    """Write results in one of :data:`FORMATS`; returns counts of documents and errors."""
    from civicnlp.reports import CSV_COLUMNS, render_html, report_rows

    counts = {"documents": 0, "errors": 0}
    docs: list[Document] = []
    errors: list[dict[str, Any]] = []
    for result in results:
        if isinstance(result, Item):
            counts["errors"] += 1
            print(f"civicnlp: {result.error}", file=sys.stderr)
            record = error_record(result)
            if fmt == "jsonl":
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                errors.append(record)
            continue
        counts["documents"] += 1
        if fmt == "jsonl":
            handle.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            handle.flush()
        else:
            docs.append(result)
    if fmt == "json":
        payload = [{**d.to_dict(), "reports": [r.to_dict() for r in d.reports]} for d in docs] + errors
        json.dump(payload, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        writer.writerows(report_rows(docs))
    elif fmt == "html":
        handle.write(render_html(docs))
    return counts

"""Ray Data integration, for corpora that outgrow one machine.

>>> import ray                                                        # doctest: +SKIP
>>> from civicnlp.ray_data import CivicExtractor
>>> ds = ray.data.read_json("articles.jsonl")                         # doctest: +SKIP
>>> out = ds.map_batches(CivicExtractor, fn_constructor_kwargs={"model": None},
...                      concurrency=4, batch_size=32)                # doctest: +SKIP
>>> out.write_json("extracted/")                                      # doctest: +SKIP

Each Ray actor loads the model once (``__init__``); every batch returns the input ``id`` and
``text`` with ``entities`` and ``relations`` as JSON strings in the schema of ANNOTATION.md, and
``error`` (empty when the record was fine) so that one bad record never fails the job.
"""

from __future__ import annotations

import json
from typing import Any

from civicnlp.errors import CivicError


class CivicExtractor:
    """A callable class for ``Dataset.map_batches``: the model is loaded once per actor."""

    def __init__(self, model: str | None = None, *, batch_size: int = 16) -> None:
        from civicnlp import load

        self.extractor = load(model)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        ids = [str(i) for i in batch["id"]]
        texts = list(batch["text"])
        metas = list(batch["meta"]) if "meta" in batch else [{}] * len(ids)
        out: dict[str, list[Any]] = {"id": [], "text": [], "entities": [], "relations": [], "error": []}
        for doc_id, text, meta in zip(ids, texts, metas, strict=True):
            out["id"].append(doc_id)
            out["text"].append(text)
            try:
                doc = self.extractor(text, published=(meta or {}).get("published"), id=doc_id)
            except CivicError as exc:
                out["entities"].append("[]")
                out["relations"].append("[]")
                out["error"].append(str(exc))
                continue
            record = doc.to_dict()
            out["entities"].append(json.dumps(record["entities"], ensure_ascii=False))
            out["relations"].append(json.dumps(record["relations"], ensure_ascii=False))
            out["error"].append("")
        return out

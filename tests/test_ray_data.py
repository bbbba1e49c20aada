"""Ray Data on a local Ray instance, with the tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

TINY = str(Path(__file__).parent / "fixtures" / "tiny-syllable")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


def test_ray_data_map_batches_with_actor(local_ray, seed_doc):
    from civicnlp.ray_data import CivicExtractor

    items = [
        {"id": f"a{i}", "text": seed_doc.text[: 400 * (i + 1)], "meta": {"published": "2025-03-11"}} for i in range(5)
    ] + [{"id": "bad", "text": "", "meta": {}}]
    ds = ray.data.from_items(items)
    rows = ds.map_batches(CivicExtractor, fn_constructor_kwargs={"model": TINY}, concurrency=1, batch_size=2).take_all()
    assert sorted(r["id"] for r in rows) == sorted(i["id"] for i in items)
    for row in rows:
        text = next(i["text"] for i in items if i["id"] == row["id"])
        assert row["text"] == text and row["error"] == ""
        assert all(0 <= e["start_offset"] < e["end_offset"] <= len(text) for e in json.loads(row["entities"]))

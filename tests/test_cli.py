"""The command line as a user runs it, with the tiny model (no test depends on model quality)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from civicnlp.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = str(Path(__file__).parent / "fixtures" / "tiny-syllable")
SEED_TXT = ROOT / "corpora" / "seed" / "seed.txt"
SEED_JSONL = ROOT / "corpora" / "seed" / "seed.jsonl"


def _bad_corpus(path: Path) -> Path:
    """One article with an overlap (E013) and an unknown label (E010)."""
    path.write_text(
        json.dumps(
            {
                "id": "a",
                "text": "Ông Tám nói",
                "entities": [
                    {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 7},
                    {"id": 2, "label": "ORG", "start_offset": 4, "end_offset": 11},
                    {"id": 3, "label": "PERSON", "start_offset": 0, "end_offset": 3},
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_corpus_validate_and_stats(capsys):
    code, out, _ = _run(capsys, "corpus", "validate", str(ROOT / "corpora"))
    assert code == 0 and "valid" in out
    code, out, _ = _run(capsys, "corpus", "stats", str(ROOT / "corpora" / "civic-vi"))
    stats = json.loads(out)
    assert code == 0 and stats["documents"] >= 200 and stats["relations"]["REPORTED_BY"] >= 1000


def test_cli_corpus_validate_fails_with_every_problem(tmp_path, capsys):
    bad = _bad_corpus(tmp_path / "bad.jsonl")
    code, _, err = _run(capsys, "corpus", "validate", str(bad))
    assert code == 1 and "E013" in err and "E010" in err and "bad.jsonl:1" in err


def test_cli_extract_input_jsonl_keeps_ids_and_reports_bad_records(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    records = [
        json.dumps({"id": "ok-1", "text": SEED_TXT.read_text(encoding="utf-8"), "meta": {"published": "2025-03-11"}}),
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-type", "text": ["x"]}),
        json.dumps({"id": "ok-2", "text": ""}),
    ]
    source.write_text("\n".join(records) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = _run(capsys, "extract", "--input-jsonl", str(source), "--model", TINY, "-o", str(out), "--quiet")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and [r["id"] for r in lines] == ["ok-1", "line-2", "no-text", "bad-type", "ok-2"]
    assert lines[0]["text"] == SEED_TXT.read_text(encoding="utf-8") and "entities" in lines[0]
    assert [r.get("error", {}).get("code") for r in lines] == [None, "E001", "E003", "E004", None]
    assert lines[4]["entities"] == [] and "in.jsonl:2" in err


def test_cli_extract_output_is_schema_valid(tmp_path, capsys):
    from civicnlp.corpus import read_corpus, validate_document

    out = tmp_path / "seed.jsonl"
    code, _, _ = _run(capsys, "extract", str(SEED_TXT), "--model", TINY, "-o", str(out), "--quiet")
    docs = read_corpus([out])
    assert code == 0 and docs[0].id == "seed" and validate_document(docs[0]) == []


def test_cli_extract_resume_skips_done_ids(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"Ông Tám số {i} phát biểu."}) + "\n" for i in range(4)),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    out.write_text(
        json.dumps({"id": "d0", "text": "x", "entities": [], "relations": []}) + "\n" + '{"id": "d1", "te',
        encoding="utf-8",
    )  # killed mid-line
    code, _, err = _run(
        capsys, "extract", "--input-jsonl", str(source), "--model", TINY, "-o", str(out), "--resume", "--quiet"
    )
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert code == 0 and ids == ["d1", "d2", "d3"] and "1 skipped" in err


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_cli_extract_formats(tmp_path, capsys, fmt):
    out = tmp_path / f"o.{fmt}"
    code, _, _ = _run(capsys, "extract", str(SEED_TXT), "--model", TINY, "--format", fmt, "-o", str(out), "--quiet")
    text = out.read_text(encoding="utf-8")
    assert code == 0
    if fmt == "json":
        assert json.loads(text)[0]["id"] == "seed" and "reports" in json.loads(text)[0]
    elif fmt == "csv":
        assert text.splitlines()[0].startswith("article,speaker,position,organization,type,text,addressee")
    else:
        assert text.startswith("<!doctype html>") and "</html>" in text


@pytest.mark.parametrize(
    ("content", "expect_error"),
    [
        (b"", False),  # empty file: empty result
        (unicodedata.normalize("NFD", "Chủ tịch Hội Nông dân tỉnh phát biểu.").encode(), False),
        (b"\x00\xff\xfe binary \x89PNG junk", True),  # not UTF-8: named error
        (("Hội Nông dân tỉnh đề nghị hỗ trợ vốn. " * 50_000).encode(), False),  # a 2 MB article
    ],
)
def test_cli_extract_bad_inputs(tmp_path, capsys, content, expect_error):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    out = tmp_path / "out.jsonl"
    code, _, err = _run(capsys, "extract", str(path), "--model", TINY, "-o", str(out), "--quiet")
    record = json.loads(out.read_text(encoding="utf-8"))
    if expect_error:
        assert code == 1 and record["error"]["code"] == "E042" and "article.txt" in err
    else:
        assert code == 0 and record["text"] == content.decode("utf-8")
        assert all(0 <= e["start_offset"] < e["end_offset"] <= len(record["text"]) for e in record["entities"])


def test_cli_extract_missing_model_is_a_clear_error(tmp_path, capsys):
    code, _, err = _run(capsys, "extract", str(SEED_TXT), "--model", str(tmp_path / "nope"), "--quiet")
    assert code == 2 and "E050" in err and "nope" in err


def test_cli_evaluate_prints_every_metric(tmp_path, capsys):
    code, out, _ = _run(capsys, "evaluate", "--gold", str(SEED_JSONL), "--pred", str(SEED_JSONL))
    for name in ("entities (micro)", "statements (micro)", "speaker links", "org links", "DATE value accuracy"):
        assert name in out
    assert code == 0 and "1.000" in out
    code, out, _ = _run(capsys, "evaluate", "--gold", str(SEED_JSONL), "--model", TINY, "--json")
    assert code == 0 and set(json.loads(out)) >= {"entities", "statements", "speaker_links", "org_links", "date_values"}


def test_cli_train_tiny_model_end_to_end(tmp_path, capsys):
    config = tmp_path / "train.json"
    config.write_text(
        json.dumps(
            {
                "encoder": TINY,
                "train": [str(SEED_JSONL)],
                "dev": [str(SEED_JSONL)],
                "output_dir": str(tmp_path / "m"),
                "epochs": 1,
                "batch_size": 4,
                "max_length": 64,
                "train_stride": 48,
            }
        ),
        encoding="utf-8",
    )
    code, _, _ = _run(capsys, "train", "--config", str(config))
    assert code == 0 and (tmp_path / "m" / "model.safetensors").exists()
    assert json.loads((tmp_path / "m" / "train_log.json").read_text())["best_epoch"] == 1


def test_cli_train_rejects_invalid_corpus_listing_every_problem(tmp_path, capsys):
    bad = _bad_corpus(tmp_path / "bad.jsonl")
    config = tmp_path / "train.json"
    config.write_text(json.dumps({"encoder": TINY, "train": [str(bad)], "output_dir": str(tmp_path / "m")}))
    code, _, err = _run(capsys, "train", "--config", str(config))
    assert code == 2 and "E013" in err and "E010" in err and "bad.jsonl" in err
    assert "span 2-0" not in err and "(ORG) overlaps span 0-7 (PER)" in err


def test_cli_extract_with_workers_keeps_order(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"Ông Tám số {i} phát biểu tại xã."}) + "\n" for i in range(7))
        + "{broken\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code, _, _ = _run(
        capsys,
        "extract",
        "--input-jsonl",
        str(source),
        "--model",
        TINY,
        "-o",
        str(out),
        "--quiet",
        "--workers",
        "2",
        "--batch-size",
        "3",
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and [r["id"] for r in lines] == [*(f"d{i}" for i in range(7)), "line-8"]
    assert "error" in lines[-1] and all("entities" in r for r in lines[:-1])

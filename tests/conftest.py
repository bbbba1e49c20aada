"""Shared fixtures: the seed article, tiny models, and small hand-written articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicnlp.corpus import read_jsonl
from civicnlp.markup import parse_markup
from civicnlp.schema import Document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SEED_JSONL = ROOT / "corpora" / "seed" / "seed.jsonl"
SEED_MD = ROOT / "corpora" / "seed" / "seed.md"
SEED_TXT = ROOT / "corpora" / "seed" / "seed.txt"
TINY_SYLLABLE = FIXTURES / "tiny-syllable"
TINY_PHOBERT = FIXTURES / "tiny-phobert"
BUNDLED = ROOT / "models" / "civic-tagger-small"


@pytest.fixture(scope="session")
def seed_doc() -> Document:
    return read_jsonl(SEED_JSONL)[0]


@pytest.fixture(scope="session")
def seed_markup_doc() -> Document:
    return parse_markup(SEED_MD.read_text(encoding="utf-8"), where=str(SEED_MD))


@pytest.fixture(scope="session")
def tiny_extractor():
    from civicnlp.pipeline import Extractor
    from civicnlp.relations import Linker
    from civicnlp.tagger import Tagger

    return Extractor(Tagger.from_pretrained(TINY_SYLLABLE), Linker())


def _markup(text: str, doc_id: str = "t") -> Document:
    body = text if text.startswith("@id") else f"@id {doc_id}\n@published 2025-03-11\n{text}"
    return parse_markup(body, where="test")


@pytest.fixture
def markup():
    """Build a document from inline markup written in a test (header optional)."""
    return _markup

"""spaCy integration: ``civic_ner`` and ``civic_relations`` components, extensions, displaCy.

>>> import spacy                                                    # doctest: +SKIP
>>> nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "civicnlp.syllables.v1"}}})  # doctest: +SKIP
>>> nlp.add_pipe("civic_ner"); nlp.add_pipe("civic_relations")     # doctest: +SKIP
>>> doc = nlp("Bí thư Tỉnh ủy Ngô Chí Cường yêu cầu các sở tăng cường kiểm tra.")  # doctest: +SKIP
>>> doc.ents, doc.spans["statements"], doc._.reports                # doctest: +SKIP

``doc.ents`` holds the entities, ``doc.spans["statements"]`` the statements (their label is the
statement type), ``Span._.speaker`` each statement's speaker and ``Doc._.reports`` the
per-speaker reports.  Offsets are exact: our syllable tokenizer keeps every character.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from civicnlp.schema import Document
from civicnlp.text import tokenize

STATEMENTS_KEY = "statements"


def install_extensions() -> None:
    """Register the Doc/Span extensions once (idempotent)."""
    if not Doc.has_extension("civic"):
        Doc.set_extension("civic", default=None)  # the civicnlp Document behind the spaCy Doc
    if not Doc.has_extension("reports"):
        Doc.set_extension("reports", getter=lambda doc: doc._.civic.reports if doc._.civic is not None else [])
    if not Span.has_extension("speaker"):
        Span.set_extension("speaker", default=None)


class SyllableTokenizer:
    """Vietnamese syllable tokens with exact offsets (spaCy's own "vi" tokenizer needs pyvi)."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        cursor = 0
        for token in [*tokenize(text), None]:
            start = token.start if token is not None else len(text)
            gap = text[cursor:start]
            # One space after a word is its trailing space; any other whitespace is a token of its own.
            if gap.startswith(" ") and words:
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
            if token is not None:
                words.append(token.text)
                spaces.append(False)
                cursor = token.end
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: str | Path, **kwargs: Any) -> SyllableTokenizer:
        return self


@registry.tokenizers("civicnlp.syllables.v1")
def create_syllable_tokenizer() -> Any:
    def make(nlp: Language) -> SyllableTokenizer:
        return SyllableTokenizer(nlp.vocab)

    return make


def to_spacy(nlp_doc: Doc, doc: Document) -> Doc:
    """Copy a civicnlp Document's spans onto a spaCy Doc of the same text."""
    install_extensions()
    ents, statements = [], []
    for span in doc.spans:
        target = nlp_doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if target is None:
            continue
        (statements if span.is_statement else ents).append(target)
    nlp_doc.ents = _non_overlapping(ents)
    nlp_doc.spans[STATEMENTS_KEY] = statements
    nlp_doc._.civic = doc
    return nlp_doc


def _non_overlapping(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -len(s))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


class CivicNER:
    """Tags entities and statements with a civicnlp model."""

    def __init__(self, nlp: Language, name: str, *, model: str | None = None, batch_size: int = 16) -> None:
        install_extensions()
        self.name = name
        self.model_path = model
        self.batch_size = batch_size
        self._extractor: Any = None

    @property
    def extractor(self) -> Any:
        if self._extractor is None:
            from civicnlp.pipeline import Extractor

            self._extractor = Extractor.from_pretrained(self.model_path)
            self._extractor.linker = None  # civic_relations links
        return self._extractor

    def __call__(self, doc: Doc) -> Doc:
        return to_spacy(doc, self.extractor(doc.text, published=_meta(doc).get("published")))

    def pipe(self, docs: Any, *, batch_size: int | None = None) -> Any:
        from civicnlp.pipeline import chunks

        for batch in chunks(docs, batch_size or self.batch_size):
            records = [{"id": str(i), "text": d.text, "meta": _meta(d)} for i, d in enumerate(batch)]
            for doc, civic in zip(batch, self.extractor.pipe(records), strict=True):
                yield to_spacy(doc, civic)

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        self.extractor.tagger.save_pretrained(path)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> CivicNER:
        self.model_path = str(path)
        self._extractor = None
        return self


def _meta(doc: Doc) -> dict[str, Any]:
    published = doc.user_data.get("published")  # set it to fill in missing years of dates
    return {"published": published} if published else {}


class CivicRelations:
    """Links statements to speakers and addressees; sets ``Span._.speaker`` and ``Doc._.reports``."""

    def __init__(self, nlp: Language, name: str) -> None:
        from civicnlp.relations import Linker

        install_extensions()
        self.name = name
        self.linker = Linker()

    def __call__(self, doc: Doc) -> Doc:
        civic: Document | None = doc._.civic
        if civic is None:
            return doc
        self.linker.link(civic)
        speakers = {r.head: civic.span(r.tail) for r in civic.relations if r.type == "REPORTED_BY"}
        by_offsets = {(s.start, s.end): s for s in civic.statements}
        for span in doc.spans[STATEMENTS_KEY]:
            statement = by_offsets.get((span.start_char, span.end_char))
            if statement is not None and statement.id in speakers:
                speaker = speakers[statement.id]
                span._.speaker = doc.char_span(speaker.start, speaker.end, label=speaker.label, alignment_mode="expand")
        return doc

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> CivicRelations:
        return self


@Language.factory(
    "civic_ner",
    assigns=["doc.ents", "doc.spans", "doc._.civic"],
    default_config={"model": None, "batch_size": 16},
)
def make_civic_ner(nlp: Language, name: str, model: str | None, batch_size: int) -> CivicNER:
    return CivicNER(nlp, name, model=model, batch_size=batch_size)


@Language.factory("civic_relations", requires=["doc._.civic"], assigns=["span._.speaker", "doc._.reports"])
def make_civic_relations(nlp: Language, name: str) -> CivicRelations:
    return CivicRelations(nlp, name)


def blank() -> Language:
    """A blank Vietnamese pipeline with civicnlp's syllable tokenizer (no pyvi needed)."""
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "civicnlp.syllables.v1"}}})


def render(doc: Doc, *, style: str = "ent", jupyter: bool | None = None) -> str:
    """displaCy markup of the entities (``style="ent"``) or the statements (``style="span"``)."""
    from spacy import displacy

    options = {"spans_key": STATEMENTS_KEY} if style == "span" else {}
    return displacy.render(doc, style=style, options=options, jupyter=jupyter)

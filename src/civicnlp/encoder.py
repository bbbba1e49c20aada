"""Tokenizers and encoders: our own syllable-level model, PhoBERT, or any Hugging Face encoder.

The tagger never relies on a fast tokenizer's offsets: it splits text into words itself
(syllables, or underthesea words for word-level models such as PhoBERT) and asks the
tokenizer for each word's pieces.  Alignment is therefore the same for every tokenizer.

>>> from civicnlp.encoder import words_for
>>> [w.text for w in words_for("Hội Nông dân tỉnh", word_level=False)]
['Hội', 'Nông', 'dân', 'tỉnh']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicnlp.text import TOKEN_PATTERN, Token, tokenize

SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # RoBERTa's ids 0..4


def train_tokenizer(texts: Iterable[str], *, vocab_size: int = 16000, min_frequency: int = 3) -> Any:
    """Train a syllable-aware WordPiece tokenizer and wrap it as a ``transformers`` fast tokenizer.

    Pre-tokenization splits exactly where :func:`civicnlp.text.tokenize` does, so that a
    Vietnamese syllable is never cut by pre-tokenization and pieces align with our words.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece(unk_token="<unk>", max_input_chars_per_word=64))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex(TOKEN_PATTERN), behavior="isolated")]
    )
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS, show_progress=True
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=512,
    )


def load_tokenizer(name_or_path: str | Path) -> Any:
    """Load any Hugging Face tokenizer (fast or slow) by hub name or local path."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(name_or_path))


def is_word_level(tokenizer: Any) -> bool:
    """True for tokenizers trained on underthesea/VnCoreNLP word-segmented text (PhoBERT)."""
    name = type(tokenizer).__name__.lower() + str(getattr(tokenizer, "name_or_path", "")).lower()
    return "phobert" in name


def words_for(text: str, *, word_level: bool) -> list[Token]:
    """Split text into the units the model labels: syllables, or multi-syllable words.

    Word-level units come from underthesea's segmenter and are re-anchored on our syllable
    offsets, so every unit still indexes ``text`` exactly.
    """
    syllables = tokenize(text)
    if not word_level or not syllables:
        return syllables
    from underthesea import word_tokenize

    merged: list[Token] = []
    cursor = 0
    for word in word_tokenize(text):
        # Consume syllables until they cover the word's letters; robust to the segmenter
        # splitting numbers or punctuation differently from us.
        need = len(word.replace(" ", ""))
        group: list[Token] = []
        while cursor < len(syllables) and sum(len(t.text) for t in group) < need:
            group.append(syllables[cursor])
            cursor += 1
        if not group:
            break
        merged.append(Token(text[group[0].start : group[-1].end], group[0].start, group[-1].end))
    # Anything the segmenter skipped stays a word of its own.
    merged.extend(syllables[cursor:])
    return merged


@dataclass
class PieceCache:
    """Word → subword ids, memoised; works with slow tokenizers that have no offset mapping."""

    tokenizer: Any
    word_level: bool = False
    limit: int = 200_000

    def __post_init__(self) -> None:
        self._cache: dict[str, list[int]] = {}
        self.unk_id = self.tokenizer.unk_token_id

    def __call__(self, word: str) -> list[int]:
        pieces = self._cache.get(word)
        if pieces is None:
            surface = word.replace(" ", "_") if self.word_level else word
            pieces = self.tokenizer.encode(surface, add_special_tokens=False) or [self.unk_id]
            if len(self._cache) < self.limit:
                self._cache[word] = pieces
        return pieces

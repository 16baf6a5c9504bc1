"""Count text in the embedding model's own tokens, cheaply (no torch), for sizing chunks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

# Roughly what English prose costs in WordPiece tokens when the tokenizer file is not available.
_CHARS_PER_TOKEN = 4.0


class TokenCounter(Protocol):
    def count_many(self, texts: Sequence[str]) -> list[int]: ...


class ModelTokenCounter:
    """Uses the model's `tokenizer.json` through the `tokenizers` library (milliseconds to load)."""

    def __init__(self, tokenizer_file: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()

    def count_many(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]


class ApproximateTokenCounter:
    """Fallback for models without a tokenizer file: a character-based estimate."""

    def count_many(self, texts: Sequence[str]) -> list[int]:
        return [max(1, round(len(t) / _CHARS_PER_TOKEN)) if t.strip() else 0 for t in texts]


def token_counter_for(model_folder: Path | None) -> TokenCounter:
    if model_folder is not None and (model_folder / "tokenizer.json").is_file():
        return ModelTokenCounter(model_folder / "tokenizer.json")
    return ApproximateTokenCounter()

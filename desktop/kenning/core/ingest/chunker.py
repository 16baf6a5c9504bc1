"""Split a Document into passages sized in model tokens, never across a page or a section.

Each block (a PDF page, or the text under one heading path) is cut into sentence-like units,
which are packed up to the target size; neighbouring chunks share whole trailing units as overlap,
so no chunk starts or ends mid-sentence unless a single sentence is too long to fit.

Where a chunk ends is decided by content, not position: once a chunk is past a minimum size, it
ends after any "anchor" sentence (one whose hash falls in a fixed bucket). Greedy packing would
shift every later boundary when one paragraph grows by a word, so one edit would re-embed the
rest of the document; with content-defined boundaries the chunks fall back into step after the
edit, and only the chunks around it get new text (and new embeddings).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from kenning.core.domain.documents import Block, Chunk, Document
from kenning.core.ingest.token_counter import TokenCounter

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_LINE_BREAK = re.compile(r"\n")
_SPACE = re.compile(r"\s+")
# The context prefix ("title > section") is kept short so the passage keeps most of the model's window.
_MAX_CONTEXT_CHARS = 160
_MIN_PASSAGE_TOKENS = 48
# A chunk may end at an anchor once it holds this share of the budget; one unit in _ANCHOR_EVERY is one.
_MIN_FILL = 0.6
_ANCHOR_EVERY = 3


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    tokens: int


def context_for(doc: Document, block: Block) -> str:
    parts = [doc.title] if doc.title else []
    parts += [s for s in block.section if s and s != doc.title]
    context = " > ".join(p.strip() for p in parts if p.strip())
    return context[:_MAX_CONTEXT_CHARS]


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in pattern.finditer(text, start, end):
        if match.start() > cursor:
            pieces.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        pieces.append((cursor, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def _hard_split(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut a run with no usable boundary at whitespace (or anywhere) every `max_chars` characters."""
    pieces = []
    cursor = start
    while cursor < end:
        stop = min(end, cursor + max_chars)
        if stop < end:
            space = text.rfind(" ", cursor + max_chars // 2, stop)
            if space > cursor:
                stop = space
        if text[cursor:stop].strip():
            pieces.append((cursor, stop))
        cursor = stop
    return pieces


class Chunker:
    def __init__(self, counter: TokenCounter, *, target_tokens: int = 200, overlap_tokens: int = 32) -> None:
        if target_tokens < 16:
            raise ValueError("target_tokens must be at least 16")
        self.counter = counter
        self.target_tokens = target_tokens
        self.overlap_tokens = max(0, min(overlap_tokens, target_tokens // 2))

    def chunk(self, doc: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        for block in doc.blocks:
            context = context_for(doc, block)
            (context_tokens,) = self.counter.count_many([context]) if context else (0,)
            budget = max(_MIN_PASSAGE_TOKENS, self.target_tokens - context_tokens)
            for start, end in self._pack(block.text, self._units(block.text, budget), budget):
                chunks.append(
                    Chunk(
                        path=doc.path,
                        ordinal=len(chunks),
                        text=block.text[start:end],
                        page=block.page,
                        section=block.section,
                        start=block.start + start,
                        end=block.start + end,
                        context=context,
                    )
                )
        return chunks

    def _units(self, text: str, budget: int) -> list[_Span]:
        """Paragraphs, then sentences, then lines, then whitespace runs: the coarsest that fits."""
        # Bound the work on pathological input (a 5 MB line): no unit needs more than this many chars.
        max_chars = budget * 12
        pending = [(s, e, 0) for s, e in _split(text, 0, len(text), _PARAGRAPH_BREAK)]
        levels = (_SENTENCE_END, _LINE_BREAK)
        units: list[_Span] = []
        while pending:
            batch = pending
            pending = []
            measurable = [(s, e, lvl) for s, e, lvl in batch if e - s <= max_chars]
            too_long = [(s, e, lvl) for s, e, lvl in batch if e - s > max_chars]
            counts = self.counter.count_many([text[s:e] for s, e, _ in measurable])
            fits: list[tuple[int, int, int]] = []
            for (s, e, lvl), tokens in zip(measurable, counts, strict=True):
                if tokens <= budget:
                    units.append(_Span(s, e, tokens))
                else:
                    fits.append((s, e, lvl))
            for s, e, lvl in fits + too_long:
                if lvl < len(levels):
                    parts = _split(text, s, e, levels[lvl])
                    if len(parts) > 1:
                        pending += [(ps, pe, lvl + 1) for ps, pe in parts]
                        continue
                    pending.append((s, e, lvl + 1))
                    continue
                # No sentence or line boundary helps: cut by characters, sized to fit the budget.
                width = max(16, min(max_chars, (e - s) // 2, budget * 3))
                parts = _hard_split(text, s, e, width)
                if len(parts) == 1:  # cannot shrink further: accept it as it is
                    tokens = self.counter.count_many([text[s:e]])[0]
                    units.append(_Span(s, e, tokens))
                else:
                    pending += [(ps, pe, lvl) for ps, pe in parts]
        units.sort(key=lambda u: u.start)
        return units

    def _pack(self, text: str, units: list[_Span], budget: int) -> list[tuple[int, int]]:
        anchors = [
            zlib.crc32(text[u.start : u.end].encode("utf-8", "surrogatepass")) % _ANCHOR_EVERY == 0
            for u in units
        ]
        min_fill = budget * _MIN_FILL
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(units):
            j = i
            total = 0
            while j < len(units) and (j == i or total + units[j].tokens <= budget):
                total += units[j].tokens
                j += 1
                if total >= min_fill and anchors[j - 1]:
                    break
            spans.append((units[i].start, units[j - 1].end))
            if j >= len(units):
                break
            # Overlap: repeat whole trailing units of this chunk at the start of the next one.
            k = j
            shared = 0
            while k - 1 > i and shared + units[k - 1].tokens <= self.overlap_tokens:
                k -= 1
                shared += units[k].tokens
            i = k
        return spans


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()

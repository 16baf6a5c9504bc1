"""The answer when no model can be used: the best passages, with the sentences that best match
the question marked, and a plain note that no model wrote it."""

from __future__ import annotations

import os
from collections.abc import Sequence

from kenning.core.domain.answers import Highlight
from kenning.core.domain.documents import Hit
from kenning.core.validate.text_overlap import content_terms, coverage, sentence_spans

PASSAGES = 3
SENTENCES_PER_PASSAGE = 2


def best_sentences(question: str, hits: Sequence[Hit], *, passages: int = PASSAGES) -> list[Highlight]:
    terms = content_terms(question)
    highlights: list[Highlight] = []
    for n, hit in enumerate(hits[:passages], start=1):
        scored = [(coverage(terms, hit.text[s:e]), s, e) for s, e in sentence_spans(hit.text)]
        scored = [item for item in scored if item[0] > 0]
        scored.sort(key=lambda item: (-item[0], item[1]))
        for _, start, end in sorted(scored[:SENTENCES_PER_PASSAGE], key=lambda item: item[1]):
            highlights.append(Highlight(source=n, start=start, end=end))
    return highlights


def extractive_text(hits: Sequence[Hit], highlights: Sequence[Highlight], reason: str) -> str:
    lines = [f"No language model was used ({reason}). These passages match your question best:", ""]
    for n, hit in enumerate(hits[:PASSAGES], start=1):
        where = os.path.basename(hit.path) + (f", page {hit.page}" if hit.page else "")
        marked = [hit.text[h.start : h.end] for h in highlights if h.source == n]
        excerpt = " … ".join(" ".join(s.split()) for s in marked) or " ".join(hit.text.split())[:300]
        lines.append(f"[{n}] {where}: {excerpt}")
    return "\n".join(lines)

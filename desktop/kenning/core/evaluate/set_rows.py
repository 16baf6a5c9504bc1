"""Test-set lines made by hand: from an answer the user liked, or from a question and a source they picked.

A line has the corpus `questions.jsonl` shape (id, question, sources, page, evidence, kind). Sources
are written relative to their watched folder, so the set still matches after the folder moves
(`matching.same_file` compares them as path suffixes). The evidence is a short span copied exactly
from the cited passage, so the strict "evidence" match finds it there again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from kenning.core.domain.answers import Answer, AnswerStatus, Citation
from kenning.core.domain.documents import Hit
from kenning.core.errors import KenningError
from kenning.core.evaluate.test_set import UNANSWERABLE

ANSWERABLE = "answerable"
EVIDENCE_CHARS = 160  # a sentence or its start: enough to find the passage, short enough to read
_CITE = re.compile(r"\s*\[\d{1,3}\]")


class NotAddable(KenningError):
    next_step = "Ask a question the documents answer, or mark it as one they do not hold."


def relative_source(path: str, roots: Iterable[str]) -> str:
    """`path` relative to the deepest watched folder holding it, with `/` separators; a path under
    no folder (an attached index's) stays as it is."""
    norm = path.replace("\\", "/")
    best = ""
    for root in roots:
        r = root.replace("\\", "/").rstrip("/")
        if r and norm.startswith(r + "/") and len(r) > len(best):
            best = r
    return norm[len(best) + 1 :] if best else norm


def evidence_span(quote: str, passage: str, limit: int = EVIDENCE_CHARS) -> str:
    """`quote` cut to `limit` characters at a word's end, if the passage holds it; else the passage's
    start. Whitespace is folded: the matcher folds it too."""
    text = " ".join(quote.replace("\x02", "").split())
    flat = " ".join(passage.replace("\x02", "").split())
    if not text or text not in flat:
        text = flat
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def row_from_answer(answer: Answer, roots: Iterable[str], *, unanswerable: bool = False) -> dict[str, Any]:
    """The line for an answer's question: its cited sources, pages and evidence; or, when the user says
    the documents do not hold the answer, an `unanswerable` line with no sources."""
    if unanswerable:
        if answer.status is AnswerStatus.ERROR:
            raise NotAddable("This question got no answer at all, so there is nothing to keep yet.")
        return manual_row(answer.question, kind=UNANSWERABLE)
    cited = _cited(answer)
    if not cited:
        why = {
            AnswerStatus.NOT_FOUND: "Nothing in your documents answered this question, so it has no source.",
            AnswerStatus.ERROR: "This question got no answer at all, so there is nothing to keep yet.",
        }.get(answer.status, "This answer cites no source to keep as the expected one.")
        raise NotAddable(why)
    roots = list(roots)
    sources: list[str] = []
    pages: list[int] = []
    evidence: list[str] = []
    for hit, quote in cited:
        source = relative_source(hit.path, roots)
        if source not in sources:
            sources.append(source)
        if hit.page is not None and hit.page not in pages:
            pages.append(hit.page)
        span = evidence_span(quote, hit.text)
        if span and span not in evidence:
            evidence.append(span)
    text = _CITE.sub("", answer.text).strip() if answer.status is AnswerStatus.ANSWERED else None
    return {
        "id": "",
        "question": answer.question.strip(),
        "answer": text or None,
        "sources": sources,
        "page": pages[0] if len(pages) == 1 else (pages or None),
        "evidence": evidence[0] if len(evidence) == 1 else evidence,
        "kind": ANSWERABLE,
    }


def manual_row(
    question: str,
    source: str = "",
    *,
    page: int | None = None,
    evidence: str = "",
    kind: str = ANSWERABLE,
) -> dict[str, Any]:
    """A line the user wrote: a question and the file (relative to its folder) that answers it."""
    question = " ".join(question.split())
    if not question:
        raise NotAddable("Write the question first.", "Type the question a person would ask.")
    if kind != UNANSWERABLE and not source:
        raise NotAddable(
            "Pick the file that answers the question.", "Or mark it as one your documents do not answer."
        )
    return {
        "id": "",
        "question": question,
        "answer": None,
        "sources": [source.replace(os.sep, "/")] if source and kind != UNANSWERABLE else [],
        "page": page if kind != UNANSWERABLE else None,
        "evidence": (" ".join(evidence.split()) or []) if kind != UNANSWERABLE else [],
        "kind": kind,
    }


def _cited(answer: Answer) -> list[tuple[Hit, str]]:
    """(passage, quote) per cited source, in citation order: the supported citations of a model's
    answer (all of them when none is supported), or the best passage of an answer without a model."""
    if answer.status is AnswerStatus.EXTRACTIVE and answer.sources:
        first = answer.sources[0]
        marked = [h for h in answer.highlights if h.source == 1]
        return [(first, first.text[marked[0].start : marked[0].end] if marked else "")]
    if answer.status is not AnswerStatus.ANSWERED:
        return []
    chosen: list[Citation] = [c for c in answer.citations if c.supported] or list(answer.citations)
    seen: set[int] = set()
    cited: list[tuple[Hit, str]] = []
    for c in chosen:
        if c.n not in seen and 1 <= c.n <= len(answer.sources):
            seen.add(c.n)
            cited.append((answer.sources[c.n - 1], c.quote))
    return cited

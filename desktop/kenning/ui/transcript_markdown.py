"""A conversation as Markdown for the transcript view: citations become links, notes become quotes.

Pure functions (no widgets), so the formatting is tested without a window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kenning.core.domain.answers import Answer, AnswerStatus

CITATION = re.compile(r"\[(\d{1,3})\]")
# An image in streamed text is shown as text until the output guards have checked it.
_IMAGE_OPEN = re.compile(r"!\[")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|])")


def cite_url(turn: int, n: int) -> str:
    return f"cite:{turn}-{n}"


def parse_cite_url(url: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"cite:(\d+)-(\d+)", url)
    return (int(match.group(1)), int(match.group(2))) if match else None


def rate_url(turn: int, rating: int) -> str:
    return f"rate:{turn}:{'up' if rating > 0 else 'down'}"


def parse_rate_url(url: str) -> tuple[int, int] | None:
    """(turn, +1 or -1) of a clicked 👍/👎 link."""
    match = re.fullmatch(r"rate:(\d+):(up|down)", url)
    return (int(match.group(1)), 1 if match.group(2) == "up" else -1) if match else None


def add_set_url(turn: int) -> str:
    return f"addset:{turn}"


def parse_add_set_url(url: str) -> int | None:
    """The turn of a clicked "Add to test set" link."""
    match = re.fullmatch(r"addset:(\d+)", url)
    return int(match.group(1)) if match else None


def _add_set_link(answer: Answer, turn: int, added_to: str | None) -> str:
    """ "Add to test set" under an answer with a source to keep (or a not-found one, as unanswerable)."""
    if added_to is not None:
        return f"✓ in test set {escape(added_to)}"
    if answer.status is AnswerStatus.NOT_FOUND:
        return f"[+ Add to test set as unanswerable]({add_set_url(turn)})"
    if answer.sources and (answer.citations or answer.status is AnswerStatus.EXTRACTIVE):
        return f"[+ Add to test set]({add_set_url(turn)})"
    return ""


def _rating_links(answer: Answer, turn: int, rating: int | None) -> str:
    """👍/👎 under an answer that has a stored trace to keep them with; the chosen one is shown."""
    if not answer.trace.id:
        return ""
    if rating is not None:
        return (
            "👍 you found it helpful" if rating > 0 else "👎 you found it not helpful"
        ) + f" ([change]({rate_url(turn, -rating)}))"
    return f"[👍 Helpful]({rate_url(turn, 1)}) [👎 Not helpful]({rate_url(turn, -1)})"


def escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def link_citations(text: str, turn: int, sources: int) -> str:
    """`[2]` → a link to source 2 of this turn; numbers with no source stay plain (flagged elsewhere)."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if 1 <= n <= sources:
            return f"[\\[{n}\\]]({cite_url(turn, n)})"
        return f"\\[{n}\\]"

    return CITATION.sub(link, text)


@dataclass(frozen=True)
class PendingTurn:
    """The question being answered right now and what has streamed in so far."""

    question: str
    text: str = ""
    sources: int = 0


def _extractive_body(answer: Answer, turn: int) -> str:
    lines = answer.text.splitlines()
    head, items = (lines[0], lines[1:]) if lines else ("", [])
    bullets = [f"- {link_citations(line, turn, len(answer.sources))}" for line in items if line.strip()]
    return f"> {escape(head)}\n\n" + "\n".join(bullets)


def _footer(answer: Answer) -> str:
    parts: list[str] = []
    if answer.model:
        parts.append(answer.model)
    total = answer.trace.timings_ms.get("total")
    if total:
        parts.append(f"{total / 1000:.1f} s" if total >= 1000 else f"{total:.0f} ms")
    if answer.trace.completion_tokens:
        parts.append(f"{answer.trace.completion_tokens} tokens")
    if answer.sources:
        parts.append(f"{len(answer.sources)} passages")
    return "*" + " · ".join(parts) + "*" if parts else ""


def guard_notes(answer: Answer) -> list[str]:
    """What the guards did, in words: unverified answers, removed links, passages left out."""
    notes: list[str] = []
    actions = [g.action for g in answer.guards]
    if answer.status == AnswerStatus.ANSWERED and not answer.verified and "withheld" not in actions:
        notes.append("Unverified: this answer cites none of your documents. Check it against the sources.")
    removed = actions.count("removed_link")
    if removed:
        notes.append(
            f"Removed {removed} link{'s' if removed > 1 else ''} that no cited source holds or that "
            "could send data out."
        )
    if answer.excluded:
        n = len(answer.excluded)
        notes.append(
            f"{n} matching passage{'s were' if n > 1 else ' was'} left out of the prompt: "
            "they look written to instruct the model (see the inspector)."
        )
    return notes


def answer_markdown(answer: Answer, turn: int, rating: int | None = None, added_to: str | None = None) -> str:
    blocks = [f"**You:** {escape(answer.question)}"]
    if answer.status == AnswerStatus.EXTRACTIVE or (
        answer.status == AnswerStatus.ERROR and answer.highlights
    ):
        blocks.append(_extractive_body(answer, turn))
    else:
        blocks.append(link_citations(answer.text, turn, len(answer.sources)) or "*(no answer)*")
    notes: list[str] = []
    if answer.status == AnswerStatus.NOT_FOUND:
        notes.append("Nothing in your documents answers this, so Kenning did not guess.")
    if answer.incomplete:
        notes.append(answer.note or "The answer stopped before it was complete.")
    if answer.error:
        notes.append(f"⚠ {answer.error} {answer.next_step}".strip())
    elif answer.status == AnswerStatus.EXTRACTIVE and answer.next_step:
        notes.append(answer.next_step)
    notes.extend(guard_notes(answer))
    unsupported = sorted({c.n for c in answer.citations if not c.supported})
    if unsupported:
        notes.append("Check " + ", ".join(f"[{n}]" for n in unsupported) + ": the source may not say this.")
    if answer.invalid_citations:
        dropped = ", ".join(f"[{n}]" for n in answer.invalid_citations)
        notes.append(f"Removed citations to sources that do not exist: {dropped}.")
    blocks.extend(f"> {escape(note)}" for note in notes)
    links = [_rating_links(answer, turn, rating), _add_set_link(answer, turn, added_to)]
    footer = " · ".join(filter(None, [_footer(answer), *links]))
    if footer:
        blocks.append(footer)
    return "\n\n".join(blocks)


def transcript_markdown(
    answers: list[Answer],
    pending: PendingTurn | None = None,
    ratings: dict[str, int] | None = None,
    in_sets: dict[str, str] | None = None,
) -> str:
    """`ratings`: the 👍 (1) / 👎 (-1) given, by answer id; `in_sets`: the test set (file name) each
    question was added to, by question."""
    ratings, in_sets = ratings or {}, in_sets or {}
    parts = [
        answer_markdown(a, i, ratings.get(a.trace.id), in_sets.get(a.question.strip()))
        for i, a in enumerate(answers)
    ]
    if pending is not None:
        turn = len(answers)
        shown = _IMAGE_OPEN.sub(r"!\\[", pending.text)
        body = link_citations(shown, turn, pending.sources) if pending.text else "*Thinking…*"
        parts.append(f"**You:** {escape(pending.question)}\n\n{body}")
    return "\n\n---\n\n".join(parts)

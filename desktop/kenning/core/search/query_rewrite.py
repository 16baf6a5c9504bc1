"""Turn a follow-up ("and how do I turn it off?") into a standalone query for retrieval.

With a model: ask it to rewrite. Without one: a cheap rule that carries the previous question's
distinctive words over when the follow-up is short or leans on pronouns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kenning.core.domain.answers import Turn
from kenning.core.errors import KenningError
from kenning.core.validate.text_overlap import content_terms, stem

REWRITE_PROMPT = (
    "Rewrite the user's last question so it can be understood without the conversation. "
    "Keep every name and term. Reply with the rewritten question only."
)
_LEANS_ON_CONTEXT = re.compile(r"\b(it|its|this|that|these|those|they|them|there|he|she|one|ones)\b", re.I)


def needs_context(question: str) -> bool:
    return len(content_terms(question)) < 4 or bool(_LEANS_ON_CONTEXT.search(question))


def cheap_rewrite(question: str, history: Sequence[Turn]) -> str:
    if not history or not needs_context(question):
        return question
    previous = history[-1].question
    terms = content_terms(previous)
    carried = [w for w in re.findall(r"[\w+-]+", previous) if stem(w.lower()) in terms]
    missing = [w for w in dict.fromkeys(carried) if w.lower() not in question.lower()]
    return f"{question} ({' '.join(missing)})" if missing else question


def rewrite_query(
    question: str, history: Sequence[Turn], ask_model: Callable[[list[dict[str, str]]], str] | None = None
) -> str:
    """Standalone query for retrieval; falls back to the cheap rule when no model answers."""
    if not history:
        return question
    if ask_model is not None:
        conversation = "\n".join(f"User: {t.question}\nAssistant: {t.answer[:400]}" for t in history[-3:])
        messages = [
            {"role": "system", "content": REWRITE_PROMPT},
            {"role": "user", "content": f"{conversation}\nUser: {question}\n\nRewritten question:"},
        ]
        try:
            lines = ask_model(messages).strip().splitlines()
        except KenningError:  # no model after all: the cheap rule still helps
            lines = []
        rewritten = lines[0].strip().strip('"') if lines else ""
        if 3 <= len(rewritten) <= 400:
            return rewritten
    return cheap_rewrite(question, history)

"""What the not-found gate sees for each labelled question, measured once and kept in a JSON file.

Retrieval and the full-text look-ups are the slow part of calibrating the gate (seconds a question on
a busy machine); the signals and the decision are pure functions of what they return. So the bench
stores, per question, the hits the answerer would get (k=8) and the passage counts of the question's
words, and recomputes the signals from the file: a new signal or a new rule costs no search.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kenning.core.domain.documents import Hit
from kenning.core.search.gate_signals import FREQUENCY_CAP, is_distinctive, measure
from kenning.core.workspace import Workspace

K = 8  # what the answerer retrieves (settings.answer.k)
_HIT_FIELDS = [
    "rank",
    "path",
    "page",
    "section",
    "text",
    "score",
    "start",
    "end",
    "chunk_id",
    "vector_score",
    "text_score",
    "vector_rank",
    "text_rank",
]


@dataclass
class Measured:
    id: str
    question: str
    answerable: bool
    hits: list[Hit]
    frequency: dict[str, int]  # passages holding each question word (capped), as the app counts them
    distinctive: dict[str, bool]  # not a single token of the embedding model's vocabulary

    def freq(self, word: str) -> int:
        return self.frequency[word]

    def is_distinctive(self, word: str) -> bool:
        return self.distinctive[word]


def measure_all(workspace: Workspace, questions: Iterable[dict[str, Any]]) -> list[Measured]:
    counter = workspace.token_counter
    store = workspace.store
    out: list[Measured] = []
    for q in questions:
        hits = list(workspace.retriever.search(q["question"], k=K).hits)
        frequency: dict[str, int] = {}
        distinctive: dict[str, bool] = {}

        def count(word: str, seen: dict[str, int] = frequency) -> int:
            if word not in seen:
                seen[word] = store.word_frequency(word, FREQUENCY_CAP)
            return seen[word]

        def rare(word: str, seen: dict[str, bool] = distinctive) -> bool:
            if word not in seen:
                seen[word] = is_distinctive(word, lambda part: counter.count_many([part])[0])
            return seen[word]

        measure(q["question"], hits, count, rare)  # records every look-up the gate makes
        out.append(
            Measured(
                id=str(q["id"]),
                question=q["question"],
                answerable=q["kind"] != "unanswerable",
                hits=hits,
                frequency=frequency,
                distinctive=distinctive,
            )
        )
    return out


def save(path: Path, measured: list[Measured], about: dict[str, Any]) -> None:
    rows = [
        {
            **{k: v for k, v in asdict(m).items() if k != "hits"},
            "hits": [{f: getattr(h, f) for f in _HIT_FIELDS} for h in m.hits],
        }
        for m in measured
    ]
    path.write_text(json.dumps({"about": about, "questions": rows}), encoding="utf-8")


def load(path: Path) -> tuple[list[Measured], dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    measured = [
        Measured(
            id=r["id"],
            question=r["question"],
            answerable=r["answerable"],
            hits=[Hit(**{**h, "section": tuple(h["section"])}) for h in r["hits"]],
            frequency=r["frequency"],
            distinctive=r["distinctive"],
        )
        for r in data["questions"]
    ]
    return measured, data["about"]

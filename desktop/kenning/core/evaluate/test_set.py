"""Test sets in the corpus `questions.jsonl` format, read as they are, with a clear message per bad line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kenning.core.errors import KenningError

UNANSWERABLE = "unanswerable"


class BadTestSet(KenningError):
    next_step = "Fix the line named above; each line is one JSON object with at least id and question."


@dataclass(frozen=True)
class TestQuestion:
    id: str
    question: str
    sources: tuple[str, ...] = ()  # paths relative to a folder; matched as suffixes of indexed paths
    pages: tuple[int, ...] = ()  # for PDFs: any of these pages counts
    evidence: tuple[str, ...] = ()  # text the right passage holds (any one of them)
    kind: str = ""
    answer: str = ""

    __test__ = False  # not a pytest class, despite its name

    @property
    def answerable(self) -> bool:
        return self.kind != UNANSWERABLE


def load_test_set(path: Path) -> list[TestQuestion]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadTestSet(f"The test set {path} cannot be read ({exc}).") from exc
    questions: list[TestQuestion] = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            questions.append(_question(line, f"{path}, line {number}"))
    if not questions:
        raise BadTestSet(f"The test set {path} holds no questions.")
    return questions


def _question(line: str, where: str) -> TestQuestion:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadTestSet(f"{where} is not JSON ({exc.msg}).") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str) or not raw["question"].strip():
        raise BadTestSet(f'{where} needs a non-empty "question".')
    return TestQuestion(
        id=str(raw.get("id") or where),
        question=raw["question"].strip(),
        sources=tuple(str(s) for s in _as_list(raw.get("sources"))),
        pages=tuple(int(p) for p in _as_list(raw.get("page")) if isinstance(p, int)),
        evidence=tuple(str(e) for e in _as_list(raw.get("evidence")) if str(e).strip()),
        kind=str(raw.get("kind") or ""),
        answer=str(raw.get("answer") or ""),
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]

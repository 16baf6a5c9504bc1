"""Answers to plain dicts and back, so a conversation can be stored and shown again after a restart."""

from __future__ import annotations

import dataclasses
from typing import Any

from kenning.core.domain.answers import Answer, AnswerStatus, Citation, Cost, GuardAction, Highlight, Trace
from kenning.core.domain.documents import Flag, Hit


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return dataclasses.asdict(answer)


def _hit(raw: dict[str, Any]) -> Hit:
    known = {f.name for f in dataclasses.fields(Hit)}
    values = {k: v for k, v in raw.items() if k in known}
    values["section"] = tuple(values.get("section", ()))
    values["flags"] = tuple(Flag(**f) for f in values.get("flags", ()))
    return Hit(**values)


def _trace(raw: dict[str, Any]) -> Trace:
    known = {f.name for f in dataclasses.fields(Trace)}
    values = {k: v for k, v in raw.items() if k in known and k != "cost"}
    cost_known = {f.name for f in dataclasses.fields(Cost)}
    cost = Cost(**{k: v for k, v in raw.get("cost", {}).items() if k in cost_known})
    return Trace(**values, cost=cost)


def answer_from_dict(raw: dict[str, Any]) -> Answer:
    """Tolerates fields added or removed by other versions: unknown keys are dropped."""
    known = {f.name for f in dataclasses.fields(Answer)}
    values = {k: v for k, v in raw.items() if k in known}
    values["status"] = AnswerStatus(values.get("status", AnswerStatus.ANSWERED))
    values["citations"] = [Citation(**c) for c in values.get("citations", [])]
    values["sources"] = [_hit(h) for h in values.get("sources", [])]
    values["highlights"] = [Highlight(**h) for h in values.get("highlights", [])]
    values["guards"] = [GuardAction(**g) for g in values.get("guards", [])]
    values["excluded"] = [_hit(h) for h in values.get("excluded", [])]
    values["trace"] = _trace(values.get("trace", {}))
    values.setdefault("question", "")
    values.setdefault("text", "")
    return Answer(**values)

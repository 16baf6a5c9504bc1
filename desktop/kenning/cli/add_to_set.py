"""`kenning ask Q --add-to-set SET.jsonl`: keep an answered question and its cited sources in a test set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kenning.cli.output import say
from kenning.core.domain.answers import Answer
from kenning.core.evaluate.set_append import append_row
from kenning.core.evaluate.set_rows import NotAddable, row_from_answer
from kenning.core.workspace import Workspace


def add_answer(workspace: Workspace, answer: Answer, path: Path, *, unanswerable: bool) -> dict[str, Any]:
    """What was added (or why not), as `ask --json` reports it under `added_to_set`."""
    try:
        roots = {r.root for r in workspace.store.file_records().values() if r.root}
        row = row_from_answer(answer, roots, unanswerable=unanswerable)
    except NotAddable as exc:
        hint = (
            " If your documents really do not hold it, add --unanswerable to keep it as a question "
            "Kenning should refuse."
            if answer.status.value == "not_found"
            else ""
        )
        return {"file": str(path), "added": False, "row": None, "reason": exc.message + hint}
    return append_row(path, row).to_json() | {"reason": ""}


def say_added(result: dict[str, Any]) -> None:
    row = result["row"]
    if result["added"]:
        where = ", ".join(row["sources"]) or "none: the documents do not hold it"
        say(f"Added to the test set {result['file']} as {row['id']} (sources: {where}).")
    elif row is not None:
        say(f"Already in the test set {result['file']} as {row['id']}: not added again.")
    else:
        say(f"Not added to {result['file']}: {result['reason']}")


def added_ok(result: dict[str, Any]) -> bool:
    """Asked to add and nothing is there: the exit code says so, for scripts."""
    return bool(result["added"] or result["row"] is not None)

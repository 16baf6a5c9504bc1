"""Adding one line to the user's test set: the set the Evaluate tab uses, never the same question twice.

"The user's test set" is the one last chosen or run in the Evaluate tab (remembered in the data
dir, as the check before an index swap reads it); before there is one, `evals/my-questions.jsonl`
in the data dir, created on the first add.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kenning.core.errors import KenningError
from kenning.core.evaluate.matching import normalized
from kenning.core.evaluate.pre_swap import last_test_set, remember_test_set
from kenning.core.private_files import private_file

DEFAULT_SET = "my-questions.jsonl"
ID_PREFIX = "my"
_OWN_ID = re.compile(rf"^{ID_PREFIX}(\d+)$")


class TestSetNotWritable(KenningError):
    next_step = "Choose another test set in the Evaluate tab, or free some disk space."
    __test__ = False


@dataclass(frozen=True)
class AddedRow:
    """What an add did: `added` False means the question was already in the set (as `row`)."""

    path: Path
    row: dict[str, Any]
    added: bool
    questions: int = 0  # lines in the set afterwards

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "added": self.added, "row": self.row, "questions": self.questions}


def current_test_set(evals_dir: Path) -> Path:
    """The set the Evaluate tab uses, or the default one in the data dir (which may not exist yet)."""
    return last_test_set(evals_dir) or evals_dir / DEFAULT_SET


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The set's lines as dicts; lines that are not JSON objects are kept out (and left in the file)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise TestSetNotWritable(f"The test set {path} cannot be read ({exc}).") from exc
    rows = []
    for line in lines:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def append_row(path: Path, row: dict[str, Any]) -> AddedRow:
    """Add `row` to the set at `path` with a fresh id, unless its question is there already (then the
    existing line is returned, unchanged). The file is rewritten whole, so a reader never sees half a line."""
    rows = read_rows(path)
    wanted = normalized(str(row.get("question", "")))
    for existing in rows:
        if normalized(str(existing.get("question", ""))) == wanted:
            return AddedRow(path, existing, added=False, questions=len(rows))
    line = dict(row, id=row.get("id") or _next_id(rows))
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old and not old.endswith("\n"):
            old += "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(old + json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            private_file(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise TestSetNotWritable(f"Cannot add to the test set {path} ({exc.strerror or exc}).") from exc
    return AddedRow(path, line, added=True, questions=len(rows) + 1)


def add_to_current_set(evals_dir: Path, row: dict[str, Any]) -> AddedRow:
    """Append to the user's current set and make it the one the Evaluate tab shows."""
    path = current_test_set(evals_dir)
    added = append_row(path, row)
    remember_test_set(evals_dir, path)
    return added


def _next_id(rows: list[dict[str, Any]]) -> str:
    taken = {str(r.get("id")) for r in rows}
    numbers = [int(m.group(1)) for r in rows if (m := _OWN_ID.match(str(r.get("id", ""))))]
    n = max(numbers, default=0) + 1
    while f"{ID_PREFIX}{n:03d}" in taken:
        n += 1
    return f"{ID_PREFIX}{n:03d}"

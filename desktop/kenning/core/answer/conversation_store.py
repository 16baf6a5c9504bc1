"""Conversations kept across restarts: a title, and each question with its full answer, in SQLite."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from kenning.core.answer.answer_codec import answer_from_dict, answer_to_dict
from kenning.core.domain.answers import Answer
from kenning.core.sqlite_file import connect, create

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
"""

TITLE_CHARS = 60


@dataclass(frozen=True)
class ConversationSummary:
    id: int
    title: str
    updated_at: float
    turns: int


class ConversationStore:
    """One connection per call, so any worker thread may use it (SQLite connections are per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        create(path, _SCHEMA)

    def start(self, first_question: str) -> int:
        title = " ".join(first_question.split())
        if len(title) > TITLE_CHARS:
            title = title[: TITLE_CHARS - 1].rstrip() + "…"
        now = time.time()
        with connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO conversations (title, created_at, updated_at) VALUES (?, ?, ?)",
                (title or "New chat", now, now),
            )
            return int(cursor.lastrowid or 0)

    def append(self, conversation_id: int, answer: Answer) -> bool:
        """Add a turn; False (nothing stored) when the conversation was deleted meanwhile."""
        with connect(self.path) as db:
            db.execute("BEGIN IMMEDIATE")  # no delete can land between the check and the insert
            if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                return False
            (position,) = db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM turns WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
            db.execute(
                "INSERT INTO turns (conversation_id, position, answer) VALUES (?, ?, ?)",
                (conversation_id, position, json.dumps(answer_to_dict(answer))),
            )
            db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (time.time(), conversation_id))
        return True

    def recent(self, limit: int = 100) -> list[ConversationSummary]:
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.updated_at, COUNT(t.position) FROM conversations c"
                " LEFT JOIN turns t ON t.conversation_id = c.id GROUP BY c.id"
                " ORDER BY c.updated_at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [ConversationSummary(int(i), str(t), float(u), int(n)) for i, t, u, n in rows]

    def turns(self, conversation_id: int) -> list[Answer]:
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT answer FROM turns WHERE conversation_id = ? ORDER BY position", (conversation_id,)
            ).fetchall()
        return [answer_from_dict(json.loads(body)) for (body,) in rows]

    def delete(self, conversation_id: int) -> None:
        with connect(self.path) as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

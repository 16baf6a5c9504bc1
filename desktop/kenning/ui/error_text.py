"""Turns any failure into what a person reads: one short message and a next step, never a traceback."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kenning.core.errors import KenningError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserMessage:
    message: str
    next_step: str = ""

    def __str__(self) -> str:
        return f"{self.message} {self.next_step}".strip()


def describe(exc: BaseException, *, log_dir: Path | None = None) -> UserMessage:
    """Known errors speak for themselves; anything else is a bug: logged in full, summarised here."""
    if isinstance(exc, KenningError):
        return UserMessage(exc.message, exc.next_step)
    log.error("unexpected error", exc_info=exc)
    where = f"Details are in {log_dir / 'kenning.log'}." if log_dir else "Details are in the log file."
    return UserMessage(f"Something went wrong ({type(exc).__name__}).", where)

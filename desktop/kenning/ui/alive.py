"""Callbacks for background results that arrive after their widget is gone are dropped, not run.

A task can finish after the dialog that started it was closed and deleted; touching its
widgets then raises "Internal C++ object already deleted". Wrap the callbacks given to
`TaskRunner.submit` with `while_alive(self, self._on_x)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject

T = TypeVar("T")


def while_alive(owner: QObject, callback: Callable[[T], object]) -> Callable[[T], None]:
    """`callback`, called only while `owner`'s C++ object still exists."""

    def call(value: T) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call

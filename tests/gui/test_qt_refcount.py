"""PySide6 6.12.0 loses a reference to None or True on every void call and emit; the guard holds."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from kenning.ui import qt_refcount


class _Emitter(QObject):
    fired = Signal(object)


def test_many_void_calls_and_emits_do_not_free_none_or_true() -> None:
    emitter = _Emitter()
    for i in range(30_000):  # without the guard the interpreter aborts after a few thousand
        emitter.setObjectName("x")
        emitter.fired.emit(i)
    assert sys.getrefcount(None) > 1_000_000 or not any(qt_refcount.references_lost().values())
    assert sys.getrefcount(True) > 1_000_000 or not any(qt_refcount.references_lost().values())

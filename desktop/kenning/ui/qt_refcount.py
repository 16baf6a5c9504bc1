"""Keeps PySide6 6.12.0's reference-count bug on None and True from aborting the app.

shiboken6/PySide6 6.12.0 on CPython 3.11 returns `None` (from every void method and every null
result, e.g. `label.setText()`, `app.processEvents()`, `findChild()` that finds nothing) and
`True` (from `SignalInstance.emit()`) without taking a reference to it. Each such call lowers the
singleton's reference count by one; after a few thousand calls, which a streamed answer or a
model download reaches in seconds, CPython frees `None` and aborts: "Fatal Python error:
none_dealloc: deallocating None" (or "bool_dealloc").

These singletons are never legitimately freed, so the guard gives each one a reference count so
large that the lost references cannot exhaust it (CPython 3.12 makes them immortal for the same
reason). A probe applies it only where the bug is measured; on a fixed PySide6 it does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_BOOST = 1 << 40  # a decrement per call would take centuries to use this up
_SINGLETONS = (None, True, False)


class _Probe(QObject):
    fired = Signal()


def references_lost() -> dict[str, int]:
    """References to None and True that a few void calls and emits lose (all 0 on a sound PySide6)."""
    probe = _Probe()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.setObjectName("probe")
        probe.fired.emit()
    after = sys.getrefcount(None), sys.getrefcount(True)
    return {"None": before[0] - after[0], "True": before[1] - after[1]}


def _boost(obj: object) -> None:
    # CPython's object header starts with the reference count (a Py_ssize_t) in release builds.
    count = ctypes.c_ssize_t.from_address(id(obj))
    seen = sys.getrefcount(obj)
    count.value += _BOOST
    if sys.getrefcount(obj) - seen != _BOOST:  # not the layout we expected: put it back
        count.value -= _BOOST
        raise RuntimeError("unexpected object layout")


def guard_singletons() -> bool:
    """Apply the guard where the bug is present; True when it was applied."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal singletons: nothing to lose
    lost = references_lost()
    if not any(n > 0 for n in lost.values()):
        return False
    try:
        for obj in _SINGLETONS:
            _boost(obj)
    except RuntimeError:
        log.warning("PySide6 loses references to None/True and the guard could not be applied")
        return False
    log.info("PySide6 loses references to None/True (%s per 8 calls): guard applied", lost)
    return True


GUARDED = guard_singletons()

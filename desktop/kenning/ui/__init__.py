"""The desktop window (PySide6). The only package that imports Qt; it calls the core, never the reverse."""

from kenning.ui import qt_refcount as _qt_refcount  # noqa: F401  # before any Qt call: see the module

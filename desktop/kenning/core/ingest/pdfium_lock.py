"""The one lock around every call into PDFium (pypdfium2), from any thread.

PDFium keeps global state and is not thread-safe: the indexer's loader and the source viewer's page
renderer run on different threads, and two calls at once can crash the whole process. Open, use and
close every PDFium object while holding `PDFIUM_LOCK`, so none is left for the garbage collector to
close later on another thread.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()

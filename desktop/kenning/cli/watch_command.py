"""`kenning watch PATH...`: keep folders in the index as they change, until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kenning.cli.context import open_workspace
from kenning.cli.output import emit_json, say, warn
from kenning.core.domain.documents import (
    BatchDone,
    RootOffline,
    RootOnline,
    SyncPaused,
    SyncResumed,
    Watching,
)
from kenning.core.errors import UsageError


def batch_json(batch: BatchDone) -> dict[str, Any]:
    return {
        "at": batch.at,
        "indexed": list(batch.indexed),
        "removed": list(batch.removed),
        "renamed": [list(pair) for pair in batch.renamed],
        "errors": [{"path": i.path, "reason": i.reason} for i in batch.errors],
        "skipped": [{"path": i.path, "reason": i.reason} for i in batch.skipped],
        "seconds": batch.seconds,
    }


@contextmanager
def _stop_on_signals(cancel: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM ask the watcher to finish its batch and stop, instead of killing it."""

    def stop(signum: int, _frame: object) -> None:
        cancel.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(args: argparse.Namespace) -> int:
    from kenning.core.watch.watcher import FolderWatcher

    for path in args.paths:
        if not os.path.isdir(path):
            raise UsageError(f"{path} is not a folder.", "Give one or more folders to watch.")
    workspace = open_workspace(args)
    settings = workspace.settings.watch
    if args.poll_interval is not None:
        settings.poll_interval_s = args.poll_interval
    if args.debounce is not None:
        settings.debounce_s = args.debounce
    watcher = FolderWatcher(workspace.indexer, args.paths, polling=args.polling, settings=settings)
    cancel = threading.Event()
    with _stop_on_signals(cancel):
        for event in watcher.run(cancel):
            if isinstance(event, BatchDone):
                if args.json:
                    emit_json(batch_json(event), line=True)
                else:
                    say(
                        f"{event.at}  {len(event.indexed)} indexed, {len(event.removed)} removed, "
                        f"{len(event.renamed)} renamed, {len(event.errors)} errors"
                    )
            elif isinstance(event, Watching):
                polled = f" ({len(event.polled)} by polling)" if event.polled else ""
                warn(f"watching {len(event.roots)} folders{polled}; Ctrl-C to stop")
            elif isinstance(event, RootOffline):
                warn(f"offline: {event.root}: {event.reason}; its files stay in the index")
            elif isinstance(event, RootOnline):
                warn(f"back online: {event.root}")
            elif isinstance(event, SyncPaused):
                warn(f"sync paused: {event.reason} Retrying in {event.retry_in_s:g} s.")
            elif isinstance(event, SyncResumed):
                warn("sync resumed")
    warn("stopped")
    return 0

"""Run the FolderWatcher in a worker process and hand its events to the caller, as if it ran here.

`IndexWorker` has the FolderWatcher's control calls and a `run(cancel)` generator that yields the
same events, so the app drives either one the same way. Parsing and embedding happen in a
'spawn'ed child (`child.main`) with its own Workspace on the same data dir: the window's process
only waits on a pipe, which never holds its GIL. Searches there keep reading LanceDB, which sees
each batch the worker commits (the store opens with `read_consistency_interval=0`).

A worker that dies (a crash, the OOM killer) is reported with `WorkerCrashed` and started again after
a growing wait. Its file lock dies with it and commits are per batch, so the index stays whole; the
new worker's reconciliation indexes whatever had not been committed.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kenning.core.domain.documents import WatchStatus
from kenning.core.domain.worker import WorkerCrashed, WorkerMemory, WorkerStarted
from kenning.core.secrets import SecretStore
from kenning.core.settings import Settings
from kenning.core.watch.backoff import Backoff, wait_for_retry
from kenning.core.worker import child

log = logging.getLogger(__name__)

_TICK_S = 0.2  # how often the pipe wait looks at `cancel`
_MEMORY_S = 2.0  # how often memory figures are reported
_STABLE_S = 60.0  # a worker that ran this long before dying starts the backoff afresh


class IndexWorker:
    def __init__(
        self,
        data_dir: Path,
        settings: Settings,
        roots: Sequence[str],
        *,
        log_dir: Path | None = None,
        secrets: SecretStore | None = None,
        stop_wait_s: float = 10.0,
        first_restart_s: float = 1.0,
    ) -> None:
        """`stop_wait_s`: how long a stopped worker may take to finish its file before it is ended."""
        self._data_dir = data_dir
        self._settings = settings
        self._log_dir = log_dir
        self._secrets = secrets
        self._stop_wait_s = stop_wait_s
        self._backoff = Backoff(first_s=first_restart_s, max_s=30.0)
        self._roots: dict[str, bool] = {os.path.abspath(r): False for r in roots}  # root → paused
        self._send_lock = threading.Lock()
        self._conn: Connection | None = None
        self._child_roots: set[str] = set()  # the roots the running worker knows
        self._missed: list[tuple[str, object]] = []  # removals and retries asked while none ran
        self._retry_now = threading.Event()
        self._roots_changed = threading.Event()
        self._process: BaseProcess | None = None
        self._queue_length = 0
        self._finished = False  # the running worker said its watcher ended: only its exit is left
        self._peak_rss = 0
        self.restarts = 0

    # ---- control (any thread) -------------------------------------------------------------
    def add_root(self, root: str) -> None:
        root = os.path.abspath(root)
        self._roots[root] = False  # a paused root added again is followed again
        self._command("add", root)
        self._roots_changed.set()

    def remove_root(self, root: str) -> None:
        root = os.path.abspath(root)
        self._roots.pop(root, None)
        self._command("remove", root, replay=True)

    def pause(self, root: str) -> None:
        root = os.path.abspath(root)
        if root in self._roots:
            self._roots[root] = True
            self._command("pause", root)

    def resume(self, root: str) -> None:
        root = os.path.abspath(root)
        if root in self._roots:
            self._roots[root] = False
            # A worker started while the root was paused never heard of it: it is added instead.
            self._command("resume" if root in self._child_roots else "add", root)
            self._roots_changed.set()

    def retry(self, paths: Sequence[str]) -> None:
        self._command("retry", [os.path.abspath(p) for p in paths], replay=True)

    def retry_now(self) -> None:
        """End a pause at once: in the worker, or the wait before a crashed worker starts again."""
        self._retry_now.set()
        self._command("retry_now", None)

    @property
    def queue_length(self) -> int:
        return self._queue_length

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def memory(self) -> WorkerMemory:
        """Resident memory of this process and of the worker (0 while none runs)."""
        import psutil

        window = psutil.Process().memory_info().rss
        worker = 0
        pid = self.pid
        if pid is not None:
            try:
                worker = psutil.Process(pid).memory_info().rss
            except psutil.Error:  # it ended between the two looks
                worker = 0
        self._peak_rss = max(self._peak_rss, window + worker)
        return WorkerMemory(window, worker, self._peak_rss)

    def _command(self, name: str, arg: object, *, replay: bool = False) -> None:
        with self._send_lock:
            if name in ("add", "resume"):
                self._child_roots.add(str(arg))
            conn = self._conn
            if conn is not None:
                try:
                    conn.send((name, arg))
                    return
                except OSError:  # the worker just died: the restart below the crash report takes over
                    pass
            if replay:
                self._missed.append((name, arg))

    # ---- the loop -------------------------------------------------------------------------
    def run(self, cancel: threading.Event) -> Iterator[object]:
        """Start the worker and yield its events until `cancel` is set; start it again after a crash.

        An error the worker reports (the index cannot be opened) is raised here, as the watcher
        would raise it in this process.
        """
        while not cancel.is_set():
            if not self._wait_for_roots(cancel):
                return
            started = time.monotonic()
            exit_code = yield from self._run_worker(cancel)
            if cancel.is_set() or exit_code == 0:
                return
            if time.monotonic() - started >= _STABLE_S:
                self._backoff.reset()
            delay = self._backoff.next_delay()
            self.restarts += 1
            log.warning("indexing worker died", extra={"exit_code": exit_code, "restart_in_s": delay})
            yield WorkerCrashed(exit_code, delay)
            wait_for_retry(delay, cancel, self._retry_now)

    def _wait_for_roots(self, cancel: threading.Event) -> bool:
        """No folder to follow: no process (it would load the model for nothing) until one comes."""
        while not any(not paused for paused in self._roots.values()):
            if cancel.is_set():
                return False
            self._roots_changed.wait(_TICK_S)
            self._roots_changed.clear()
        return True

    def _run_worker(self, cancel: threading.Event) -> Generator[object, None, int | None]:
        context = multiprocessing.get_context("spawn")  # no fork of a process running Qt and torch
        ours, theirs = context.Pipe()
        roots = [r for r, paused in self._roots.items() if not paused]
        log_dir = str(self._log_dir) if self._log_dir is not None else None
        session = self._secrets.session_values() if self._secrets is not None else {}
        process = context.Process(
            target=child.main,
            args=(theirs, str(self._data_dir), self._settings, roots, log_dir, session),
            name="kenning-indexer",
            daemon=True,  # ended with this process, should it exit without stopping the worker
        )
        process.start()
        theirs.close()
        self._finished = False
        self._process = process
        with self._send_lock:
            self._conn, self._child_roots = ours, set(roots)
            missed, self._missed = self._missed, []
        for name, arg in missed:
            self._command(name, arg, replay=True)
        try:
            assert process.pid is not None
            yield WorkerStarted(process.pid, self.restarts)
            yield from self._pump(process, ours, cancel)
        finally:
            with self._send_lock:
                self._conn = None
            self._end(process, ours)
        return process.exitcode

    def _pump(self, process: BaseProcess, conn: Connection, cancel: threading.Event) -> Iterator[object]:
        stop_sent: float | None = None
        heard = False  # nothing yet from the worker: still starting, it has written nothing
        next_memory = 0.0
        while True:
            if cancel.is_set() and not heard:
                process.terminate()  # stopping a start-up needs no wait for a file to finish
                return
            if cancel.is_set() and stop_sent is None:
                self._command("stop", None)
                stop_sent = time.monotonic()
            if stop_sent is not None and time.monotonic() - stop_sent > self._stop_wait_s:
                return  # `_end` ends it
            try:
                message = conn.recv() if conn.poll(_TICK_S) else None
            except (EOFError, OSError, pickle.UnpicklingError):
                return  # the worker is gone (perhaps killed halfway through a message)
            if message is not None:
                heard = True
                kind, payload = message
                if kind == "done":
                    self._finished = True
                    return
                if kind == "error":
                    raise payload
                if isinstance(payload, WatchStatus):
                    self._queue_length = payload.queue_length
                yield payload
            elif not process.is_alive():
                return
            if time.monotonic() >= next_memory:
                next_memory = time.monotonic() + _MEMORY_S
                yield self.memory()

    def _end(self, process: BaseProcess, conn: Connection) -> None:
        """Stop the worker: asked first, then told (SIGTERM), then killed."""
        if process.is_alive():
            with contextlib.suppress(OSError):
                conn.send(("stop", None))
            process.join(self._stop_wait_s)
        if process.is_alive():
            if not self._finished:  # else its work is done, and only the interpreter's exit is slow
                log.warning("indexing worker did not stop in time; ending it")
            process.terminate()
            process.join(5.0)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()
        self._queue_length = 0

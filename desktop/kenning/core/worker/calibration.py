"""Measure the embedding engines in a process of its own, so the window's process never loads torch
or every engine's model for it (hundreds of MB it would keep for the whole session).

The child is started the way the indexing worker is ('spawn', which the frozen app supports through
`multiprocessing.freeze_support()` in its launcher), opens its own Workspace on the app's data dir,
runs `Workspace.calibrate_engine` (which saves the result in the data dir, where the window and the
next indexing worker read it) and sends the result back over a pipe. Setting `cancel` stops it: asked
first, so it ends between two batches, then ended.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kenning.core.errors import KenningError
from kenning.core.index.embedding_calibration import CalibrationCancelled
from kenning.core.index.engine_choice import Calibration
from kenning.core.secrets import SecretStore
from kenning.core.settings import Settings
from kenning.core.worker.child import portable_error

_TICK_S = 0.2  # how often the wait on the pipe looks at `cancel`
# A cancelled child stops between two batches; one still loading a model is ended (SIGTERM): it has
# nothing to lose (the result is written atomically at the end), and the window closes in 4 s.
_STOP_WAIT_S = 0.5


def calibrate_in_child(
    data_dir: Path,
    settings: Settings,
    cancel: threading.Event,
    *,
    secrets: SecretStore | None = None,
    passages: int = 256,
    on_started: Callable[[int], None] | None = None,
) -> Calibration:
    """Run the calibration in a child process and return its result (already saved by the child).
    Raises CalibrationCancelled when `cancel` was set, and the child's error (or a KenningError
    saying it stopped) when it failed. `on_started(pid)` is called once the child runs."""
    context = multiprocessing.get_context("spawn")  # no fork of a process running Qt
    ours, theirs = context.Pipe()
    session = secrets.session_values() if secrets is not None else {}
    process = context.Process(
        target=main,
        args=(theirs, str(data_dir), settings, passages, session),
        name="kenning-calibration",
        daemon=True,  # ended with this process, should it exit without cancelling
    )
    process.start()
    theirs.close()
    try:
        assert process.pid is not None
        if on_started is not None:
            on_started(process.pid)
        return _wait(process, ours, cancel)
    finally:
        _end(process, ours)


def _wait(process: BaseProcess, conn: Connection, cancel: threading.Event) -> Calibration:
    while not cancel.is_set():
        try:
            message = conn.recv() if conn.poll(_TICK_S) else None
        except (EOFError, OSError):
            message = None
        if message is not None:
            kind, payload = message
            if kind == "error":
                raise payload
            return Calibration.from_dict(payload)
        if not process.is_alive():
            raise KenningError(
                f"The measurement of the embedding engines stopped unexpectedly (code {process.exitcode}).",
                "Try again; if it keeps failing, the log file says more.",
            )
    raise CalibrationCancelled()


def _end(process: BaseProcess, conn: Connection) -> None:
    """Asked to stop first (it ends between two batches), then told (SIGTERM), then killed."""
    if process.is_alive():
        with contextlib.suppress(OSError):
            conn.send("stop")
        process.join(_STOP_WAIT_S)
    if process.is_alive():
        process.terminate()
        process.join(2.0)
    if process.is_alive():
        process.kill()
        process.join()
    conn.close()


def main(conn: Connection, data_dir: str, settings: Settings, passages: int, session: dict[str, str]) -> None:
    """The child's entry point (a 'spawn' target: importable, picklable arguments)."""
    from kenning.core.observe.offline import go_offline
    from kenning.core.private_files import restrict_new_files
    from kenning.core.workspace import Workspace

    go_offline()
    restrict_new_files()
    cancel = threading.Event()
    threading.Thread(target=_read_stop, args=(conn, cancel), daemon=True).start()
    try:
        secrets = SecretStore()
        secrets.adopt_session(session)
        workspace = Workspace(data_dir=Path(data_dir), settings=settings, secrets=secrets)
        calibration = workspace.calibrate_engine(cancel, passages=passages)
        reply: tuple[str, object] = ("done", calibration.to_dict())
    except Exception as exc:
        reply = ("error", portable_error(exc, "measurement of the embedding engines"))
    with contextlib.suppress(OSError):
        conn.send(reply)
    conn.close()


def _read_stop(conn: Connection, cancel: threading.Event) -> None:
    """Any message, or the parent gone (a closed pipe), stops the measurement."""
    with contextlib.suppress(EOFError, OSError):
        conn.recv()
    cancel.set()

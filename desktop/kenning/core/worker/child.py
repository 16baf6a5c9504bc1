"""The indexing worker process: its own Workspace on the app's data dir, the FolderWatcher run in
its main thread, every event sent to the parent over one pipe and commands read from the same pipe.

Only this process parses files and runs the embedding model for indexing, so the window's process
never waits on a GIL held by that work. The writer lock is a file lock the OS releases when this
process dies, and commits are per batch: a crash loses nothing the next worker's reconciliation
cannot find again.
"""

from __future__ import annotations

import logging
import pickle
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kenning.core.domain.documents import BatchDone, FileDone, SyncFinished
from kenning.core.errors import KenningError
from kenning.core.settings import Settings
from kenning.core.worker.memory_release import Releaser, limit_heap_growth

log = logging.getLogger(__name__)

# Commands the parent may send, and the FolderWatcher call each becomes.
_ROOT_COMMANDS = {"add": "add_root", "remove": "remove_root", "pause": "pause", "resume": "resume"}


def main(
    conn: Connection,
    data_dir: str,
    settings: Settings,
    roots: list[str],
    log_dir: str | None,
    session_secrets: dict[str, str],
) -> None:
    """The process's entry point (a `multiprocessing` 'spawn' target: importable, picklable args).
    `session_secrets`: the window's secrets kept in memory only (no keyring), such as a token."""
    from kenning.core.observe.offline import go_offline
    from kenning.core.private_files import restrict_new_files

    limit_heap_growth()
    go_offline()  # inherited from the window's process already; forced again, as every entry point does
    restrict_new_files()
    if log_dir is not None:
        _log_to(Path(log_dir))
    cancel = threading.Event()
    try:
        from kenning.core.secrets import SecretStore
        from kenning.core.watch.watcher import FolderWatcher
        from kenning.core.workspace import Workspace

        secrets = SecretStore()
        secrets.adopt_session(session_secrets)
        workspace = Workspace(data_dir=Path(data_dir), settings=settings, secrets=secrets)
        watcher = FolderWatcher(workspace.indexer, roots, settings=settings.watch)
    except Exception as exc:  # the index cannot be opened: the parent shows why
        _send(conn, "error", portable_error(exc))
        conn.close()
        return
    threading.Thread(target=_read_commands, args=(conn, watcher, cancel), daemon=True).start()
    releaser = Releaser()
    try:
        for event in watcher.run(cancel):
            _send(conn, "event", event)
            if isinstance(event, FileDone | BatchDone | SyncFinished):
                releaser.maybe()  # what the file or batch freed goes back to the OS
        _send(conn, "done", None)
    except (BrokenPipeError, EOFError, OSError) as exc:
        if not cancel.is_set():  # the parent is gone: nobody to tell
            log.warning("indexing worker lost its parent: %s", exc)
    except Exception as exc:
        _send(conn, "error", portable_error(exc))
    finally:
        workspace.close()
        conn.close()


def _read_commands(conn: Connection, watcher: Any, cancel: threading.Event) -> None:
    """Apply the parent's commands; a closed pipe (the window's process died) stops the work."""
    while not cancel.is_set():
        try:
            command, arg = conn.recv()
        except (EOFError, OSError):
            cancel.set()
            return
        if command == "stop":
            cancel.set()
        elif command == "retry_now":
            watcher.retry_now()
        elif command == "retry":
            watcher.retry(arg)
        elif command in _ROOT_COMMANDS:
            getattr(watcher, _ROOT_COMMANDS[command])(arg)


def _send(conn: Connection, kind: str, payload: object) -> None:
    try:
        conn.send((kind, payload))
    except (BrokenPipeError, OSError):
        if kind != "event":
            return
        raise


def portable_error(exc: Exception, process: str = "indexing process") -> Exception:
    """The error itself when it survives pickling, else a KenningError carrying its words."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        log.error("%s failed", process, exc_info=exc)
        return KenningError(f"The {process} failed: {exc}")
    return exc


def _log_to(log_dir: Path) -> None:
    from kenning.core.observe.log_setup import configure_logging, level_from_env

    try:
        configure_logging(log_dir=log_dir, level=level_from_env())
    except Exception:  # no log file is no reason not to index
        logging.basicConfig(level=logging.WARNING)

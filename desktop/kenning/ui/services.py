"""The UI's handle on the core: builds the workspace in the background and owns the worker threads.

Nothing here runs on the UI thread except bookkeeping: importing the core's heavy modules (LanceDB,
torch through the embedder), opening the index and loading the embedding model all happen in a
worker after the window is visible. When indexing runs in its worker process, this process loads the
embedding model only when a question needs it (see `warm_up_model`), and the engines are measured in a
child process (`kenning.core.worker.calibration`): torch and every engine's model would otherwise stay
in the window's memory for the whole session, on top of the indexing process's own copy.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from kenning import paths
from kenning.core.secrets import SecretStore
from kenning.core.settings import Settings
from kenning.ui.error_text import UserMessage, describe
from kenning.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kenning.core.answer.conversation_store import ConversationStore
    from kenning.core.index.engine_choice import Calibration
    from kenning.core.watch.folder_list import FolderList
    from kenning.core.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OllamaState:
    running: bool
    host: str
    version: str = ""
    models: tuple[str, ...] = ()
    model: str = ""  # the model answers will use ("" when none is available)
    message: str = ""  # why it is not usable, for the banner
    refused: bool = False  # a server is there but refused Kenning (no token, untrusted certificate)


class AppServices(QObject):
    """Signals:
    workspace_ready(): the index is open; the embedding model is still loading (or, while indexing
        runs in its own process, loads when a question needs it).
    model_ready(): the embedding model is loaded and has run once, so the next search is fast.
    workspace_failed(UserMessage): the index could not be opened.
    index_damaged(UserMessage): the index is damaged or was built for other settings: offer a rebuild
        (never for a fault a rebuild would not fix: permissions, a full disk, a lock, a newer version).
    model_failed(UserMessage): the index is open but the embedding model could not be loaded.
    ollama_changed(OllamaState): after each check of the Ollama server.
    """

    calibration_passages = 256  # passages an engine measurement embeds (tests use fewer)

    workspace_ready = Signal()
    model_ready = Signal()
    workspace_failed = Signal(object)
    index_damaged = Signal(object)
    model_failed = Signal(object)
    ollama_changed = Signal(object)

    def __init__(
        self,
        data_dir: Path,
        settings: Settings,
        parent: QObject | None = None,
        *,
        embedder: Any = None,
        calibrate_at_start: bool = False,
    ) -> None:
        super().__init__(parent)
        self._calibrate_at_start = calibrate_at_start  # the app does; tests and the self-test do not
        self._embedder = embedder  # a model already loaded elsewhere in this process, to share
        self.data_dir = data_dir
        self.settings = settings
        self.readers = TaskRunner(self, threads=2)  # searches, answers, Ollama calls, file reads
        self.writer = TaskRunner(self, threads=1)  # every index write goes through this one thread
        self.workspace: Workspace | None = None
        # One for the whole session: a secret kept in memory (no keyring) survives a reopened workspace.
        self.secrets = SecretStore()
        self.ollama_state = OllamaState(running=False, host=settings.ollama.host)
        from kenning.core.watch.folder_list import FolderList

        self.folders: FolderList = FolderList(paths.folders_file(data_dir))
        self._conversations: ConversationStore | None = None
        self._conversations_lock = threading.Lock()
        self._warming: Workspace | None = None  # the workspace whose model is loading or loaded
        self.calibration_pid: int | None = None  # the last engine measurement's child process

    @property
    def shares_embedder(self) -> bool:
        """A model loaded elsewhere in this process was handed in: indexing uses it here too."""
        return self._embedder is not None

    @property
    def indexes_here(self) -> bool:
        """Indexing runs on this process's writer thread (not in a worker process): it needs the
        embedding model here anyway, so it is loaded at start."""
        return self.shares_embedder or self.settings.watch.worker == "thread"

    # ---- start-up ----------------------------------------------------------------------------
    def start(self) -> None:
        self.readers.submit(
            "open workspace", self._open_workspace, on_done=self._on_workspace, on_error=self._on_open_failed
        )

    def _open_workspace(self, cancel: threading.Event) -> Workspace:
        from kenning.core.workspace import Workspace

        workspace = Workspace(data_dir=self.data_dir, settings=self.settings, secrets=self.secrets)
        if self._embedder is not None:
            workspace.adopt_embedder(self._embedder)
        workspace.store.file_records()  # opens LanceDB now, so a broken index is reported at start
        _ = workspace.embeds_without_torch  # reads the engine choice here, off the UI thread
        return workspace

    def _on_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._warming = None
        self.workspace_ready.emit()
        if self.indexes_here or workspace.embeds_without_torch:
            self.warm_up_model()
        self.check_ollama()
        if self._calibrate_at_start:
            self.readers.submit(
                "calibrate embedding engines",
                lambda cancel: self._calibrate_if_new(workspace, cancel),
                on_error=lambda exc: log.warning("engine calibration failed: %s", describe(exc)),
            )

    def warm_up_model(self) -> None:
        """Load the embedding model in the background, once, so the next question is fast. At start
        when indexing runs here or the engine needs no torch (OpenVINO: ~230 MB, and its import would
        hold the UI thread ~130 ms if it came with the first question); else when the user starts
        typing a question (torch in this process too while the worker indexes costs ~500 MB)."""
        workspace = self.workspace
        if workspace is None or self._warming is workspace:
            return
        self._warming = workspace
        self.readers.submit(
            "load embedding model",
            lambda cancel: _warm_up(workspace),
            on_done=lambda _: self.model_ready.emit(),
            on_error=lambda exc: self.model_failed.emit(self.message_for(exc)),
        )

    # ---- embedding engine --------------------------------------------------------------------
    def read_engine(self, cancel: threading.Event) -> Calibration | None:
        """The calibration in force on this machine (a worker call)."""
        from kenning.core.workspace import Workspace

        workspace = self.workspace or Workspace(data_dir=self.data_dir, settings=self.settings)
        return workspace.engine_calibration()

    def measure_engine(self, cancel: threading.Event) -> Calibration:
        """Measure the engines again, in a child process, and switch to the choice (a worker call,
        a minute at most; `cancel`, set when the app closes, ends the child)."""
        from kenning.core.worker.calibration import calibrate_in_child

        def started(pid: int) -> None:
            self.calibration_pid = pid

        calibration = calibrate_in_child(
            self.data_dir,
            self.settings,
            cancel,
            secrets=self.secrets,
            passages=self.calibration_passages,
            on_started=started,
        )
        if self.workspace is not None:
            self.workspace.use_calibration(calibration)
        return calibration

    def _calibrate_if_new(self, workspace: Workspace, cancel: threading.Event) -> Calibration | None:
        """At first start (or on a new machine, or after an update), find the fastest engine that agrees."""
        if workspace.settings.embedding.engine != "auto" or workspace.engine_calibration() is not None:
            return None
        return self.measure_engine(cancel)

    def _on_open_failed(self, exc: BaseException) -> None:
        from kenning.core.errors import IndexCorrupt, IndexIncompatible

        message = describe(exc, log_dir=paths.log_dir(self.data_dir))
        self.workspace_failed.emit(message)
        if isinstance(exc, IndexCorrupt | IndexIncompatible):
            self.index_damaged.emit(message)

    def rebuild_index(self) -> None:
        """Set the index aside and open a fresh one; the watcher then indexes every file again."""

        def rebuild(cancel: threading.Event) -> Workspace:
            from kenning.core.workspace import Workspace

            Workspace(data_dir=self.data_dir, settings=self.settings, secrets=self.secrets).rebuild_index()
            return self._open_workspace(cancel)

        self.readers.submit(
            "rebuild index", rebuild, on_done=self._on_workspace, on_error=self._on_open_failed
        )

    def replace_workspace(self, settings: Settings) -> None:
        """Open the index again with new settings (after a rebuild swapped in, or new ignore rules)."""
        old = self.workspace
        self.settings = settings
        self.workspace = None

        def reopen(cancel: threading.Event) -> Workspace:
            from kenning.core.workspace import Workspace

            workspace = Workspace(data_dir=self.data_dir, settings=settings, secrets=self.secrets)
            if old is not None and old.has_embedder and old.settings.embedding == settings.embedding:
                workspace.adopt_embedder(old.embedder)  # the loaded model still fits
            workspace.store.file_records()
            return workspace

        self.readers.submit("reopen index", reopen, on_done=self._on_workspace, on_error=self._on_open_failed)

    # ---- Ollama ------------------------------------------------------------------------------
    def check_ollama(self) -> None:
        if self.workspace is None:
            return
        workspace = self.workspace
        self.readers.submit(
            "check ollama",
            lambda cancel: _probe_ollama(workspace),
            on_done=self._on_ollama,
            on_error=lambda exc: self._on_ollama(
                OllamaState(False, self.settings.ollama.host, message=str(describe(exc)))
            ),
        )

    def _on_ollama(self, state: OllamaState) -> None:
        self.ollama_state = state
        self.ollama_changed.emit(state)

    # ---- stores ------------------------------------------------------------------------------
    def conversations(self) -> ConversationStore:
        """Opened on first use, from whichever worker thread asks first."""
        with self._conversations_lock:
            if self._conversations is None:
                from kenning.core.answer.conversation_store import ConversationStore

                self._conversations = ConversationStore(paths.conversations_file(self.data_dir))
            return self._conversations

    def message_for(self, exc: BaseException) -> UserMessage:
        return describe(exc, log_dir=paths.log_dir(self.data_dir))

    def close(self) -> None:
        """Refuse new work and cancel what runs, without waiting."""
        self.writer.close()
        self.readers.close()

    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Stop background work: cancel, then wait up to `timeout_ms` in all for the threads (a write
        finishes its commit). False when some still run: the caller ends the process regardless."""
        self.close()
        deadline = time.monotonic() + timeout_ms / 1000
        writer_stopped = self.writer.shutdown(timeout_ms)
        left_ms = max(0, int((deadline - time.monotonic()) * 1000))
        readers_stopped = self.readers.shutdown(left_ms)  # waited for even when the writer is stuck
        if self.workspace is not None:
            self.workspace.close()
        return writer_stopped and readers_stopped


def _warm_up(workspace: Workspace) -> None:
    # torch's first forward pass sets up its kernels while holding the GIL for about half a second;
    # doing it now, right after start, keeps that pause out of the first index run or question.
    workspace.embedder.embed_query("warm up")


def _probe_ollama(workspace: Workspace) -> OllamaState:
    from kenning.core.answer.ollama.errors import OllamaUnauthorized, UntrustedCertificate
    from kenning.core.errors import KenningError

    settings = workspace.settings.ollama
    try:
        client = workspace.ollama
        version = client.version()
        models = tuple(m.name for m in client.list_models())
    except KenningError as exc:
        refused = isinstance(exc, OllamaUnauthorized | UntrustedCertificate)
        message = f"{exc.message} {exc.next_step}".strip()
        return OllamaState(False, settings.host, message=message, refused=refused)
    chosen = _chosen_model(settings.model, models)
    message = "" if chosen else "No model is pulled yet: open Models to pull one."
    return OllamaState(True, settings.host, version, models, chosen, message)


def _chosen_model(wanted: str, models: tuple[str, ...]) -> str:
    if wanted:
        full = wanted if ":" in wanted else f"{wanted}:latest"
        return wanted if wanted in models or full in models else ""
    return models[0] if models else ""

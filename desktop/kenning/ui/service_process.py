"""Runs `kenning serve --mcp` for other tools as a child process of the app, off the UI thread.

The window never imports the service: it starts `kenning serve` as a child (QProcess: started and
read through the event loop, so nothing here waits) on 127.0.0.1, with the app's data dir and
settings, and hands it the access token in its environment, never on its command line. The child
stops when its stdin closes, which the system does however the app ends (quit, crash, killed).
"""

from __future__ import annotations

import json
import secrets as token_maker
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from kenning import paths
from kenning.core.errors import KenningError
from kenning.core.secrets import SERVICE_TOKEN_ENV, SERVICE_TOKEN_SECRET, SecretStore
from kenning.core.settings import Settings
from kenning.core.settings_file import read_settings, save_settings
from kenning.ui.alive import while_alive
from kenning.ui.error_text import describe
from kenning.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kenning.ui.services import AppServices

HOST = "127.0.0.1"  # the app serves this computer only; `kenning serve --host` opens it wider
STOP_WITH_PARENT_ENV = "KENNING_STOP_WITH_PARENT"  # read by `kenning serve` (cli/serve_command.py)
_KILL_AFTER_MS = 5_000  # a stop the child does not honour in this time ends it the hard way


def base_url(port: int) -> str:
    return f"http://{HOST}:{port}"


@dataclass(frozen=True)
class ServiceState:
    phase: str  # "stopped", "starting", "serving", "stopping" or "failed"
    port: int
    message: str = ""  # why it failed

    @property
    def openai_url(self) -> str:
        return base_url(self.port) + "/v1"

    @property
    def mcp_url(self) -> str:
        return base_url(self.port) + "/mcp"

    def describe(self) -> str:
        return {
            "stopped": "Stopped",
            "starting": "Starting… (loading the embedding model)",
            "serving": f"● Serving at {self.openai_url} and {self.mcp_url}",
            "stopping": "Stopping…",
        }.get(self.phase, f"Failed: {self.message}")


def serve_command(data_dir: Path, port: int) -> list[str]:
    """The child's program and arguments: this Python (or the frozen app) running `kenning serve`."""
    prefix = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "kenning"]
    args = ["serve", "--mcp", "--json", "--host", HOST, "--port", str(port), "--data-dir", str(data_dir)]
    return prefix + args


def _token(store: SecretStore, *, new: bool) -> str:
    """The service's token from the keyring; made (and kept there) when there is none or `new`."""
    value = None if new else (store.get(SERVICE_TOKEN_SECRET) or "").strip()
    if not value:
        value = token_maker.token_urlsafe(32)
        store.set(SERVICE_TOKEN_SECRET, value)
    return value


def _port_is_free(port: int) -> None:
    """Fail now, not after the child spent seconds loading the model, when the port is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the service binds it
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise KenningError(
                f"Port {port} on {HOST} is in use ({exc.strerror or exc}).",
                "Choose another port, or stop the program that uses this one.",
            ) from exc


def _ready_token(store: SecretStore, port: int) -> str:
    _port_is_free(port)
    return _token(store, new=False)


def _save_choice(path: Path, enabled: bool, port: int) -> None:
    """Change only the service's switch and port in the settings file (other edits may be pending)."""
    settings = read_settings(path).settings
    settings.service.enabled, settings.service.port = enabled, port
    save_settings(settings, path)


class ServiceController(QObject):
    """Starts and stops the service the app offers to other tools.

    Signals:
        state_changed(ServiceState): after every change of phase.
        token_changed(str): the token tools must send (read or made on a worker).
        failed_to_save(str): the on/off choice could not be written to the settings file.
    """

    state_changed = Signal(object)
    token_changed = Signal(str)
    failed_to_save = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        store: SecretStore,
        runner: TaskRunner,
        live_settings: Callable[[], Settings],
        parent: QObject | None = None,
        *,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._store = store
        self._runner = runner
        self._live_settings = live_settings
        self._settings_path = settings_path or paths.settings_file()
        self._process: QProcess | None = None
        self._output = b""
        self._errors = b""
        self._wanted = False  # the user's choice; the child follows it
        self._restart = False
        self._autostarted = False
        self.token = ""
        self.state = ServiceState("stopped", live_settings().service.port)

    @classmethod
    def for_app(cls, services: AppServices, parent: QObject) -> ServiceController:
        """The app's controller: its data dir, keyring and settings; starts with the index if on."""
        live = lambda: services.settings  # noqa: E731  (replaced whole when settings are saved)
        controller = cls(services.data_dir, services.secrets, services.readers, live, parent)
        services.workspace_ready.connect(controller.autostart)
        return controller

    @property
    def enabled(self) -> bool:
        return self._wanted

    @property
    def secrets_warning(self) -> str:
        return self._store.warning

    # ---- what the user asks ----------------------------------------------------------------------
    def load_token(self) -> None:
        """Read (or make) the token on a worker; `token_changed` brings it."""
        self._runner.submit(
            "service token",
            lambda cancel: _token(self._store, new=False),
            on_done=while_alive(self, self._on_token),
        )

    def new_token(self) -> None:
        """Replace the token; a running service restarts with it (tools need the new one)."""
        self._runner.submit(
            "new service token",
            lambda cancel: _token(self._store, new=True),
            on_done=while_alive(self, self._on_new_token),
        )

    def autostart(self) -> None:
        """At app start (once): serve when the settings say so."""
        if not self._autostarted:
            self._autostarted = True
            service = self._live_settings().service
            if service.enabled:
                self._start(service.port)

    def set_enabled(self, enabled: bool, port: int) -> None:
        """Turn the service on or off now, and remember the choice for the next start."""
        service = self._live_settings().service
        service.enabled, service.port = enabled, port
        path = self._settings_path
        self._runner.submit(
            "save service choice",
            lambda cancel: _save_choice(path, enabled, port),
            on_error=while_alive(self, lambda exc: self.failed_to_save.emit(str(describe(exc)))),
        )
        if enabled:
            self._start(port)
        else:
            self._wanted = False
            self._restart = False
            self._stop()

    def shutdown(self, timeout_ms: int = 3_000) -> None:
        """At app exit: stop the child and wait for it (briefly), then end it for sure."""
        self._wanted = False
        self._restart = False
        process = self._process
        self._stop()
        if process is None:
            return
        if not process.waitForFinished(timeout_ms):
            process.kill()
            process.waitForFinished(1_000)

    # ---- the child -------------------------------------------------------------------------------
    def _start(self, port: int) -> None:
        self._wanted = True
        if self._process is not None:
            if self.state.phase in ("starting", "serving") and self.state.port == port:
                return  # already on its way
            self._restart = True  # stopping, or serving on another port: start again once it ended
            self._set(ServiceState("starting", port))
            self._stop()
            return
        self._set(ServiceState("starting", port))
        self._runner.submit(
            "service token",
            lambda cancel: _ready_token(self._store, port),
            on_done=while_alive(self, lambda token: self._spawn(port, token)),
            on_error=while_alive(self, lambda exc: self._fail(port, str(describe(exc)))),
        )

    def _spawn(self, port: int, token: str) -> None:
        self._on_token(token)
        if not self._wanted or self._process is not None:
            return  # turned off (or started again) while the token was read
        env = QProcessEnvironment.systemEnvironment()
        env.insert(SERVICE_TOKEN_ENV, token)
        env.insert(STOP_WITH_PARENT_ENV, "1")
        env.insert(paths.CONFIG_DIR_ENV, str(paths.config_dir()))  # the app's settings, whatever the default
        env.remove(paths.DATA_DIR_ENV)  # --data-dir says it
        process = QProcess(self)
        process.setProcessEnvironment(env)
        program, *args = serve_command(self._data_dir, port)
        process.setProgram(program)
        process.setArguments(args)
        process.readyReadStandardOutput.connect(lambda: self._on_stdout(process, port))
        process.readyReadStandardError.connect(lambda: self._on_stderr(process))
        process.finished.connect(lambda code, _status: self._on_finished(process, port, code))
        process.errorOccurred.connect(lambda error: self._on_error(process, port, error))
        self._process, self._output, self._errors = process, b"", b""
        process.start()  # stdin stays open: closing it (or the app ending) stops the child

    def _stop(self) -> None:
        process = self._process
        if process is None:  # not started yet (or it failed): nothing runs
            self._set(ServiceState("stopped", self.state.port))
            return
        if not self._restart:
            self._set(ServiceState("stopping", self.state.port))
        process.closeWriteChannel()
        if sys.platform != "win32":
            process.terminate()  # SIGTERM: a clean stop at once (on Windows, stdin closing does it)
        QTimer.singleShot(_KILL_AFTER_MS, process, process.kill)

    def _on_stdout(self, process: QProcess, port: int) -> None:
        if process is not self._process:
            return
        self._output += process.readAllStandardOutput().data()
        first, newline, _ = self._output.partition(b"\n")
        if newline and self.state.phase == "starting" and b"openai_base_url" in first:
            announced = json.loads(first)
            port = int(announced["openai_base_url"].rsplit(":", 1)[1].split("/")[0])
            self._set(ServiceState("serving", port))

    def _on_stderr(self, process: QProcess) -> None:
        if process is self._process:
            self._errors = (self._errors + process.readAllStandardError().data())[-4000:]

    def _on_finished(self, process: QProcess, port: int, code: int) -> None:
        if process is not self._process:
            return
        self._process = None
        process.deleteLater()
        if self._restart and self._wanted:
            self._restart = False
            self._start(self._live_settings().service.port)
        elif self._wanted:
            self._fail(port, self._why_it_ended(code))
        else:
            self._set(ServiceState("stopped", port))

    def _on_error(self, process: QProcess, port: int, error: QProcess.ProcessError) -> None:
        if process is self._process and error == QProcess.ProcessError.FailedToStart:
            self._process = None
            process.deleteLater()
            self._fail(port, f"Kenning could not start {process.program()} ({process.errorString()}).")

    def _why_it_ended(self, code: int) -> str:
        """The child's own error (JSON on stdout with --json), else its last words, else its code."""
        _, _, after_address = self._output.partition(b"\n")
        for text in (self._output, after_address):
            try:
                error = json.loads(text)["error"]
            except (ValueError, KeyError, TypeError):
                continue
            return f"{error['message']} {error.get('next_step', '')}".strip()
        lines = [line for line in self._errors.decode(errors="replace").splitlines() if line.strip()]
        return lines[-1].removeprefix("kenning: ") if lines else f"The service ended (exit code {code})."

    # ---- bookkeeping ----------------------------------------------------------------------------
    def _fail(self, port: int, message: str) -> None:
        self._wanted = False
        self._set(ServiceState("failed", port, message))

    def _set(self, state: ServiceState) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _on_token(self, token: str) -> None:
        if token != self.token:
            self.token = token
            self.token_changed.emit(token)

    def _on_new_token(self, token: str) -> None:
        self._on_token(token)
        if self._process is not None and self._wanted:
            self._restart = True
            self._set(ServiceState("starting", self.state.port))
            self._stop()

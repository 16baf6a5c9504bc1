"""Renders the desktop app's main states to resources/screenshots/*.png (run by `make screenshots`).

The real window on a real index of resources/sample-docs, answering through the protocol-faithful
fake Ollama (tests/fakes), under Xvfb at 1280×800. A script, not a test: it waits by pumping events.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "desktop"), str(REPO)]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from PySide6.QtCore import QEventLoop, QTimer, QUrl  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402
from tests.fakes.fake_ollama import FakeModel, FakeOllama  # noqa: E402

from kenning.core.settings import Settings  # noqa: E402
from kenning.ui.app import application  # noqa: E402
from kenning.ui.main_window import MainWindow  # noqa: E402
from kenning.ui.services import AppServices  # noqa: E402
from kenning.ui.theme import apply_theme  # noqa: E402

OUT = REPO / "resources" / "screenshots"
SIZE = (1280, 800)
REPLY = (
    "Give **dot** a directed graph and it draws it as a hierarchy: nodes are placed in ranks so that"
    " edges point the same way, usually top to bottom [1]. It reads and writes graphs in the DOT"
    " language [2], and `-T` picks the output format, such as PNG or SVG [1]."
)


# A busy machine (other builds, a test run) slows model loads and indexing many times over.
SLOWDOWN = float(os.environ.get("KENNING_SHOTS_SLOWDOWN", "1"))


def pump(app: QApplication, done: Callable[[], bool], timeout: float = 120.0) -> None:
    """Run the event loop until `done()` holds (checked on a timer) or the timeout passes."""
    timeout *= SLOWDOWN
    if not done():
        loop = QEventLoop()
        check = QTimer(interval=20)
        check.timeout.connect(lambda: loop.quit() if done() else None)
        give_up = QTimer(singleShot=True, interval=int(timeout * 1000))
        give_up.timeout.connect(loop.quit)
        check.start()
        give_up.start()
        loop.exec()
        check.stop()
        give_up.stop()
        if not done():
            raise SystemExit("timed out waiting for the window")
    for _ in range(10):  # let layouts and repaints settle
        app.processEvents()


def save(widget: QWidget, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(OUT / f"{name}.png"))
    print(f"wrote {OUT / name}.png")


def open_window(app: QApplication, data: Path, host: str) -> MainWindow:
    settings = Settings()
    settings.ollama.host = host
    window = MainWindow(AppServices(data, settings))
    window.resize(*SIZE)
    window.show()
    window.services.start()
    pump(app, lambda: window.services.workspace is not None)
    return window


def grab_dialog(app: QApplication, window: MainWindow, opener: Callable[[], None], name: str) -> None:
    before = set(window.findChildren(QDialog))
    opener()
    pump(app, lambda: bool(set(window.findChildren(QDialog)) - before), 10)
    dialog = next(d for d in window.findChildren(QDialog) if d not in before)
    pump(app, lambda: window.services.readers.busy == 0, 30)  # background reads fill the dialog
    save(dialog, name)
    dialog.close()


SETTINGS_MISTAKE = (
    '{config}/settings.toml: index.max_file_mb = "50" is not valid: expected a number; '
    "using the default (50.0)."
)


def render_evaluate(app: QApplication, window: MainWindow) -> None:
    """The Evaluate tab: the sample test set run twice, a row's passages, the two runs compared."""
    window.modes.setCurrentIndex(3)
    evaluate = window.evaluate
    assert evaluate is not None
    evaluate.set_test_set(REPO / "tests" / "data" / "eval" / "sample-questions.jsonl")
    reports: list[object] = []
    evaluate.finished.connect(reports.append)
    for wanted in (1, 2):
        evaluate.run()
        pump(app, lambda wanted=wanted: len(reports) == wanted, 300)
    pump(app, lambda: evaluate.compare_button.isEnabled(), 60)
    evaluate.table.setCurrentCell(4, 0)
    evaluate.compare_button.click()
    save(window, "16-evaluate")
    window.modes.setCurrentIndex(0)


def render_health_and_scope(app: QApplication, window: MainWindow, docs: Path) -> None:
    """The index health view, and an answer limited to one document (the scope chips)."""
    from kenning.ui.health_flow import open_health_view

    view = open_health_view(window)
    view.resize(1000, 520)
    pump(app, lambda: len(view.rows) >= 8, 60)
    save(view, "12-index-health")
    view.close()
    window.modes.setCurrentIndex(0)
    window.chat_panel.scope_bar.only_documents([str(docs / "curl-http-cookies.md")])
    window.chat.ask("How do cookies get sent back to a server?")
    count = len(window.chat.answers)
    pump(app, lambda: len(window.chat.answers) == count + 1 or window.chat.busy, 10)
    pump(app, lambda: not window.chat.busy and window.chat_panel.send_button.isEnabled(), 120)
    save(window, "13-scope-chips")


def main() -> None:
    app = application()
    apply_theme(app, "light")
    work = Path(tempfile.mkdtemp(prefix="kenning-shots-"))
    os.environ["KENNING_CONFIG_DIR"] = str(work / "config")
    fake = FakeOllama(reply=REPLY, token_delay_s=0.01)
    fake.models["qwen2.5:3b"] = FakeModel("qwen2.5:3b", "qwen2", "3.1B", "Q4_K_M", 32768, 1_929_903_264)
    fake.start()
    try:
        # 1. First run: no folder, no Ollama.
        first = open_window(app, work / "first", "http://127.0.0.1:9")
        pump(app, lambda: first.banner.isVisible(), 20)
        save(first, "01-first-run")
        first.close()

        # 2. Indexing.
        docs = work / "Documents"
        shutil.copytree(REPO / "resources" / "sample-docs", docs)
        # what the index health view explains: a photo (unsupported) and a file an ignore rule skips
        (docs / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(4_000))
        (docs / "draft.tmp").write_text("half-written")
        window = open_window(app, work / "data", fake.url)
        window.indexing.add_folder(str(docs))
        if "--only-health" in sys.argv or "--only-evaluate" in sys.argv:  # a few shots, quickly
            stats = lambda: window.indexing.views[0].stats if window.indexing.views else None  # noqa: E731
            pump(app, lambda: stats() is not None and stats().indexed >= 5 and not window.indexing.busy, 600)
            pump(app, lambda: window.services.ollama_state.running, 20)
            if "--only-health" in sys.argv:
                render_health_and_scope(app, window, docs)
            else:
                render_evaluate(app, window)
                window.show_settings_issues([SETTINGS_MISTAKE.format(config=work / "config")])
                pump(app, lambda: window.side_tabs.isVisible() and window.side_tabs.width() > 100, 30)
                save(window, "17-settings-notice")
            window.close()
            return
        pump(
            app,
            lambda: (
                window.indexing.busy
                and window.folders.cards
                and any(c.bar.isVisible() and c.bar.value() > 0 for c in window.folders.cards.values())
            ),
        )
        save(window, "02-indexing")
        pump(
            app,
            lambda: (
                not window.indexing.busy
                and bool(window.indexing.views)
                and window.indexing.views[0].stats is not None
            ),
            600,
        )
        pump(app, lambda: window.services.ollama_state.running, 20)

        # 3. An answer with its sources; the cited PDF page in the viewer.
        window.chat.ask("What does the dot program draw, and how do I choose the output format?")
        pump(app, lambda: len(window.chat.answers) == 1, 120)
        window.chat_panel.transcript.anchorClicked.emit(QUrl("cite:0-1"))
        pump(app, lambda: window.sources.viewer.shown is not None, 30)
        save(window, "03-answer-sources")
        window.side_tabs.setCurrentWidget(window.details)
        save(window, "04-answer-details")
        window.side_tabs.setCurrentWidget(window.inspector)
        save(window, "05-retrieval-inspector")
        window.side_tabs.setCurrentWidget(window.sources)

        # 4. Search only.
        window.modes.setCurrentWidget(window.search_view)
        window.search_view.query.setText("cache expiry for images")
        window.search_view.run_search()
        pump(app, lambda: bool(window.search_view.results.cards), 30)
        save(window, "06-search")

        # 5. Dashboard after a few more answers.
        window.modes.setCurrentIndex(0)
        for question in (
            "How do cookies get sent back to a server?",
            "How do I forward a local port with ssh?",
        ):
            fake.reply = "The passage explains it [1]."
            count = len(window.chat.answers)
            window.chat.ask(question)
            pump(app, lambda count=count: len(window.chat.answers) == count + 1, 120)
        window.modes.setCurrentIndex(2)
        pump(app, lambda: window.dashboard is not None and window.dashboard.summary is not None, 30)
        save(window, "07-dashboard")

        render_evaluate(app, window)

        # 5c. A settings file with a mistake: named above the chat, the default used.
        window.show_settings_issues([SETTINGS_MISTAKE.format(config=work / "config")])
        save(window, "17-settings-notice")
        window.settings_notice.hide()

        # 6. Dialogs.
        grab_dialog(app, window, window._on_models, "08-models")
        grab_dialog(app, window, window._on_settings, "09-settings")
        grab_dialog(app, window, window._on_about, "10-about")
        window.services.workspace.publish_to(str(work / "nas" / "team-handbook"))
        window.services.workspace.attach_index(str(work / "nas" / "team-handbook"))
        grab_dialog(app, window, window._on_shared_indexes, "18-shared-indexes")

        render_health_and_scope(app, window, docs)

        # 7. Dark theme.
        apply_theme(app, "dark")
        window.chat_panel.show_conversation(window.chat.answers)
        pump(app, lambda: True)
        save(window, "11-dark-theme")
        window.close()
    finally:
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)


def shared_indexes_only() -> None:
    """Just the Shared indexes dialog (`render_screenshots.py shared`): a quick render to look at."""
    from kenning.core.workspace import Workspace

    app = application()
    apply_theme(app, "light")
    work = Path(tempfile.mkdtemp(prefix="kenning-shots-"))
    os.environ["KENNING_CONFIG_DIR"] = str(work / "config")
    try:
        docs = work / "Documents"
        shutil.copytree(REPO / "resources" / "sample-docs", docs)
        publisher = Workspace(data_dir=work / "publisher")
        list(publisher.indexer.sync([str(docs)]))
        publisher.publish_to(str(work / "nas" / "team-handbook"))
        window = open_window(app, work / "data", "http://127.0.0.1:9")
        mine = work / "Mine"
        mine.mkdir()
        shutil.copy2(docs / "openssh-tunnels.txt", mine)
        list(window.services.workspace.indexer.sync([str(mine)]))
        window.services.workspace.attach_index(str(work / "nas" / "team-handbook"))
        grab_dialog(app, window, window._on_shared_indexes, "18-shared-indexes")
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def dialog_shot_setup() -> tuple[Any, Path]:
    """The application in the light theme, and a scratch folder whose config the shot (and any
    `kenning` child it starts, which finds the package on PYTHONPATH) uses."""
    app = application()
    apply_theme(app, "light")
    work = Path(tempfile.mkdtemp(prefix="kenning-shots-"))
    os.environ["KENNING_CONFIG_DIR"] = str(work / "config")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO / "desktop"), os.environ.get("PYTHONPATH", "")])
    return app, work


def show_tab(dialog: Any, name: str) -> None:
    dialog.resize(760, 700)
    dialog.tabs.setCurrentIndex(list(dialog._forms).index(name))
    dialog.show()


def service_only() -> None:
    """Settings › Service with the service on (`render_screenshots.py service`): a real child serves."""
    import keyring
    from keyring.backend import KeyringBackend

    from kenning.core.secrets import SecretStore
    from kenning.ui.service_process import ServiceController
    from kenning.ui.settings_dialog import SettingsDialog
    from kenning.ui.tasks import TaskRunner

    class MemoryKeyring(KeyringBackend):  # the shot never touches the user's keyring
        priority = 1  # type: ignore[assignment]
        values: dict[tuple[str, str], str] = {}  # noqa: RUF012

        def get_password(self, service: str, username: str) -> str | None:
            return self.values.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.values[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.values.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())
    app, work = dialog_shot_setup()
    runner = TaskRunner(threads=2)
    settings = Settings()
    service = ServiceController(work / "data", SecretStore(), runner, lambda: settings)
    dialog = SettingsDialog(settings, runner, secrets=SecretStore(), service=service)
    try:
        show_tab(dialog, "service")
        section = dialog.service_section
        assert section is not None
        section.toggle.click()
        pump(app, lambda: service.state.phase in ("serving", "failed"), 180)
        save(dialog, "23-settings-service")
    finally:
        service.shutdown()
        dialog.close()
        runner.shutdown(10_000)
        shutil.rmtree(work, ignore_errors=True)


def engine_only() -> None:
    """Settings › Embedding after a real calibration (`render_screenshots.py engine`): the engine row
    names the choice; the measurement runs in a child process, as the app's does."""
    from kenning.core.workspace import Workspace
    from kenning.ui.settings_dialog import SettingsDialog
    from kenning.ui.tasks import TaskRunner

    app, work = dialog_shot_setup()
    subprocess.run(
        [sys.executable, "-m", "kenning", "calibrate", "--data-dir", str(work / "data"), "--passages", "64"],
        check=True,
        capture_output=True,
    )
    runner = TaskRunner(threads=2)
    settings = Settings()
    workspace = Workspace(data_dir=work / "data", settings=settings)
    dialog = SettingsDialog(
        settings,
        runner,
        read_engine=lambda cancel: workspace.engine_calibration(),
        measure_engine=lambda cancel: workspace.calibrate_engine(cancel),
    )
    try:
        show_tab(dialog, "embedding")
        row = dialog.engine_row
        assert row is not None
        pump(app, lambda: "faster" in row.label.text() or "standard" in row.label.text(), 60)
        save(dialog, "24-settings-embedding-engine")
    finally:
        dialog.close()
        runner.shutdown(10_000)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    modes = {"shared": shared_indexes_only, "service": service_only, "engine": engine_only}
    modes.get(sys.argv[1] if sys.argv[1:] else "", main)()

"""The main window: composes the panels and connects controllers to views. No logic of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kenning import paths
from kenning.core.domain.answers import Answer
from kenning.core.domain.documents import BatchDone, Hit, SyncReport
from kenning.core.settings import Settings
from kenning.ui.asking import ChatController
from kenning.ui.banner import ErrorBanner, settings_issues_text
from kenning.ui.banners import OllamaBanner, WelcomePane
from kenning.ui.chat_panel import ChatPanel
from kenning.ui.conversation_list import ConversationList
from kenning.ui.details_panel import AnswerDetailsPanel
from kenning.ui.error_text import UserMessage
from kenning.ui.folders_panel import FoldersPanel, dropped_folders
from kenning.ui.health_flow import connect_health_and_scope, open_health_view
from kenning.ui.indexing import FolderView, IndexingController, IndexProgress, report_summary
from kenning.ui.inspector_panel import InspectorPanel
from kenning.ui.lazy_views import LazyViews
from kenning.ui.reindex_flow import ReindexFlow
from kenning.ui.search_view import SearchView
from kenning.ui.service_process import ServiceController
from kenning.ui.services import AppServices, OllamaState
from kenning.ui.sources_panel import SourcesPanel
from kenning.ui.status_bar import KenningStatusBar
from kenning.ui.test_set_adder import TestSetAdder
from kenning.ui.window_geometry import restore_geometry, save_geometry

if TYPE_CHECKING:
    from kenning.ui.dashboard import DashboardView
    from kenning.ui.evaluate_view import EvaluateView

MIN_SIZE = (980, 640)
_STOP_WAIT_MS = 4_000  # for the workers to stop when the window closes; then the process ends anyway


class MainWindow(QMainWindow):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        services.setParent(self)  # workers and their pending results go when the window goes
        self.services = services
        self.setWindowTitle("Kenning — ask your documents")
        self.setMinimumSize(*MIN_SIZE)
        self.setAcceptDrops(True)
        self.indexing = IndexingController(services, self)
        self.chat = ChatController(services, self)
        self.reindex = ReindexFlow(services, self)
        self.service = ServiceController.for_app(services, self)
        self._retrieved: tuple[Hit, ...] = ()
        self._shown_turn: int | None = None
        self.stopped_cleanly: bool | None = None  # set on close: every worker stopped in time

        self.folders = FoldersPanel(self)
        self.conversations = ConversationList(self)
        self.chat_panel = ChatPanel(self)
        self.welcome = WelcomePane(self)
        self.banner = OllamaBanner(self)
        self.settings_notice = ErrorBanner(self)
        self.search_view = SearchView(services, self)
        self.sources = SourcesPanel(services.readers, self, ocr_dir=paths.ocr_dir(services.data_dir))
        self.details = AnswerDetailsPanel(self)
        self.inspector = InspectorPanel(self)
        self._status = KenningStatusBar(self)
        self.setStatusBar(self._status)
        self._build_layout()
        self._build_menus()
        self._connect()
        self.chat_panel.set_ready(False, "Opening your index…")
        restore_geometry(self)

    # ---- composition -----------------------------------------------------------------------
    def _build_layout(self) -> None:
        folders_scroll = QScrollArea(self)
        folders_scroll.setWidgetResizable(True)
        folders_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        folders_scroll.setWidget(self.folders)
        sidebar = QSplitter(Qt.Orientation.Vertical, self)
        sidebar.addWidget(folders_scroll)
        sidebar.addWidget(self.conversations)
        sidebar.setMinimumWidth(240)

        self.chat_stack = QStackedWidget(self)
        self.chat_stack.addWidget(self.welcome)
        self.chat_stack.addWidget(self.chat_panel)
        self.modes = QTabWidget(self)
        self.modes.setDocumentMode(True)
        self.modes.addTab(self.chat_stack, "Chat")
        self.modes.addTab(self.search_view, "Search")
        self.modes.addTab(QWidget(self), "Dashboard")
        self.modes.addTab(QWidget(self), "Evaluate")
        center = QWidget(self)
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(6, 6, 6, 0)
        center_layout.addWidget(self.settings_notice)
        center_layout.addWidget(self.banner)
        center_layout.addWidget(self.modes, 1)

        self.side_tabs = QTabWidget(self)
        self.side_tabs.addTab(self.sources, "Sources")
        self.side_tabs.addTab(self.details, "Details")
        self.side_tabs.addTab(self.inspector, "Inspector")
        self.side_tabs.setMinimumWidth(320)
        self.lazy_views = LazyViews(self.modes, self.side_tabs, self.services, self)
        self.modes.currentChanged.connect(self.lazy_views.on_mode_changed)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(sidebar)
        splitter.addWidget(center)
        splitter.addWidget(self.side_tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([260, 560, 440])
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Add folder…", self._on_add_folder_dialog, QKeySequence.StandardKey.Open)
        self._action(file_menu, "&New chat", self.chat.new_chat, QKeySequence.StandardKey.New)
        self._action(file_menu, "S&hared indexes…", self._on_shared_indexes)
        self._action(file_menu, "Se&ttings…", self._on_settings, QKeySequence.StandardKey.Preferences)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu("&View")
        for i, name in enumerate(("&Chat", "&Search", "&Dashboard", "&Evaluate")):
            show = lambda _checked=False, i=i: self.modes.setCurrentIndex(i)  # noqa: E731
            self._action(view_menu, name, show, f"Ctrl+{i + 1}")
        models_menu = self.menuBar().addMenu("&Models")
        self._action(models_menu, "&Models…", self._on_models)
        self._action(models_menu, "&Check Ollama again", self.services.check_ollama)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Kenning", self._on_about)

    def _action(self, menu, text: str, slot, shortcut=None) -> None:  # type: ignore[no-untyped-def]
        action = menu.addAction(text)  # owned by the menu
        action.setShortcut(QKeySequence(shortcut or ""))
        action.triggered.connect(slot)

    def _connect(self) -> None:
        s, ix, chat = self.services, self.indexing, self.chat
        s.workspace_ready.connect(self._on_workspace_ready)
        s.workspace_failed.connect(self._on_workspace_failed)
        s.index_damaged.connect(self._on_index_damaged)
        s.model_failed.connect(self._on_model_failed)
        self.reindex.progress.connect(self._status.show_rebuild)
        self.reindex.failed.connect(self._on_problem)
        self.reindex.swapped.connect(self._on_rebuilt)
        self._status.cancel_rebuild.connect(self.reindex.cancel)
        s.ollama_changed.connect(self._on_ollama)
        self.service.state_changed.connect(self._status.show_service)
        self._status.how_to_start.connect(self._on_how_to_start)
        ix.folders_changed.connect(self._on_folders)
        ix.progress.connect(self._on_progress)
        ix.synced.connect(self._on_synced)
        ix.batch_done.connect(self._on_synced)
        ix.watch_status.connect(self._status.show_watch)
        ix.sync_paused.connect(self._status.show_sync_paused)
        ix.memory.connect(self._status.show_memory)
        self._status.retry_sync.connect(ix.retry_sync)
        ix.failed.connect(self._on_problem)
        self.folders.add_requested.connect(ix.add_folder)
        self.folders.pause_toggled.connect(ix.set_paused)
        self.folders.remove_requested.connect(ix.remove_folder)
        self.folders.problems_requested.connect(self._on_show_problems)
        connect_health_and_scope(self)
        self.welcome.add_requested.connect(self._on_add_folder_dialog)
        self.welcome.samples_requested.connect(
            lambda: ix.add_folder(str(paths.resources_dir() / "sample-docs"))
        )
        self.banner.retry.connect(s.check_ollama)
        self.banner.models_requested.connect(self._on_models)
        self.chat_panel.ask.connect(chat.ask)
        self.chat_panel.question.textChanged.connect(s.warm_up_model)  # the model loads as one types
        self.chat_panel.stop.connect(chat.stop)
        self.chat_panel.citation_clicked.connect(self._on_citation)
        self.chat_panel.rated.connect(chat.rate)
        self.test_sets = TestSetAdder(s, self.chat_panel, self)
        chat.question_asked.connect(self._on_question)
        chat.sources_found.connect(self._on_sources_found)
        chat.token.connect(self.chat_panel.append_token)
        chat.answered.connect(self._on_answered)
        chat.failed.connect(self._on_problem)
        chat.busy_changed.connect(self._on_busy)
        chat.conversation_opened.connect(self._on_conversation_opened)
        chat.conversations_changed.connect(
            lambda items: self.conversations.show_conversations(items, chat.conversation_id)
        )
        self.conversations.opened.connect(chat.open_conversation)
        self.conversations.new_requested.connect(chat.new_chat)
        self.conversations.delete_requested.connect(chat.delete_conversation)

    # ---- workspace and folders ------------------------------------------------------------
    def _on_workspace_ready(self) -> None:
        self.chat_panel.set_ready(True)
        self.indexing.start()
        self.chat.refresh_list()
        self._status.show_work("Index open")

    def _on_workspace_failed(self, message: UserMessage) -> None:
        self.chat_panel.set_ready(False, "The index could not be opened.")
        self.chat_panel.show_problem(message)
        self._status.show_work(f"⚠ {message.message}")

    def _on_model_failed(self, message: UserMessage) -> None:
        self.chat_panel.set_ready(False, "The embedding model could not be loaded.")
        self.chat_panel.show_problem(message)
        self._status.show_work(f"⚠ {message.message}")

    def _on_index_damaged(self, message: UserMessage) -> None:
        from kenning.ui.damaged_index_prompt import ask_to_rebuild

        ask_to_rebuild(self, message, self._on_rebuild_chosen)

    def _on_rebuild_chosen(self) -> None:
        self.chat_panel.show_conversation(self.chat.answers)
        self._status.show_work("Rebuilding the index from your files…")
        self.services.rebuild_index()

    def apply_index_settings(self, settings: Settings) -> None:
        """Settings that shape the index changed: rebuild beside the live index, or just restart."""
        before = self.services.settings

        if (before.chunking, before.embedding.model_id) != (settings.chunking, settings.embedding.model_id):
            self.reindex.offer(self, settings)
        elif (before.index, before.embedding) != (settings.index, settings.embedding):
            # How the model runs (engine, device, threads) leaves the vectors as they are: no rebuild.
            self._on_rebuilt(settings)

    def _on_rebuilt(self, settings: Settings) -> None:
        self._status.show_work("Switching to the new index…")
        self.indexing.stop_then(lambda: self.services.replace_workspace(settings))

    def _on_folders(self, views: list[FolderView]) -> None:
        self.folders.show_folders(views)
        self.chat_stack.setCurrentWidget(self.chat_panel if views else self.welcome)
        self._status.show_folders(views)

    def _on_progress(self, progress: IndexProgress | None) -> None:
        self.folders.set_progress(progress)
        self._status.show_progress(progress)

    def _on_synced(self, report: SyncReport | BatchDone) -> None:
        if report.indexed or report.removed or report.renamed or report.errors:
            self._status.showMessage(report_summary(report), 8000)

    def _on_add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to Kenning")
        if folder:
            self.indexing.add_folder(folder)

    def _on_show_problems(self, path: str) -> None:
        from kenning.ui.problems_dialog import ProblemsDialog

        view = next((v for v in self.indexing.views if v.folder.path == path), None)
        if view is None or view.stats is None:
            return
        dialog = ProblemsDialog(path, view.stats.problems, self)
        dialog.retry_requested.connect(lambda files: self.indexing.retry(files, path))
        dialog.health_requested.connect(lambda: open_health_view(self))
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_folders(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for folder in dropped_folders(event):
            self.indexing.add_folder(folder)
        event.acceptProposedAction()

    # ---- chat --------------------------------------------------------------------------------
    def _on_question(self, question: str) -> None:
        self.modes.setCurrentWidget(self.chat_stack)
        self.chat_panel.begin_answer(question)
        self.details.clear()

    def _on_sources_found(self, hits: tuple[Hit, ...]) -> None:
        self._retrieved = hits
        self.chat_panel.set_sources(hits)
        self.inspector.show_retrieval(hits)

    def _on_answered(self, answer: Answer) -> None:
        self.chat_panel.finish_answer(answer)
        self._show_turn(len(self.chat.answers) - 1, answer, self._retrieved)

    def _show_turn(self, turn: int, answer: Answer, retrieved: tuple[Hit, ...] = ()) -> None:
        self._shown_turn = turn
        self.sources.show_sources(answer.sources, answer.standalone_query or answer.question)
        self.details.show_answer(answer)
        self.inspector.show_retrieval(retrieved or tuple(answer.sources), answer)

    def _on_citation(self, turn: int, n: int) -> None:
        answers = self.chat.answers
        if turn >= len(answers):
            return
        if turn != self._shown_turn:
            self._show_turn(turn, answers[turn])
        self.side_tabs.setCurrentWidget(self.sources)
        self.sources.select(n)

    def _on_busy(self, busy: bool) -> None:
        self.chat_panel.set_busy(busy)
        if busy:
            self._status.show_work("Answering…")
        elif not self.indexing.busy:
            self._status.show_work("Ready")

    def _on_conversation_opened(self, answers: list[Answer]) -> None:
        self.chat_panel.show_conversation(answers)
        if answers:
            self._show_turn(len(answers) - 1, answers[-1])
        else:
            self.sources.show_sources([], "")
            self.details.clear()
            self._shown_turn = None

    def _on_problem(self, message: UserMessage) -> None:
        self.chat_panel.show_problem(message)
        self._status.showMessage(f"⚠ {message.message}", 10000)

    # ---- Ollama and dialogs --------------------------------------------------------------------
    def _on_ollama(self, state: OllamaState) -> None:
        self.banner.show_state(state)
        self._status.show_ollama(state)

    def _on_how_to_start(self) -> None:
        from kenning.ui.banners import open_how_to_start

        open_how_to_start(self, self.services.settings.ollama.host)

    @property
    def dashboard(self) -> DashboardView | None:
        return self.lazy_views.dashboard

    @property
    def evaluate(self) -> EvaluateView | None:
        return self.lazy_views.evaluate

    def show_settings_issues(self, messages: list[str]) -> None:
        """Values of the settings file that were not used (each took its default), until fixed."""
        if messages:
            self.settings_notice.show_text(settings_issues_text(messages))

    def _on_models(self) -> None:
        from kenning.ui.dialog_launcher import open_models_dialog

        open_models_dialog(self, self.services, self.apply_index_settings)

    def _on_settings(self) -> None:
        from kenning.ui.dialog_launcher import open_settings_dialog

        open_settings_dialog(self, self.services, self.apply_index_settings, self.service)

    def _on_shared_indexes(self) -> None:
        from kenning.ui.dialog_launcher import open_shared_indexes_dialog

        open_shared_indexes_dialog(self, self.services)

    def _on_about(self) -> None:
        from kenning.ui.dialog_launcher import open_about_dialog

        open_about_dialog(self, self.services)

    # ---- window state --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self)
        self.hide()
        self.service.shutdown()  # the service for other tools ends with the app
        self.indexing.stop()
        self.chat.stop()
        self.reindex.cancel()
        self.services.close()  # every worker is cancelled before any is waited for
        rebuild_stopped = self.reindex.shutdown(_STOP_WAIT_MS)
        self.stopped_cleanly = self.services.shutdown(_STOP_WAIT_MS) and rebuild_stopped
        event.accept()

"""Opens the index health view for the main window and carries out what it asks: Retry through the
indexing controller (the writer thread), Exclude through the settings, Ask through the scope bar."""

from __future__ import annotations

from typing import Any

from kenning.core.settings import Settings
from kenning.ui.exclude_files import exclude_files
from kenning.ui.health_view import HealthView
from kenning.ui.summary_pass import BackgroundSummaries

# The main window is passed in (as Any: importing its module here would make a cycle).
MainWindow = Any


def connect_health_and_scope(window: MainWindow) -> None:
    """One scope for questions and searches, set from source cards; the health view from Search."""
    bar = window.chat_panel.scope_bar
    bar.changed.connect(window.chat.set_scope)
    bar.changed.connect(window.search_view.set_scope)
    window.sources.cards.scope_requested.connect(lambda path: bar.only_documents([path]))
    window.search_view.results.scope_requested.connect(lambda path: bar.only_documents([path]))
    window.sources.cards.summary_requested.connect(window.chat.summarise)
    window.search_view.results.summary_requested.connect(window.chat.summarise)
    window.chat.summary_progress.connect(window.chat_panel.show_progress)
    window.search_view.health_requested.connect(lambda: open_health_view(window))
    summaries = BackgroundSummaries(window.services, window)
    window.indexing.synced.connect(summaries.on_synced)
    window.indexing.batch_done.connect(summaries.on_synced)
    window.background_summaries = summaries


def open_health_view(window: MainWindow) -> HealthView:
    """Show the health view (one per window: a second request raises the open one)."""
    existing: HealthView | None = window.findChild(HealthView)
    if existing is not None and existing.isVisible():
        existing.raise_()
        existing.refresh()
        return existing
    view = HealthView(window.services, window)
    view.retry_requested.connect(lambda paths: _retry(window, view, paths))
    view.exclude_requested.connect(lambda paths: _exclude(window, view, paths))
    view.ask_requested.connect(lambda paths: _ask_only(window, view, paths))
    view.show()
    view.refresh()
    return view


def _retry(window: MainWindow, view: HealthView, paths: list[str]) -> None:
    window.indexing.retry(paths, "")
    view.summary.setText(f"{len(paths)} file(s) will be read again now.")


def _exclude(window: MainWindow, view: HealthView, paths: list[str]) -> None:
    def saved(settings: Settings) -> None:
        from kenning.ui.dialog_launcher import apply_settings  # brings the Ollama client: not at start

        # The index restarts with the new rules; its sync removes the excluded files.
        apply_settings(window.services, window.apply_index_settings, settings)
        view.summary.setText(f"Excluded {len(paths)} file(s): Settings › Index › ignore holds the rules.")
        window.indexing.synced.connect(lambda _report: view.refresh())

    exclude_files(window.services, paths, saved, lambda exc: view.summary.setText(f"⚠ {exc}"))


def _ask_only(window: MainWindow, view: HealthView, paths: list[str]) -> None:
    window.chat_panel.scope_bar.only_documents(paths)
    window.modes.setCurrentWidget(window.chat_stack)
    window.chat_panel.question.setFocus()

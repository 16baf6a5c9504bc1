"""File ▸ Shared indexes…: the indexes a search covers (the own one and those attached), with
their role, freshness, size and the object store's latency; share this index, open a shared one.

Every figure and every action touches the index or the network, so each runs on the readers'
pool (publishing on the single index writer): the dialog only renders what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kenning.core.errors import KenningError
from kenning.core.index.shared_info import SharedIndexInfo
from kenning.ui.alive import while_alive
from kenning.ui.tasks import TaskRunner

COLUMNS = ("Index", "Role", "Location", "Published", "Chunks", "Size", "Latency")

# The work the dialog asks for, given by the composition root (core calls, run on workers).
ListIndexes = Callable[[], Sequence[SharedIndexInfo]]
Publish = Callable[[str], str]  # target URI -> a sentence saying what was published
Attach = Callable[[str], str]  # URI -> a sentence


class SharedIndexesDialog(QDialog):
    """Signals:
    attached_changed(): an index was attached; searches must include it from now on.
    """

    attached_changed = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        writer: TaskRunner,
        *,
        list_indexes: ListIndexes,
        publish: Publish,
        attach: Attach,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Shared indexes — Kenning")
        self.resize(900, 360)
        self._runner, self._writer = runner, writer
        self._list, self._publish, self._attach = list_indexes, publish, attach
        intro = QLabel(
            "Searches and answers cover your own index and every shared index attached here. "
            "Shared indexes are read-only: their publisher updates them.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel("Reading the indexes…", self)
        self.status.setWordWrap(True)
        self.share_button = QPushButton("Share this index…", self)
        self.open_button = QPushButton("Open a shared index…", self)
        self.share_button.clicked.connect(self._on_share)
        self.open_button.clicked.connect(self._on_open)
        row = QHBoxLayout()
        row.addWidget(self.share_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self, *, keep_message: bool = False) -> None:
        """Read the indexes again; `keep_message`: the status line keeps what the last action said
        (a publish or attach result must not flash by), unless an index has a problem."""

        def listed(rows: Sequence[SharedIndexInfo]) -> None:
            self._on_listed(rows, keep_message=keep_message)

        self._runner.submit(
            "list shared indexes",
            lambda _cancel: list(self._list()),
            on_done=while_alive(self, listed),
            on_error=while_alive(self, self._on_failed),
        )

    def _on_listed(self, rows: Sequence[SharedIndexInfo], *, keep_message: bool = False) -> None:
        self.table.setRowCount(len(rows))
        for n, info in enumerate(rows):
            for column, text in enumerate(_cells(info)):
                item = QTableWidgetItem(text)
                item.setToolTip(info.problem or text)
                self.table.setItem(n, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        problems = [f"{r.name}: {r.problem}" for r in rows if r.problem]
        if problems or not keep_message:
            self.status.setText(" ".join(problems) or f"{len(rows)} index(es) searched.")

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        text = (
            exc.message + (f" {exc.next_step}" if exc.next_step else "")
            if isinstance(exc, KenningError)
            else ""
        )
        self.status.setText(text or f"That did not work ({type(exc).__name__}); details are in the log.")

    def _on_share(self) -> None:
        uri, ok = QInputDialog.getText(
            self, "Share this index", "Publish a snapshot to a folder, NAS path or s3://bucket/prefix:"
        )
        if ok and uri.strip():
            self._start("Publishing…", self._writer, lambda: self._publish(uri.strip()))

    def _on_open(self) -> None:
        uri, ok = QInputDialog.getText(self, "Open a shared index", "Folder or s3://bucket/prefix to attach:")
        if ok and uri.strip():
            self._start("Attaching…", self._runner, lambda: self._attach(uri.strip()), attached=True)

    def _start(
        self, text: str, runner: TaskRunner, work: Callable[[], str], *, attached: bool = False
    ) -> None:
        self._set_busy(True)
        self.status.setText(text)

        def done(message: Any) -> None:
            self._set_busy(False)
            self.status.setText(str(message))
            if attached:
                self.attached_changed.emit()
            self.refresh(keep_message=True)

        runner.submit(
            text,
            lambda _cancel: work(),
            on_done=while_alive(self, done),
            on_error=while_alive(self, self._on_failed),
        )

    def _set_busy(self, busy: bool) -> None:
        self.share_button.setEnabled(not busy)
        self.open_button.setEnabled(not busy)


def _cells(info: SharedIndexInfo) -> tuple[str, ...]:
    if info.problem:
        return (info.name, info.role, info.uri, "—", "—", "—", "unreachable")
    size = f"{info.size_bytes / 1e6:.1f} MB" if info.size_bytes >= 1e6 else f"{info.size_bytes / 1e3:.0f} kB"
    latency = "—" if info.latency_ms is None else f"{info.latency_ms:.0f} ms"
    published = info.published_at.replace("T", " ").replace("+00:00", " UTC") or "(your own)"
    return (info.name, info.role, info.uri, published, f"{info.chunks:,}", size, latency)

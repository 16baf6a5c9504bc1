"""Past conversations, newest first; choosing one reopens it."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kenning.core.answer.conversation_store import ConversationSummary


class ConversationList(QWidget):
    """Signals:
    opened(int): a conversation was chosen.  new_requested(): New chat.  delete_requested(int).
    """

    opened = Signal(int)
    new_requested = Signal()
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<b>Conversations</b>", self)
        new = QPushButton("New chat", self)
        new.setToolTip("Start a new conversation (Ctrl+N)")
        new.clicked.connect(self.new_requested.emit)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Conversations")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._on_item)
        self.list.itemClicked.connect(self._on_item)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_menu)
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(new)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)

    def show_conversations(self, items: Sequence[ConversationSummary], current: int | None = None) -> None:
        self.list.clear()
        for summary in items:
            when = time.strftime("%d %b %H:%M", time.localtime(summary.updated_at))
            item = QListWidgetItem(f"{summary.title}\n{when} · {summary.turns} question(s)")
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(summary.title)
            self.list.addItem(item)
            if summary.id == current:
                item.setSelected(True)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.opened.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_menu(self, point) -> None:  # type: ignore[no-untyped-def]
        item = self.list.itemAt(point)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(
            "Delete conversation",
            lambda: self.delete_requested.emit(int(item.data(Qt.ItemDataRole.UserRole))),
        )
        menu.exec(self.list.mapToGlobal(point))

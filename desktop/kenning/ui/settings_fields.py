"""One editor per settings field, chosen by the field's type; labels and tooltips from the schema."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

# Names whose plain spelling would read badly; everything else is derived from the field name.
LABELS = {
    "num_gpu": "GPU",
    "num_ctx": "Context size (tokens)",
    "k": "Passages (k)",
    "rrf_k": "Fusion constant (RRF k)",
    "usd_per_kwh": "Electricity price (USD per kWh)",
    "cpu_watts": "CPU power (W)",
    "gpu_watts": "GPU power (W)",
    "max_file_mb": "Largest file (MB)",
    "follow_symlinks": "Follow symbolic links",
    "log_questions": "Log questions and answers",
    "target_tokens": "Chunk size (tokens)",
    "answer_tokens": "Room for the answer (tokens)",
    "first_token_timeout_s": "First-token timeout (s)",
    "batch_size": "Batch size (chunks)",
    "mcp": "Also serve MCP over HTTP",
    "worker": "Indexing runs in",
}
_SUFFIXES = {"_s": " (s)", "_mb": " (MB)", "_tokens": " (tokens)"}


def field_label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    unit = ""
    for suffix, text in _SUFFIXES.items():
        if name.endswith(suffix):
            name, unit = name.removesuffix(suffix), text
            if suffix == "_tokens":
                name = name or "tokens"
            break
    return name.replace("_", " ").capitalize() + unit


class FieldEditor:
    """A widget for one value with `value()` and `set_value()`; built by `editor_for`."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class _Int(FieldEditor):
    def __init__(self) -> None:
        self.spin = QSpinBox()
        self.spin.setRange(-1, 10_000_000)
        self.spin.setGroupSeparatorShown(True)
        super().__init__(self.spin)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))


class _TrimmedSpinBox(QDoubleSpinBox):
    """Shows 25 and 0.3, not 25.000 and 0.300."""

    def textFromValue(self, value: float) -> str:
        text = self.locale().toString(value, "f", self.decimals())
        point = self.locale().decimalPoint()
        return text.rstrip("0").rstrip(point) if point in text else text


class _Float(FieldEditor):
    def __init__(self) -> None:
        self.spin = _TrimmedSpinBox()
        self.spin.setRange(-1.0, 1_000_000.0)
        self.spin.setDecimals(3)
        super().__init__(self.spin)

    def value(self) -> float:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        self.spin.setValue(float(value))


class _Bool(FieldEditor):
    def __init__(self, text: str) -> None:
        self.box = QCheckBox(text)
        super().__init__(self.box)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class _Text(FieldEditor):
    """A line of text; `as_int_when_digits` for `str | int` fields such as num_gpu ("auto" or 0)."""

    def __init__(self, *, as_int_when_digits: bool = False) -> None:
        self.line = QLineEdit()
        self._int = as_int_when_digits
        super().__init__(self.line)

    def value(self) -> str | int:
        text = self.line.text().strip()
        return int(text) if self._int and text.isdigit() else text

    def set_value(self, value: Any) -> None:
        self.line.setText(str(value))


class ChoiceEditor(FieldEditor):
    """A list of known values that also takes a typed one."""

    def __init__(self, choices: Sequence[str]) -> None:
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.addItems(list(choices))
        super().__init__(self.combo)

    def set_choices(self, choices: Sequence[str], placeholder: str = "") -> None:
        current = self.combo.currentText()
        self.combo.clear()
        self.combo.addItems(list(choices))
        self.combo.setCurrentText(current)
        line = self.combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(placeholder)

    def value(self) -> str:
        return self.combo.currentText().strip()

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentText(str(value))


class _Lines(FieldEditor):
    """A list of strings, one per line."""

    def __init__(self) -> None:
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 7)
        super().__init__(self.text)

    def value(self) -> list[str]:
        return [line.strip() for line in self.text.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: Any) -> None:
        self.text.setPlainText("\n".join(value))


class _Folder(_Text):
    """Text with a Browse… button that picks a folder (e.g. an embedding model folder)."""

    def __init__(self) -> None:
        super().__init__()
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(browse)
        self.widget = box

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.widget, "Choose a folder", self.line.text())
        if folder:
            self.line.setText(folder)


def editor_for(
    owner: type[Any], f: dataclasses.Field[Any], choices: Sequence[str] | None = None
) -> FieldEditor:
    """The editor for field `f` of the settings section `owner`, with its help as the tooltip."""
    hint = typing.get_type_hints(owner)[f.name]
    editor: FieldEditor
    if choices is not None:
        editor = ChoiceEditor(choices)
    elif f.name == "model" and owner.__name__ == "EmbeddingSettings":
        editor = _Folder()
    elif hint is bool:
        editor = _Bool(field_label(f.name))
    elif hint is int:
        editor = _Int()
    elif hint is float:
        editor = _Float()
    elif typing.get_origin(hint) is list:
        editor = _Lines()
    elif isinstance(hint, types.UnionType) and int in hint.__args__:
        editor = _Text(as_int_when_digits=True)
    else:
        editor = _Text()
    help_text = f.metadata.get("help", "")
    editor.widget.setToolTip(help_text)
    editor.widget.setWhatsThis(help_text)
    editor.widget.setAccessibleDescription(help_text)
    return editor

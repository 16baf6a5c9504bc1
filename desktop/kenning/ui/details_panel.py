"""What one answer took: time per stage, tokens, model, energy and money, and citation problems."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from kenning.core.domain.answers import Answer, AnswerStatus
from kenning.core.transport import host_label, is_local_host
from kenning.ui.charts import HorizontalBarChart
from kenning.ui.formatting import format_count, format_ms, format_usd

# Trace stage keys and their names on screen, in pipeline order; "total" is shown as text.
STAGE_NAMES = {
    "embed": "Embed question",
    "retrieve": "Retrieve",
    "prompt": "Build prompt",
    "load": "Load model",
    "prompt_eval": "Read prompt",
    "first_token": "First token",
    "generate": "Generate",
    "validate": "Check citations",
}

STATUS_NAMES = {
    AnswerStatus.ANSWERED: "Answered from your documents",
    AnswerStatus.NOT_FOUND: "Not found in your documents",
    AnswerStatus.EXTRACTIVE: "Best passages (no model used)",
    AnswerStatus.ERROR: "Failed",
}


def citation_problems(answer: Answer) -> list[str]:
    """One line per citation that points nowhere or that its source does not support."""
    lines = [f"[{n}] cites a source that does not exist (removed)" for n in answer.invalid_citations]
    for c in answer.citations:
        if not c.supported:
            where = c.path.rsplit("/", 1)[-1] + (f", page {c.page}" if c.page else "")
            claim = f': "{_shorten(c.sentence)}"' if c.sentence else ""
            lines.append(f"[{c.n}] not supported by {where}{claim}")
    return lines


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class AnswerDetailsPanel(QWidget):
    """Shows the trace of one answer; `show_answer` replaces it, `clear` empties the panel.

    Signals: none (it only renders).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Answer details")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self._empty = QLabel("Ask a question to see how the answer was made and what it cost.")
        self._empty.setWordWrap(True)
        self._empty.setProperty("role", "muted")
        layout.addWidget(self._empty)

        self._body = QWidget()
        body = QVBoxLayout(self._body)
        body.setContentsMargins(0, 0, 0, 0)
        self._warning = QLabel()
        self._warning.setWordWrap(True)
        self._warning.setProperty("role", "warning")
        self._warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self._warning)
        heading = QLabel("Time per stage")
        heading.setProperty("role", "title")
        body.addWidget(heading)
        self.chart = HorizontalBarChart()
        self.chart.setAccessibleName("Time per stage")
        body.addWidget(self.chart)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._values: dict[str, QLabel] = {}
        for key, label in (
            ("status", "Status"),
            ("total", "Total time"),
            ("model", "Model"),
            ("where", "Where"),
            ("tokens", "Tokens in / out"),
            ("speed", "Speed"),
            ("energy", "Energy"),
            ("local", "Local cost"),
            ("cloud", "Cloud equivalent"),
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = QLabel(label)
            name.setProperty("role", "muted")
            name.setBuddy(value)
            form.addRow(name, value)
            self._values[key] = value
        body.addLayout(form)
        body.addStretch(1)
        layout.addWidget(self._body)
        self.clear()

    def value_text(self, key: str) -> str:
        """The text shown for one field (status, total, model, tokens, speed, energy, local, cloud)."""
        return self._values[key].text()

    def warning_text(self) -> str:
        return self._warning.text() if not self._warning.isHidden() else ""

    def clear(self) -> None:
        self._body.hide()
        self._empty.show()
        self.chart.set_bars([])
        for label in self._values.values():
            label.clear()
        self._warning.clear()
        self._warning.hide()

    def show_answer(self, answer: Answer) -> None:
        trace = answer.trace
        timings = trace.timings_ms
        self.chart.set_bars([(name, timings[key]) for key, name in STAGE_NAMES.items() if key in timings])
        status = STATUS_NAMES.get(answer.status, str(answer.status))
        if answer.incomplete:
            status += " (incomplete: the answer stopped early)"
        if answer.error:
            status += f". {answer.error}"
        self._set("status", status)
        self._set("total", format_ms(timings["total"]) if "total" in timings else "—")
        model = trace.model or answer.model
        digest = trace.model_digest.removeprefix("sha256:")[:12]
        self._set("model", f"{model} ({digest})" if model and digest else model or "none")
        self._set("where", computed_where(trace.host))
        self._set(
            "tokens",
            f"{format_count(trace.prompt_tokens)} in / {format_count(trace.completion_tokens)} out",
        )
        self._set("speed", f"{trace.tokens_per_s:.1f} tokens/s" if trace.tokens_per_s else "—")
        cost = trace.cost
        where = host_label(trace.host) if cost.device == "remote" else f"the {cost.device.upper()}"
        device = f" on {where} at {cost.watts:g} W" if cost.watts else ""
        self._set("energy", f"{cost.energy_wh:.4g} Wh{device}")
        self._set("local", format_usd(cost.local_usd))
        if cost.reference_model:
            self._set("cloud", f"{format_usd(cost.cloud_equivalent_usd)} at {cost.reference_model} prices")
        else:
            self._set("cloud", "no reference model chosen (Settings → Answer)")
        problems = citation_problems(answer)
        if problems:
            self._warning.setText("Check these citations:\n" + "\n".join(f"• {p}" for p in problems))
            self._warning.show()
        else:
            self._warning.hide()
        self._empty.hide()
        self._body.show()

    def _set(self, key: str, text: str) -> None:
        self._values[key].setText(text)


def computed_where(host: str) -> str:
    """Where the model ran: the user pays for energy here, and the passages travelled there."""
    if not host:
        return "no model ran"
    if is_local_host(host):
        return "Computed on this computer"
    return f"Computed on {host_label(host)} (remote)"

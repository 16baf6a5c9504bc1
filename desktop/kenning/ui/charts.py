"""Two small charts drawn with QPainter: light, themable, and no QtCharts in the installer.

Both take plain numbers and render them; they hold no data logic. Colours come from the palette
and `theme`, so they follow light and dark. Each chart keeps an accessible description listing
its values, so a screen reader gets what the picture shows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kenning.ui import theme
from kenning.ui.formatting import format_count, format_value

_PAD = 6


class HorizontalBarChart(QWidget):
    """Labels on the left, one bar per label, the value as text right of its bar.

    An optional second value per bar (`behind`, e.g. p95 behind p50) is drawn as a lighter,
    longer bar under the main one, and named in the value text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[tuple[str, float]] = []
        self._behind: list[float] | None = None
        self._behind_name = ""
        self._unit = "ms"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(
        self,
        bars: Sequence[tuple[str, float]],
        unit: str = "ms",
        *,
        behind: Sequence[float] | None = None,
        behind_name: str = "",
    ) -> None:
        if behind is not None and len(behind) != len(bars):
            raise ValueError("behind needs one value per bar")
        self._bars = [(label, max(0.0, float(value))) for label, value in bars]
        self._behind = [max(0.0, float(v)) for v in behind] if behind is not None else None
        self._behind_name = behind_name
        self._unit = unit
        self.setAccessibleDescription("; ".join(self.value_texts()))
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, float]]:
        return list(self._bars)

    def value_texts(self) -> list[str]:
        """'label: value' per bar, as drawn (also the accessible description)."""
        return [f"{label}: {self._value_text(i)}" for i, (label, _) in enumerate(self._bars)]

    def _value_text(self, i: int) -> str:
        text = format_value(self._bars[i][1], self._unit)
        if self._behind is not None:
            text += f" · {self._behind_name} {format_value(self._behind[i], self._unit)}".rstrip()
        return text

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:
        rows = max(1, len(self._bars))
        return QSize(420, rows * self._row_height() + 2 * _PAD)

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        label_w = max((fm.horizontalAdvance(label) for label, _ in self._bars), default=40)
        value_w = max((fm.horizontalAdvance(self._value_text(i)) for i in range(len(self._bars))), default=40)
        return QSize(label_w + value_w + 80, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        if not self._bars:
            painter.setPen(theme.muted_text())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No timings")
            return
        label_w = max(fm.horizontalAdvance(label) for label, _ in self._bars) + 12
        value_w = max(fm.horizontalAdvance(self._value_text(i)) for i in range(len(self._bars))) + 10
        bar_space = max(10, self.width() - label_w - value_w - 2 * _PAD)
        top_value = max([v for _, v in self._bars] + (self._behind or []) + [1e-12])
        row_h = self._row_height()
        bar_colour = theme.accent()
        behind_colour = QColor(bar_colour)
        behind_colour.setAlpha(70)
        for i, (label, value) in enumerate(self._bars):
            y = _PAD + i * row_h
            painter.setPen(text_colour)
            label_rect = QRectF(_PAD, y, label_w - 12, row_h)
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, label)
            x0 = _PAD + label_w
            bar_h = row_h - 10
            if self._behind is not None:
                w = bar_space * self._behind[i] / top_value
                painter.fillRect(QRectF(x0, y + 5, w, bar_h), behind_colour)
            w = bar_space * value / top_value
            painter.fillRect(QRectF(x0, y + 5, max(w, 1.0), bar_h), bar_colour)
            end = x0 + bar_space * max(value, (self._behind or [0.0] * len(self._bars))[i]) / top_value
            painter.setPen(text_colour)
            value_rect = QRectF(end + 6, y, value_w + 10, row_h)
            painter.drawText(
                value_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self._value_text(i)
            )


def _ticks(top: float) -> list[float]:
    """Round axis ticks from 0 to at or above `top`: steps of 1, 2, 2.5 or 5 x 10^n, at most 5 steps."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if raw <= m * power)
    steps = max(1, math.ceil(top / step - 1e-9))
    return [step * i for i in range(steps + 1)]


def _axis_text(value: float, unit: str) -> str:
    """Tick labels carry the unit only where it is part of the number ($, ms/s)."""
    if unit in ("ms", "$", "usd", "USD"):
        return format_value(value, unit)
    return format_count(value) if value >= 10 or value == int(value) else f"{value:.2g}"


class TimeSeriesChart(QWidget):
    """One value per day (or any x label) for one or more named series, as grouped bars or lines.

    A legend names the series; the y axis has round ticks in the chart's unit. With no data the
    chart says `empty_text` instead of drawing axes.
    """

    def __init__(
        self, parent: QWidget | None = None, *, style: str = "bars", empty_text: str = "No data yet"
    ) -> None:
        super().__init__(parent)
        if style not in ("bars", "lines"):
            raise ValueError("style is 'bars' or 'lines'")
        self._style = style
        self.empty_text = empty_text
        self._x: list[str] = []
        self._series: dict[str, list[float]] = {}
        self._unit = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, x_labels: Sequence[str], series: Mapping[str, Sequence[float]], unit: str) -> None:
        for name, values in series.items():
            if len(values) != len(x_labels):
                raise ValueError(f"series {name!r} needs one value per x label")
        self._x = list(x_labels)
        self._series = {name: [float(v) for v in values] for name, values in series.items()}
        self._unit = unit
        self.setAccessibleDescription(
            "; ".join(
                f"{name}: "
                + ", ".join(f"{x} {format_value(v, unit)}" for x, v in zip(self._x, vs, strict=True))
                for name, vs in self._series.items()
            )
            or self.empty_text
        )
        self.update()

    def is_empty(self) -> bool:
        return not self._x or not any(any(v for v in vs) for vs in self._series.values())

    def sizeHint(self) -> QSize:
        return QSize(420, 220)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 160)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        if self.is_empty():
            painter.setPen(theme.muted_text())
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text
            )
            return
        colours = theme.series_colours()
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        legend_h = self._draw_legend(painter, colours, text_colour)
        ticks = _ticks(max(max(vs) for vs in self._series.values()))
        ceiling = ticks[-1]
        axis_w = max(fm.horizontalAdvance(_axis_text(t, self._unit)) for t in ticks) + 8
        plot = QRectF(_PAD + axis_w, _PAD + legend_h + fm.height() / 2, 0, 0)
        plot.setRight(self.width() - _PAD - 4)
        plot.setBottom(self.height() - _PAD - fm.height() - 4)
        if plot.width() < 20 or plot.height() < 20:
            return
        grid = QPen(theme.border())
        for t in ticks:
            y = plot.bottom() - plot.height() * t / ceiling
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(theme.muted_text())
            label_rect = QRectF(_PAD, y - fm.height() / 2, axis_w - 6, fm.height())
            painter.drawText(
                label_rect,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _axis_text(t, self._unit),
            )
        slot = plot.width() / len(self._x)
        self._draw_x_labels(painter, plot, slot)
        if self._style == "bars":
            self._draw_bars(painter, plot, slot, ceiling, colours)
        else:
            self._draw_lines(painter, plot, slot, ceiling, colours)

    def _draw_legend(self, painter: QPainter, colours: list[QColor], text_colour: QColor) -> int:
        fm = self.fontMetrics()
        x = float(_PAD)
        for i, name in enumerate(self._series):
            painter.fillRect(QRectF(x, _PAD + fm.height() / 2 - 5, 10, 10), colours[i % len(colours)])
            painter.setPen(text_colour)
            painter.drawText(QPointF(x + 14, _PAD + fm.ascent()), name)
            x += 14 + fm.horizontalAdvance(name) + 16
        if self._unit and self._unit not in ("ms", "$", "usd", "USD"):
            painter.setPen(theme.muted_text())
            unit_rect = QRectF(x, _PAD, max(0.0, self.width() - x - _PAD), fm.height())
            painter.drawText(
                unit_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self._unit
            )
        return fm.height() + 6

    def _draw_x_labels(self, painter: QPainter, plot: QRectF, slot: float) -> None:
        fm = self.fontMetrics()
        widest = max(fm.horizontalAdvance(x) for x in self._x) + 8
        every = max(1, math.ceil(widest / max(slot, 1)))
        painter.setPen(theme.muted_text())
        last = len(self._x) - 1
        for i, label in enumerate(self._x):
            if (last - i) % every:  # keep the newest label; skip others so none overlap
                continue
            centre = plot.left() + slot * (i + 0.5)
            left = min(max(centre - widest / 2, 0.0), self.width() - widest)
            rect = QRectF(left, plot.bottom() + 4, widest, fm.height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def _draw_bars(
        self, painter: QPainter, plot: QRectF, slot: float, ceiling: float, colours: list[QColor]
    ) -> None:
        count = len(self._series)
        group_w = slot * 0.8
        bar_w = group_w / count
        for s, values in enumerate(self._series.values()):
            for i, value in enumerate(values):
                h = plot.height() * value / ceiling
                x = plot.left() + slot * i + (slot - group_w) / 2 + s * bar_w
                painter.fillRect(
                    QRectF(x, plot.bottom() - h, max(bar_w - 1, 1.0), h), colours[s % len(colours)]
                )

    def _draw_lines(
        self, painter: QPainter, plot: QRectF, slot: float, ceiling: float, colours: list[QColor]
    ) -> None:
        for s, values in enumerate(self._series.values()):
            pen = QPen(colours[s % len(colours)], 2)
            painter.setPen(pen)
            points = [
                QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - plot.height() * v / ceiling)
                for i, v in enumerate(values)
            ]
            for a, b in itertools.pairwise(points):
                painter.drawLine(a, b)
            painter.setBrush(colours[s % len(colours)])
            for p in points:
                painter.drawEllipse(p, 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)

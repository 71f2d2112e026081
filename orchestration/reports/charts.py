"""A small line chart as inline SVG, so the synthesis stays one self-contained file.

Plotly's static export needs kaleido and a Chrome binary, which the hub cannot rely on; a line
chart of a dozen weeks is a few polylines. This module only computes coordinates; the SVG
markup lives in a Jinja template (autoescaped like every other template).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orchestration.reports.document import Chart

WIDTH, HEIGHT = 760, 280
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 16, 56
#: Colour-blind-safe palette (Okabe-Ito), one colour per series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    points: str
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class ChartGeometry:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]


def nice_step(maximum: float, target_ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving at most ``target_ticks`` intervals."""
    if maximum <= 0:
        return 1.0
    raw = maximum / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1.0, factor * magnitude)
    return 10 * magnitude  # pragma: no cover - the loop always returns


def chart_geometry(chart: Chart) -> ChartGeometry:
    """Pixel coordinates of every series; a missing value (None) is skipped, not drawn as 0."""
    values = [v for s in chart.series for v in s.values if v is not None]
    step = nice_step(max(values, default=0))
    top_value = step * max(1, math.ceil(max(values, default=0) / step))
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    count = max(1, len(chart.x_labels) - 1)

    def x(index: int) -> float:
        return round(left + (right - left) * index / count, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    y_ticks = tuple(Tick(y(i * step), f"{i * step:,.0f}".replace(",", "\u202f"))
                    for i in range(int(top_value / step) + 1))
    x_ticks = tuple(Tick(x(i), label) for i, label in enumerate(chart.x_labels))
    lines = []
    for index, series in enumerate(chart.series):
        dots = tuple((x(i), y(v)) for i, v in enumerate(series.values) if v is not None)
        points = " ".join(f"{px},{py}" for px, py in dots)
        lines.append(Line(series.label, PALETTE[index % len(PALETTE)], points, dots))
    return ChartGeometry(WIDTH, HEIGHT, left, right, top, bottom, y_ticks, x_ticks, tuple(lines))

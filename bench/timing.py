"""Timing helpers shared by the benchmarks: a stopwatch and nearest-rank percentiles."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100): with few samples, p95 is an observed value
    (the largest of 20), never an interpolation below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def repeat_ms(function: Callable[[], Any], times: int) -> list[float]:
    """Milliseconds of ``times`` calls."""
    return [timed(function)[0] * 1000 for _ in range(times)]

"""Axes of the inline SVG charts (padrón and soporte statistics): whole, evenly spaced ticks.

A tick is a count of people or incidents, so every tick is a whole number and all steps
are equal: 0, 2, 4, 6, 8, 10 — never 0, 2, 5, 8, 10 (a quarter of 10, rounded).
"""

from __future__ import annotations

import math

STEPS = (1, 2, 5)  # × 10^k


def nice_step(maximum: int, intervals: int = 5) -> int:
    """The smallest whole step of the form 1, 2 or 5 × 10^k that reaches `maximum` in at
    most `intervals` steps."""
    if maximum <= 0:
        return 1
    raw = maximum / intervals
    magnitude = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    while True:
        for multiple in STEPS:
            if multiple * magnitude >= raw:
                return multiple * magnitude
        magnitude *= 10


def axis_ticks(maximum: int, intervals: int = 5) -> list[int]:
    """Ticks from 0 to the first multiple of the step not below `maximum` (the axis end,
    at least one step): `axis_ticks(10) == [0, 2, 4, 6, 8, 10]`."""
    step = nice_step(maximum, intervals)
    end = max(1, math.ceil(maximum / step)) * step
    return list(range(0, end + 1, step))

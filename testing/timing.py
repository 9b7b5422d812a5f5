"""Linear time as a ratio, not a deadline: a wall-clock limit fails on a loaded machine and
passes a quadratic algorithm on a fast one. The CPU time of the whole input is compared
with that of its first quarter: about 4x for linear work, about 16x for quadratic."""

from __future__ import annotations

import time
from collections.abc import Callable

QUARTER_RATIO_LIMIT = 8.0  # halfway between linear (4x) and quadratic (16x), in log scale
FLOOR_SECONDS = 0.02  # below this the quarter's time is noise: the ratio uses the floor


def cpu_seconds(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def quarter_ratio(work: Callable[[str], object], text: str) -> float:
    """CPU time of `work(text)` over that of `work` on text's first quarter (the quarter's
    best of two: its first run also pays for warming caches)."""
    quarter = text[: len(text) // 4]
    small = min(cpu_seconds(lambda: work(quarter)) for _ in range(2))
    whole = cpu_seconds(lambda: work(text))
    return whole / max(small, FLOOR_SECONDS)

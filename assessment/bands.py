"""Points bands: the smallest shared vocabulary of the rule files.

A band list maps a measured value (a percentage, a rate per 1,000 or 100,000) to points.
Bands are kept sorted from the best band to the worst; the first band whose
bound the value reaches wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Band:
    """One row of a points table.

    ``bound`` is inclusive: with ``higher_is_better`` a value ``>= bound`` earns
    ``points``; otherwise a value ``<= bound`` does.
    """

    bound: float
    points: int


def points_for(bands: Sequence[Band], value: float, higher_is_better: bool = True) -> int:
    """Return the points the first reached band gives ``value`` (0 when none is reached).

    ``bands`` must be ordered best first (validated when a rule file is loaded).
    """
    for band in bands:
        reached = value >= band.bound if higher_is_better else value <= band.bound
        if reached:
            return band.points
    return 0

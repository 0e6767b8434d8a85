"""Small-cell suppression: the one rule every published breakdown goes through.

Rule (children's privacy, QUALITY.md): a breakdown cell with fewer than ``threshold``
answers (default 5, **zero included**: "nobody in group 7 is satisfied" is exactly the kind
of fact a small cell discloses) is shown as ``"<5"``. Only a table that counts respondents
rather than answers may show zeros (``zero_is_small=False``): "no one has answered yet" is
about nobody.

Complementary protection: a hidden cell must not be recoverable by subtraction from a shown
total. The table is extended with its margins (row totals, column totals, grand total) and
every *line* (a row or column together with its shown total) must satisfy both

- not exactly one hidden part (one unknown would follow from the total), and
- the hidden parts sum to at least ``threshold`` (so the recoverable sum is not a small cell);

otherwise the smallest shown part of that line is hidden too (or, when none is left, the
line's total). This repeats until every line passes. With margins on one side only (the
default) every line is independent, so no hidden value can be derived from the shown ones.
With both margins shown, the rule blocks recovery along any single row or column, but a
combination of several lines can still narrow a hidden value in rare patterns; a full
linear-programming audit is not done here, so prefer one margin for wide tables.

Anything derived from a hidden number (a share, a rate, an interval) is hidden with it, and a
share is also hidden when its row total is hidden (share and part would give the total back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from assessment.survey.types import GroupId, Hidden, ToDict

SUPPRESSION_THRESHOLD = 5


class SuppressionMask(NamedTuple):
    """What to hide: cells (rows x columns), row totals, column totals and the grand total.

    A total that is not displayed at all counts as hidden.
    """

    cells: np.ndarray
    row_totals: np.ndarray
    column_totals: np.ndarray
    grand_total: bool


def suppression_mask(
    table: ArrayLike,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = False,
    hide_rows: ArrayLike | None = None,
    zero_is_small: bool = True,
) -> SuppressionMask:
    """Decide which cells and totals of a count table to hide (see the module docstring).

    ``row_totals``/``column_totals`` say which margins the page displays; the grand total is
    taken as displayed only when both are. ``hide_rows`` (booleans) hides whole rows up
    front, e.g. groups another table already hides, so two tables cannot be played off
    against each other. ``zero_is_small=False`` is for tables counting *respondents*
    (not answers): "no one from group 7 has answered yet" describes nobody.
    """
    counts = np.asarray(table, dtype=np.int64)
    if counts.ndim != 2:
        raise ValueError("suppression works on a 2-D table of counts")
    if (counts < 0).any():
        raise ValueError("counts cannot be negative")
    rows, cols = counts.shape
    full = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    full[:rows, :cols] = counts
    full[:rows, cols] = counts.sum(axis=1)
    full[rows, :cols] = counts.sum(axis=0)
    full[rows, cols] = counts.sum()
    hidden = (full < threshold) & ((full > 0) | zero_is_small)
    if not row_totals:
        hidden[:, cols] = True
    if not column_totals:
        hidden[rows, :] = True
    if hide_rows is not None:
        hidden[:rows][np.asarray(hide_rows, dtype=bool)] = True
    # Each pass hides at least one more entry or stops, so this ends in <= (R+1)(C+1) passes.
    while _protect_lines(full, hidden, threshold) | _protect_lines(full.T, hidden.T, threshold):
        pass
    return SuppressionMask(
        cells=hidden[:rows, :cols].copy(),
        row_totals=hidden[:rows, cols].copy(),
        column_totals=hidden[rows, :cols].copy(),
        grand_total=bool(hidden[rows, cols]),
    )


def _protect_lines(full: np.ndarray, hidden: np.ndarray, threshold: int) -> bool:
    """One vectorised pass over the rows of ``full`` (its last column holds the totals).

    ``hidden`` is updated in place (a transposed view works for the columns).
    """
    parts, part_hidden = full[:, :-1], hidden[:, :-1]
    n_hidden = part_hidden.sum(axis=1)
    hidden_sum = np.where(part_hidden, parts, 0).sum(axis=1)
    exposed = ~hidden[:, -1] & ((n_hidden == 1) | ((n_hidden > 0) & (hidden_sum < threshold)))
    if not exposed.any():
        return False
    for line in np.flatnonzero(exposed):
        shown = np.flatnonzero(~part_hidden[line])
        if shown.size:
            # The smallest shown part costs the least information to give up.
            hidden[line, shown[np.argmin(parts[line, shown])]] = True
        else:
            hidden[line, -1] = True
    return True


Shown = int | Hidden
ShownRate = float | Hidden | None


@dataclass(frozen=True, slots=True)
class SuppressedTable(ToDict):
    """A published breakdown: counts and row shares (percent) with small cells hidden.

    ``cells[i][j]`` is the count of row ``rows[i]`` and column ``columns[j]`` or a
    :class:`Hidden`; ``shares`` are percent of the row total (None for an empty row).
    """

    rows: tuple[GroupId, ...]
    columns: tuple[int | str, ...]
    cells: tuple[tuple[Shown, ...], ...]
    shares: tuple[tuple[ShownRate, ...], ...]
    row_totals: tuple[Shown, ...]
    column_totals: tuple[Shown, ...] | None
    grand_total: Shown | None
    threshold: int


def suppress_table(
    table: ArrayLike,
    rows: Sequence[GroupId],
    columns: Sequence[int | str],
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    column_totals: bool = False,
    hide_rows: ArrayLike | None = None,
) -> SuppressedTable:
    """Apply :func:`suppression_mask` to a count table and build what may be shown.

    Row totals are always treated as shown, because a shown share and a shown part give the
    row total back. Column totals and the grand total are returned only when displayed.
    """
    counts = np.asarray(table, dtype=np.int64).reshape(len(rows), len(columns))
    mask = suppression_mask(
        counts, threshold=threshold, column_totals=column_totals, hide_rows=hide_rows
    )
    hide = Hidden(threshold)
    sums = counts.sum(axis=1)

    def shown(value: int, is_hidden: bool) -> Shown:
        return hide if is_hidden else int(value)

    def share(i: int, j: int) -> ShownRate:
        if mask.cells[i, j] or mask.row_totals[i]:
            return hide
        return 100.0 * float(counts[i, j]) / float(sums[i]) if sums[i] > 0 else None

    return SuppressedTable(
        rows=tuple(rows),
        columns=tuple(columns),
        cells=tuple(
            tuple(shown(counts[i, j], mask.cells[i, j]) for j in range(len(columns)))
            for i in range(len(rows))
        ),
        shares=tuple(tuple(share(i, j) for j in range(len(columns))) for i in range(len(rows))),
        row_totals=tuple(shown(v, h) for v, h in zip(sums, mask.row_totals, strict=True)),
        column_totals=(
            tuple(shown(v, h) for v, h in zip(counts.sum(axis=0), mask.column_totals, strict=True))
            if column_totals
            else None
        ),
        grand_total=(shown(int(counts.sum()), mask.grand_total) if column_totals else None),
        threshold=threshold,
    )

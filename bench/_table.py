"""One table format for every benchmark: figure, ours, baseline, ratio, budget, result.

Each bench script builds `Row`s and calls `print_table`, so `make bench` output reads alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HEADER = ("figure", "ours", "baseline", "ratio", "budget", "result")


@dataclass(frozen=True, slots=True)
class Row:
    """One measured figure; empty strings are printed as "-" (e.g. no baseline, no budget)."""

    figure: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    budget: str = ""
    result: str = ""

    def cells(self) -> tuple[str, ...]:
        """The row's cells in HEADER order, with "-" for blanks."""
        values = (self.figure, self.ours, self.baseline, self.ratio, self.budget, self.result)
        return tuple(value or "-" for value in values)


def verdict(ok: bool) -> str:
    """PASS or FAIL, the words every table uses."""
    return "PASS" if ok else "FAIL"


def ratio(ours: float, baseline: float, digits: int = 2) -> str:
    """ours / baseline as "0.42x" (or "-" when the baseline is zero)."""
    return f"{ours / baseline:.{digits}f}x" if baseline else "-"


def format_table(rows: Sequence[Row], header: Sequence[str] = HEADER) -> str:
    """The rows as left-aligned columns under a header and a rule."""
    table = [tuple(header), *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def print_table(rows: Sequence[Row], header: Sequence[str] = HEADER) -> None:
    """Print the table (see `format_table`)."""
    print(format_table(rows, header), flush=True)


__all__ = ["HEADER", "Row", "format_table", "print_table", "ratio", "verdict"]

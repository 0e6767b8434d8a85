"""The one escaping point of every CSV and XLSX export (formula / CSV injection, OWASP).

A spreadsheet treats a cell typed as ``=``, ``+``, ``-`` or ``@`` (and, in some programs, one
starting with a tab or carriage return) as a formula: a source note "=HYPERLINK(...)" typed by
anyone with an account would run in the office computer that opens the export. Every text cell
therefore goes through :func:`safe_cell`, which prefixes a single quote; numbers, dates and
booleans are written as typed values and never need it. Use :func:`safe_csv_row` for CSV rows
and :func:`csv_bytes` for a whole file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a text cell as a formula."""

Cell = str | int | float | bool | date | datetime | None


def safe_cell(value: Any) -> Cell:
    """Return ``value`` safe to put in a spreadsheet cell.

    Text starting with one of :data:`FORMULA_PREFIXES` gets a leading single quote, so it shows
    as typed and is never evaluated. Numbers, booleans, dates and None pass unchanged (a real
    negative number stays a number); any other object is written as its ``str``, escaped.
    """
    if value is None or isinstance(value, bool | int | float | date):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_csv_row(values: Iterable[Any]) -> list[Cell]:
    """One CSV row with every text cell escaped by :func:`safe_cell` (None becomes "")."""
    return ["" if v is None else safe_cell(v) for v in values]


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file, every row escaped, in UTF-8 with a BOM so Excel reads Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_csv_row(row))
    return buffer.getvalue().encode("utf-8-sig")

"""Row-level checks shared by the rule-file validator: tables, texts, numbers, provenance.

``RowChecker`` never raises: each helper records an error with its row path and returns a
usable default, so the validator can go on and report every problem of a file at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.bands import Band
from assessment.ruletypes import BandRow, Provenance, RuleError, Text

PROVENANCE_KEYS = ("verified", "source", "note")
_EMPTY_TEXT = Text("", "")


def keys_of(raw: Any) -> tuple[str, ...]:
    """The keys of a table whose keys are free ids (criteria, units, ...)."""
    return tuple(raw) if isinstance(raw, dict) else ()


class RowChecker:
    """Accumulates errors for one file; each helper returns a usable default when a value is bad."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RuleError] = []

    def error(self, path: str, message: str) -> None:
        """Record one problem at the row ``path`` (once: two checks may spot the same gap)."""
        error = RuleError(self.file, path, message)
        if error not in self.errors:
            self.errors.append(error)

    def table(
        self, obj: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict:
        """A table with exactly the known keys: missing required and unknown keys are errors."""
        if not isinstance(obj, dict):
            self.error(path, "must be a table")
            return {}
        for key in required:
            if key not in obj:
                self.error(path, f"missing '{key}'")
        for key in obj:
            if key not in required and key not in optional:
                self.error(path, f"unknown key '{key}'")
        return obj

    def text(self, obj: Mapping, key: str, path: str) -> Text:
        """A {vi, en} text; each missing or empty translation is an error."""
        value = obj.get(key)
        if value is None:
            return _EMPTY_TEXT  # already reported as missing by table()
        if not isinstance(value, dict):
            self.error(f"{path}.{key}", "must be a table with 'vi' and 'en'")
            return _EMPTY_TEXT
        for lang in ("vi", "en"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.error(f"{path}.{key}", f"missing translation '{lang}'")
        for extra in set(value) - {"vi", "en"}:
            self.error(f"{path}.{key}", f"unknown language '{extra}'")
        return Text(str(value.get("vi", "")), str(value.get("en", "")))

    def string(self, obj: Mapping, key: str, path: str, default: str = "") -> str:
        """A non-empty string (``default`` when absent)."""
        value = obj.get(key, default)
        if not isinstance(value, str) or (key in obj and not value.strip()):
            self.error(f"{path}.{key}", "must be a non-empty string")
            return default
        return value

    def integer(self, obj: Mapping, key: str, path: str, minimum: int = 0) -> int:
        """An integer >= ``minimum`` (booleans are rejected); 0 when absent or bad."""
        value = obj.get(key)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(f"{path}.{key}", f"must be an integer >= {minimum}")
            return 0
        return value

    def boolean(self, obj: Mapping, key: str, path: str, default: bool) -> bool:
        """true or false (``default`` when absent)."""
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", "must be true or false")
            return default
        return value

    def provenance(self, obj: Mapping, path: str) -> Provenance:
        """verified and source are required on every row; a provisional row needs a note."""
        if "verified" not in obj:
            self.error(path, "missing 'verified'")
        if "source" not in obj:
            self.error(path, "missing 'source'")
        verified = self.boolean(obj, "verified", path, False)
        source = self.string(obj, "source", path) if "source" in obj else ""
        note = self.string(obj, "note", path) if obj.get("note") else ""
        if "verified" in obj and not verified and not note:
            self.error(
                path, "a provisional row (verified = false) needs a 'note' saying what to check"
            )
        return Provenance(verified, source, note)


def check_bands(
    ck: RowChecker, raw: Any, path: str, higher_is_better: bool, max_points: int, scale: str
) -> tuple[BandRow, ...]:
    """Bands best first: bounds strictly move towards worse values and points strictly fall."""
    if not isinstance(raw, list) or not raw:
        ck.error(path, "needs a non-empty list of bands")
        return ()
    rows: list[BandRow] = []
    for i, item in enumerate(raw):
        bpath = f"{path}[{i}]"
        obj = ck.table(item, bpath, ("bound", "points"), PROVENANCE_KEYS)
        bound = obj.get("bound", 0)
        if isinstance(bound, bool) or not isinstance(bound, int | float) or bound < 0:
            ck.error(f"{bpath}.bound", "must be a number >= 0")
            bound = 0
        if scale == "percent" and bound > 100:
            ck.error(f"{bpath}.bound", f"{bound} is above 100%")
        points = ck.integer(obj, "points", bpath, 0)
        if points > max_points:
            ck.error(f"{bpath}.points", f"{points} is above the indicator max {max_points}")
        if rows:
            prev = rows[-1].band
            if bound == prev.bound:
                ck.error(bpath, f"overlaps band {i - 1}: same bound {bound}")
            elif (bound > prev.bound) == higher_is_better:
                direction = "decrease" if higher_is_better else "increase"
                ck.error(bpath, f"out of order: bounds must {direction} from the best band")
            if points >= prev.points:
                ck.error(f"{bpath}.points", "out of order: points must fall from the best band")
        rows.append(BandRow(Band(float(bound), points), bpath, ck.provenance(obj, bpath)))
    if rows and rows[0].band.points != max_points:
        ck.error(
            f"{path}[0].points", f"the best band gives {rows[0].band.points}, not max {max_points}"
        )
    return tuple(rows)

"""Shared plumbing of the survey statistics: JSON-ready results and the hidden-cell marker.

Every result of the survey statistics is a frozen dataclass with ``to_dict()``; the dashboard
and ``cfw stats`` serialise it without knowing numpy (no numpy scalar, no NaN ever leaks).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

GroupId = int | str
"""A residential group's identifier as the database returns it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Hidden:
    """A suppressed number: shows and serialises as ``"<5"`` and refuses arithmetic.

    Putting this object where the number would be (instead of a number plus a flag) makes
    a leak a ``TypeError`` rather than a silent disclosure.
    """

    threshold: int

    def __str__(self) -> str:
        return f"<{self.threshold}"


def jsonable(value: Any) -> Any:
    """Convert a result (dataclasses, tuples, numpy values) to plain JSON types.

    Non-finite floats become ``None``; :class:`Hidden` becomes its label, e.g. ``"<5"``.
    """
    if isinstance(value, Hidden):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


class ToDict:
    """Mixin giving a frozen result dataclass its JSON form."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON types (see :func:`jsonable`)."""
        return jsonable(self)


def percent(value: float | np.floating) -> float | None:
    """A proportion in [0, 1] as a plain percentage, or None when it is undefined (NaN)."""
    number = float(value)
    return 100.0 * number if math.isfinite(number) else None

"""The default cap of a group's poster: how many answers its QR code takes before it stops."""

from __future__ import annotations

import math
import tomllib

from survey_app.core.paths import DATA

CAP_RULE = tomllib.loads((DATA / "poster-cap.toml").read_text(encoding="utf-8"))


def poster_cap(children: int, residents: int) -> int:
    """The default cap of a group's poster (survey_app/data/poster-cap.toml says why)."""
    share, step = float(CAP_RULE["share"]), int(CAP_RULE["step"])
    wanted = math.ceil((children + residents) * share / step) * step
    return max(int(CAP_RULE["minimum"]), wanted)

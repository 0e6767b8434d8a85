"""Posters from the database: each group's live token becomes a PosterData (read-only queries).

The rendering itself is pure (survey_app.posters.pdf, survey_app.posters.qr); this
module decides *which* token a poster prints (the group's current active or paused token in the
round), the URL in its QR code (always under PUBLIC_BASE_URL) and the short address typed out
under it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import InstrumentError, load_instrument
from survey_app.models import AssessmentRound, PosterToken, ResidentialGroup
from survey_app.posters.pdf import PosterData
from survey_app.posters.qr import check_public_url
from survey_app.survey.tokens import display_token, survey_url

SIZES = ("A4", "A5")
LOCALES = ("vi", "en")
SHORT_URL_MAX = 60  # what survey_app.posters.pdf prints on one line, never cut
DEFAULT_CHILD_AGES = (10, 15)

if TYPE_CHECKING:
    from survey_app.posters.pdf import PosterData


class PosterError(ValueError):
    """A poster that cannot be made (no live token, unknown round, address too long)."""


@dataclass(frozen=True, slots=True)
class GroupPoster:
    """One group of a round and the token its poster prints (None: no live token)."""

    group_id: int
    group_name: str
    token: PosterToken | None

    @property
    def printable(self) -> bool:
        """True when the group has a live (active or paused) token to print."""
        return self.token is not None


def short_url(base_url: str, token: str) -> str:
    """The address typed out on the poster: no scheme, the token in hyphenated groups.

    Falls back to the plain token when the grouped form is too long to print on one line.
    """
    parts = urlsplit(base_url.rstrip("/"))
    host = (parts.netloc + parts.path) or base_url
    for shown in (display_token(token), token):
        text = f"{host}/q/{shown}"
        if len(text) <= SHORT_URL_MAX:
            return text
    raise PosterError(
        f"the survey address under PUBLIC_BASE_URL is longer than {SHORT_URL_MAX} characters "
        "and cannot be printed on a poster; use a shorter address"
    )


def child_ages(instrument_version: str) -> tuple[int, int]:
    """Youngest and oldest age of the children's questionnaire, from its age bands."""
    try:
        audience = load_instrument(instrument_version).audience("child")
    except (InstrumentError, KeyError):
        return DEFAULT_CHILD_AGES
    ages = []
    for band in audience.age_band_ids:
        low, _sep, high = band.partition("-")
        if low.isdigit() and high.isdigit():
            ages += [int(low), int(high)]
    return (min(ages), max(ages)) if ages else DEFAULT_CHILD_AGES


def get_round(session: Session, round_id: int) -> AssessmentRound:
    """The round, or PosterError."""
    round_ = session.get(AssessmentRound, round_id)
    if round_ is None:
        raise PosterError("unknown round")
    return round_


def round_groups(
    session: Session, round_: AssessmentRound, group_ids: Sequence[int] | None = None
) -> list[GroupPoster]:
    """Every group of the round's ward (or only ``group_ids``) with its current token.

    Two queries whatever the number of groups: the groups, then the live tokens of the round.
    """
    query = select(ResidentialGroup).where(ResidentialGroup.ward_id == round_.ward_id)
    if group_ids is not None:
        query = query.where(ResidentialGroup.id.in_(list(group_ids)))
    groups = session.scalars(query.order_by(ResidentialGroup.position, ResidentialGroup.id)).all()
    live: dict[int, PosterToken] = {}
    for token in session.scalars(
        select(PosterToken)
        .where(
            PosterToken.round_id == round_.id,
            PosterToken.status.in_(("active", "paused")),
        )
        .order_by(PosterToken.id)
    ):
        live[token.group_id] = token  # the newest wins, as in tokens.current_token
    return [GroupPoster(g.id, g.name, live.get(g.id)) for g in groups]


def poster_data(
    round_: AssessmentRound,
    group: GroupPoster,
    *,
    base_url: str,
    locale: str = "vi",
) -> PosterData:
    """The PosterData of one group (PosterError when it has no live token)."""

    if group.token is None:
        raise PosterError(f"group {group.group_id} has no active or paused token in this round")
    url = check_public_url(survey_url(base_url, group.token.token), allowed_base_url=base_url)
    youngest, oldest = child_ages(round_.instrument_version)
    return PosterData(
        ward_name=round_.ward.name,
        group_name=group.group_name,
        url=url,
        short_url=short_url(base_url, group.token.token),
        round_label=round_.name,
        starts_on=round_.period_start,
        ends_on=round_.period_end,
        locale=locale,  # type: ignore[arg-type]
        child_min_age=youngest,
        child_max_age=oldest,
    )


def round_posters(
    session: Session,
    round_id: int,
    *,
    base_url: str,
    locale: str = "vi",
    group_ids: Sequence[int] | None = None,
) -> tuple[list[PosterData], list[str]]:
    """Posters of a round (every group, or ``group_ids``) and the names of groups skipped.

    A group without a live token is skipped and named, so one revoked poster does not stop
    the batch. Raises PosterError when nothing is left to print.
    """
    round_ = get_round(session, round_id)
    groups = round_groups(session, round_, group_ids)
    posters = [
        poster_data(round_, g, base_url=base_url, locale=locale) for g in groups if g.printable
    ]
    skipped = [g.group_name for g in groups if not g.printable]
    if not posters:
        raise PosterError("no group of this round has an active or paused token")
    return posters, skipped


def qr_items(
    session: Session, round_id: int, *, base_url: str, group_ids: Sequence[int] | None = None
) -> list[tuple[str, str]]:
    """(group name, survey URL) of every group with a live token, for the QR zip."""
    round_ = get_round(session, round_id)
    items = [
        (g.group_name, survey_url(base_url, g.token.token))
        for g in round_groups(session, round_, group_ids)
        if g.token is not None
    ]
    if not items:
        raise PosterError("no group of this round has an active or paused token")
    return items


__all__ = [
    "LOCALES",
    "SIZES",
    "GroupPoster",
    "PosterError",
    "child_ages",
    "get_round",
    "poster_data",
    "qr_items",
    "round_groups",
    "round_posters",
    "short_url",
]

"""What a lock records of a round's survey, so that nothing changes a frozen round's figures.

The criterion-13 figures read the answer counters, which nothing changes once a round's
figures are frozen (answers, paper forms and flag reviews are refused), and facts kept
elsewhere that stay editable after the lock:

- the residential groups' populations (an administrator corrects them): they set the sample
  sizes needed, the weighted rates and the intervals;
- the tallies of the raw responses (received by channel, left out of the official figures,
  groups that answered): the retention purge deletes those rows.

`lock_round` stores them with the locked score (`LockedScore.survey_json`, built by
:func:`record`). Every reader asks :func:`populations` and :func:`tallies` here, which give a
frozen round what its lock recorded and any other round the live values. A round is frozen
exactly while it has an active locked score: the lock makes one, reopening retires it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import LockedScore, ResidentialGroup, Response
from survey_app.results.counts import get_round, not_counted_responses

# Which population column of a residential group belongs to which survey audience.
POPULATION_COLUMNS = {"child": "children", "resident": "residents"}

Populations = dict[tuple[int, str], int]


@dataclass(frozen=True, slots=True)
class Tallies:
    """How many raw responses a round received, by channel; how many are not counted; how
    many groups answered."""

    by_channel: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    not_counted: int = 0
    groups: int = 0


def active_lock(session: Session, round_id: int) -> LockedScore | None:
    """The round's current locked score (None when never locked or reopened since)."""
    return session.scalars(
        select(LockedScore)
        .where(LockedScore.round_id == round_id, LockedScore.active.is_(True))
        .order_by(LockedScore.id.desc())
        .limit(1)
    ).first()


def live_populations(session: Session, ward_id: int) -> Populations:
    """Known population per (group, audience) of a ward, as its groups say now.

    A population of 0 means "not entered yet" (the column default), so it is left out: the
    statistics then treat that group as unknown rather than as a group with nobody in it.
    """
    groups = session.scalars(select(ResidentialGroup).where(ResidentialGroup.ward_id == ward_id))
    result: Populations = {}
    for group in groups:
        for audience, column in POPULATION_COLUMNS.items():
            value = int(getattr(group, column) or 0)
            if value > 0:
                result[(group.id, audience)] = value
    return result


def live_tallies(session: Session, round_id: int) -> Tallies:
    """The round's raw responses counted now (three small grouped queries)."""
    by_channel = session.execute(
        select(Response.channel, func.count())
        .where(Response.round_id == round_id)
        .group_by(Response.channel)
    ).all()
    groups = session.execute(
        select(func.count(func.distinct(Response.group_id))).where(Response.round_id == round_id)
    ).scalar_one()
    return Tallies(
        MappingProxyType({str(c): int(n) for c, n in by_channel}),
        int(not_counted_responses(session, round_id)),
        int(groups),
    )


def record(session: Session, round_id: int) -> str:
    """What the lock stores in `LockedScore.survey_json`: the live populations and tallies of
    the round now, as canonical JSON."""
    round_ = get_round(session, round_id)
    known = live_populations(session, round_.ward_id)
    now = live_tallies(session, round_id)
    return json.dumps(
        {
            "populations": sorted([g, a, n] for (g, a), n in known.items()),
            "responses": dict(now.by_channel),
            "not_counted": now.not_counted,
            "groups": now.groups,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def _recorded(lock: LockedScore) -> dict:
    return json.loads(lock.survey_json)


def populations(session: Session, round_id: int) -> Populations:
    """Known population per (group, audience) of a round: what its lock recorded while the
    round is frozen, else its ward's groups now. RoundNotFound for an unknown round."""
    lock = active_lock(session, round_id)
    if lock is not None:
        return {(int(g), str(a)): int(n) for g, a, n in _recorded(lock)["populations"]}
    return live_populations(session, get_round(session, round_id).ward_id)


def tallies(session: Session, round_id: int) -> Tallies:
    """The round's response tallies: what its lock recorded while frozen, else counted now."""
    lock = active_lock(session, round_id)
    if lock is None:
        return live_tallies(session, round_id)
    stored = _recorded(lock)
    return Tallies(
        MappingProxyType({str(c): int(n) for c, n in stored["responses"].items()}),
        int(stored["not_counted"]),
        int(stored["groups"]),
    )


__all__ = [
    "POPULATION_COLUMNS",
    "Tallies",
    "active_lock",
    "live_populations",
    "live_tallies",
    "populations",
    "record",
    "tallies",
]

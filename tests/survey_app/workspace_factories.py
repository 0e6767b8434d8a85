"""Factories for the staff workspace tests: a ward, a round, one user per role, entered figures."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from flask import Flask
from sqlalchemy import select

from assessment import flatten_inputs
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, User, Ward
from survey_app.workspace import criteria, workflow
from survey_app.workspace import lifecycle as rounds

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "dinh-ke-2024.json").read_text(encoding="utf-8"))
EXAMPLE_INPUTS: dict[str, Any] = flatten_inputs(EXAMPLE["inputs"])[0]
SURVEY_INPUTS = {k: v for k, v in EXAMPLE_INPUTS.items() if k.startswith("c13.")}
ENTERED_INPUTS = {k: v for k, v in EXAMPLE_INPUTS.items() if not k.startswith("c13.")}
# The example's "what it takes" applied: 785 + 65 = 850 points, the threshold (recognised).
PASSING_INPUTS = ENTERED_INPUTS | {
    "c2.registered_on_time": 61,
    "c6.special_supported": 46,
    "c7.fully_immunised": 57,
    "c11.views_in_plan": True,
}
RULES = "qd06-2019"
# Every role of the role matrix: (username, role, unit).
ROLE_USERS = (
    ("quantri", "admin", None),
    ("vhxh", "vhxh", None),
    ("congan", "unit", "congan"),
    ("yte", "unit", "yte"),
    ("hoidong1", "council", None),
    ("hoidong2", "council", None),
    ("totruong", "leader", None),
    ("xem", "viewer", None),
)


@dataclass
class World:
    """Ids of what `make_world` created."""

    ward_id: int
    round_id: int
    users: dict[str, int]


def add_round(app: Flask, ward_id: int, name: str, year: int) -> int:
    """A round of ``year`` on the shipped rule set; returns its id."""
    with app.app_context(), write_transaction(get_session()) as session:
        round_ = AssessmentRound(
            ward_id=ward_id,
            name=name,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            rule_version=RULES,
            instrument_version="c13-2026.1",
            status="open",
        )
        session.add(round_)
        session.flush()
        return round_.id


def make_world(app: Flask, make_user: Any) -> World:
    """The test ward (admin without a ward), a 2024 round and one user per role."""
    users = {
        name: make_user(name, role=role, **({"unit": unit} if unit else {}))
        for name, role, unit in ROLE_USERS
    }
    with app.app_context():
        ward = get_session().scalars(select(Ward).where(Ward.code == "test-ward")).one()
        ward_id = ward.id
    return World(ward_id, add_round(app, ward_id, "Năm 2024", 2024), users)


def user(session: Any, world: World, name: str) -> User:
    """The user ``name`` of the world, loaded in ``session``."""
    return session.get(User, world.users[name])


def enter_everything(app: Flask, world: World, inputs: dict[str, Any] | None = None) -> None:
    """Enter every section's figures (with source notes) as vhxh and submit each section."""
    inputs = inputs or ENTERED_INPUTS
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        actor = user(session, world, "vhxh")
        for part in criteria.entered_sections(criteria.rules_for(round_)):
            values = {spec.key: inputs.get(spec.key) for spec in part.inputs}
            notes = {spec.key: "Sổ theo dõi, 31/10/2024" for spec in part.inputs}
            with write_transaction(session) as tx:
                criteria.record_criterion_values(tx, round_, part.id, values, notes, actor=actor)
            with write_transaction(session) as tx:
                criteria.submit_criterion(tx, round_, part.id, actor=actor)


# The example round's history: consolidated, approved and locked on 27/11/2024, then posted
# for 7 days from the next day (the dossier is sent from 05/12/2024 on).
LOCKED_ON = dt.date(2024, 11, 27)
POSTED_FROM = dt.date(2024, 11, 28)


@contextmanager
def lifecycle_clock(day: dt.date) -> Iterator[None]:
    """The workflow steps taken inside happen on ``day``, 09:00 in Vietnam (02:00 UTC)."""
    moment = dt.datetime.combine(day, dt.time(2, 0))
    with mock.patch.object(rounds, "now", lambda: moment):
        yield


def advance(app: Flask, world: World, until: str, *, locked_on: dt.date = LOCKED_ON) -> None:
    """Take the round through consolidate → approve ×2 → lock (on ``locked_on``, as the steps
    before it) → post (from `POSTED_FROM`) until stage ``until``."""
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        steps = [
            ("consolidated", lambda tx: rounds.consolidate_round(tx, round_, actor=_u("vhxh"))),
            ("consolidated", lambda tx: rounds.approve_round(tx, round_, actor=_u("hoidong1"))),
            ("approved", lambda tx: rounds.approve_round(tx, round_, actor=_u("hoidong2"))),
            ("locked", lambda tx: rounds.lock_round(tx, round_, actor=_u("vhxh"))),
            (
                "posted",
                lambda tx: rounds.post_results(
                    tx, round_, start=POSTED_FROM, days=7, actor=_u("vhxh")
                ),
            ),
        ]

        def _u(name: str) -> User:
            return user(session, world, name)

        for reached, step in steps:
            with write_transaction(session) as tx, lifecycle_clock(locked_on):
                step(tx)
            if reached == until and workflow.stage(session, round_.id) == until:
                return

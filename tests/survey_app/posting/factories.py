"""A round taken to the public posting, with its period placed around today (Vietnam)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import select

from survey_app.core.db import get_session, write_transaction
from survey_app.core.vntime import today_vn
from survey_app.models import AssessmentRound, PostingFeedback, User
from survey_app.workspace import lifecycle as rounds
from tests.survey_app.survey_factories import demo_round
from tests.survey_app.workspace_factories import (
    ENTERED_INPUTS,
    World,
    advance,
    enter_everything,
    lifecycle_clock,
    user,
)

# The example's figures improved so that the ward reaches the threshold (as the dossier tests).
PASSING = {
    **ENTERED_INPUTS,
    "c2.registered_on_time": 61,
    "c4.offending_children": 0,
    "c7.fully_immunised": 58,
    "c9.checked": 2250,
    "c11.views_in_plan": True,
}
WARD_CODE = "test-ward"


def post_round(
    app: Flask,
    world: World,
    *,
    start_offset: int = -1,
    days: int = 7,
    inputs: dict[str, Any] | None = None,
) -> None:
    """Enter, consolidate, approve, lock (on the posting's first day when that is past, else
    today), then post from today + ``start_offset`` days."""
    enter_everything(app, world, inputs or PASSING)
    advance(app, world, "locked", locked_on=today_vn() + dt.timedelta(days=min(start_offset, 0)))
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with write_transaction(session) as tx:
            rounds.post_results(
                tx,
                round_,
                start=today_vn() + dt.timedelta(days=start_offset),
                days=days,
                actor=user(tx, world, "vhxh"),
            )


def page_url(world: World) -> str:
    """The public posting page of the world's round."""
    return f"/posting/{WARD_CODE}/{world.round_id}"


def stored_feedback(app: Flask, round_id: int) -> list[PostingFeedback]:
    """The stored comments of a round, oldest first."""
    with app.app_context():
        session = get_session()
        rows = (
            session.query(PostingFeedback).filter_by(round_id=round_id).order_by(PostingFeedback.id)
        )
        return list(rows)


def post_demo(
    app: Flask, *, answers: int, seed: int = 7, started_days_ago: int = 1, days: int = 7
) -> int:
    """The demo ward's round with ``answers`` real answers, locked ``started_days_ago`` days
    ago and posted from then for ``days`` days; returns its id."""
    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=answers, seed=seed, today=today_vn())
        people = {u.username: u for u in session.scalars(select(User))}
        start = today_vn() - dt.timedelta(days=started_days_ago)
        steps = (
            lambda tx: rounds.consolidate_round(tx, round_, actor=people["vhxh"]),
            lambda tx: rounds.approve_round(tx, round_, actor=people["hoidong"]),
            lambda tx: rounds.approve_round(tx, round_, actor=people["hoidong2"]),
            lambda tx: rounds.lock_round(tx, round_, actor=people["vhxh"]),
            lambda tx: rounds.post_results(
                tx, round_, start=start, days=days, actor=people["vhxh"]
            ),
        )
        for step in steps:
            with write_transaction(session) as tx, lifecycle_clock(start):
                step(tx)
        return round_.id

"""Helpers for the survey statistics tests: store answers through the real service."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask

from assessment import load_instrument
from survey_app.core.db import get_session
from survey_app.survey import submit as survey
from tests.survey_app.survey_factories import CHILD_QUESTIONS, INSTRUMENT, RESIDENT_QUESTIONS


def submit(
    app: Flask,
    token_id: int,
    audience: str = "resident",
    overall: int = 4,
    *,
    straight: bool = False,
    comment: str | None = None,
) -> survey.SubmitResult:
    """One questionnaire through `submit_response`; ``straight`` answers everything alike and
    in 5 seconds (straight-liner + impossible timing: held back by the flag policy),
    otherwise the answers vary and take 10 minutes (not flagged)."""
    questions = CHILD_QUESTIONS if audience == "child" else RESIDENT_QUESTIONS
    if straight:
        answers = dict.fromkeys(questions, overall)
    else:
        answers = {q: (3 + i % 3) for i, q in enumerate(questions)}
        answers["overall"] = overall
        if len(set(answers.values())) == 1:
            answers[questions[0]] = 1 if overall != 1 else 2
    now = dt.datetime(2026, 10, 1, 3, 0)
    with app.app_context():
        return survey.submit_response(
            get_session(),
            survey.Submission(
                token_id=token_id,
                audience=audience,
                age_band="10-12" if audience == "child" else "30-59",
                gender=None,
                answers=answers,
                submission_key=secrets.token_urlsafe(24),
                comment=comment,
                started_at=now - dt.timedelta(seconds=5 if straight else 600),
            ),
            instrument=load_instrument(INSTRUMENT),
            secret="test-secret-key",
            now=now,
        )


def fill(app: Flask, token_id: int, audience: str, values: list[int]) -> None:
    """Several unflagged questionnaires with the given overall answers."""
    for value in values:
        submit(app, token_id, audience, value)

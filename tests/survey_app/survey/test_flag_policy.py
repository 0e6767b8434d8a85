"""The flag policy on simulated honest and dishonest respondents (issue 14).

Honest people: households sharing one phone (most through the thank-you page's "another
person" link), happy children who answer "Rất vui" everywhere, quick readers. Dishonest:
one person stuffing a poster from one phone, naive (same answer, fast), careful (varied
answers, plausible time) and careful using the household link. Every answer goes through
the real `submit_response`; the policy decides from the signals it stores.

Measured (seed 14; printed with -s, written to artifacts/flag-policy-simulation.txt):
the share of honest answers held out of the figures, and the share of stuffed answers held.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from assessment import load_instrument
from survey_app.core.db import get_session
from survey_app.models import Response
from survey_app.survey import submit as survey
from survey_app.survey.flag_policy import POLICY_FILE, FlagPolicyError, load_policy, parse_policy
from tests.survey_app.survey_factories import INSTRUMENT, make_survey

INSTR = load_instrument(INSTRUMENT)
START = dt.datetime(2026, 10, 1, 1, 0)
ARTIFACT = Path(__file__).resolve().parents[3] / "artifacts" / "flag-policy-simulation.txt"


def _answers(rng: random.Random, audience: str, *, uniform: int | None = None) -> dict:
    questions = INSTR.audience(audience).question_ids
    if uniform is not None:
        return dict.fromkeys(questions, uniform)
    mood = rng.gauss(4.0, 0.8)
    return {q: min(5, max(1, round(mood + rng.gauss(0, 0.8)))) for q in questions}


def _honest(rng: random.Random, tokens: list[int]) -> list[tuple[survey.Submission, dt.datetime]]:
    """400 honest answers over 20 days, 08:00-21:00, 20% of them a second household member."""
    made = []
    browser = None
    for n in range(400):
        audience = "child" if rng.random() < 0.35 else "resident"
        minimum = INSTR.speeder_seconds(audience, "vi")
        happy_everywhere = audience == "child" and rng.random() < 0.15
        answers = _answers(rng, audience, uniform=5 if happy_everywhere else None)
        pace = rng.random()
        if pace < 0.05:  # quick readers: faster than the reading-speed minimum
            seconds = rng.uniform(0.5, 1.0) * minimum
        elif pace < 0.06:  # a skimmer who barely reads
            seconds = rng.uniform(0.3, 0.5) * minimum
        else:
            seconds = rng.uniform(1.2, 4.0) * minimum
        shared = browser is not None and rng.random() < 0.2
        household = shared and rng.random() < 0.8  # most use the "another person" link
        browser = browser if shared else f"honest-{n}"
        now = START + dt.timedelta(days=n % 20, minutes=rng.randint(0, 13 * 60))
        made.append(
            (
                survey.Submission(
                    token_id=rng.choice(tokens),
                    audience=audience,
                    age_band=rng.choice(INSTR.audience(audience).age_band_ids),
                    gender=None,
                    answers=answers,
                    submission_key=f"honest-{n:024d}",
                    started_at=now - dt.timedelta(seconds=seconds),
                    browser_id=browser,
                    household=household,
                ),
                now,
            )
        )
    return made


def _stuffer(rng, token: int, style: str, count: int, day: int):
    """One person filling ``count`` answers on one poster from one phone in one sitting."""
    made = []
    now = START + dt.timedelta(days=day, hours=5)
    for n in range(count):
        audience = "resident"
        minimum = INSTR.speeder_seconds(audience, "vi")
        if style == "naive":
            answers, seconds = _answers(rng, audience, uniform=5), rng.uniform(3, 12)
        else:
            answers, seconds = _answers(rng, audience), rng.uniform(1.1, 1.6) * minimum
        now += dt.timedelta(seconds=seconds + 5)
        made.append(
            (
                survey.Submission(
                    token_id=token,
                    audience=audience,
                    age_band="30-59",
                    gender=None,
                    answers=answers,
                    submission_key=f"stuff-{style}-{day}-{n:016d}",
                    started_at=now - dt.timedelta(seconds=seconds),
                    browser_id=f"stuffer-{style}-{day}",
                    household=style == "careful-link",
                ),
                now,
            )
        )
    return made


def _held_share(app, prefix: str) -> tuple[int, int, int]:
    """(held by the policy, any flag: what the old "any flag holds" rule held, all)."""
    with app.app_context():
        rows = (
            get_session()
            .execute(select(Response).where(Response.submission_key.startswith(prefix)))
            .scalars()
            .all()
        )
    return sum(r.held for r in rows), sum(r.flagged for r in rows), len(rows)


def test_policy_keeps_honest_answers_and_catches_stuffing(app):
    made = make_survey(app, groups=3, cap=5000)
    rng = random.Random(14)
    submissions = _honest(rng, made.token_ids)
    for day, style in enumerate(("naive", "careful", "careful-link", "naive", "careful")):
        submissions += _stuffer(rng, made.token_ids[day % 3], style, 40, 21 + day)
    with app.app_context():
        for submission, now in submissions:
            survey.submit_response(
                get_session(), submission, instrument=INSTR, secret="test-secret-key", now=now
            )
    honest_held, honest_marked, honest = _held_share(app, "honest-")
    stuffed_held, stuffed_marked, stuffed = _held_share(app, "stuff-")
    honest_share, caught_share = honest_held / honest, stuffed_held / stuffed
    report = (
        f"flag policy {load_policy().version} (seed 14): honest answers held "
        f"{honest_held}/{honest} = {100 * honest_share:.1f}%; stuffed answers held "
        f"{stuffed_held}/{stuffed} = {100 * caught_share:.1f}%; the old rule (any flag holds) "
        f"held {honest_marked}/{honest} honest and {stuffed_marked}/{stuffed} stuffed\n"
    )
    print(report)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(report, encoding="utf-8")
    assert honest_share <= 0.03
    assert caught_share >= 0.7


def test_one_weak_signal_marks_two_hold_a_strong_one_holds():
    policy = load_policy()
    for weak in ("repeat", "straightline", "speeder"):
        assert policy.signals[weak].strength == "weak"
        assert not policy.decide({weak: True}).held
    assert policy.decide({"repeat": True, "straightline": True}).held
    for strong in ("burst", "impossible"):
        decision = policy.decide({strong: True})
        assert decision.held and decision.marks == (strong,)


def test_a_policy_file_that_contradicts_itself_is_refused():
    data = tomllib.loads(POLICY_FILE.read_text(encoding="utf-8"))
    data["signals"]["repeat"]["weight"] = data["hold_at"]  # "weak" but holds on its own
    with pytest.raises(FlagPolicyError):
        parse_policy(data)
    del data["signals"]["burst"]
    with pytest.raises(FlagPolicyError):
        parse_policy(data)

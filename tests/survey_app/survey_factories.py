"""Factories for survey tests: a ward with groups, an open round and poster tokens."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from survey_app.core.db import get_session, write_transaction
from survey_app.demo.ward import build_demo
from survey_app.models import AssessmentRound, ResidentialGroup, Ward
from survey_app.survey import tokens

INSTRUMENT = "c13-2026.1"
CHILD_PROFILE = {
    "consent_guardian": "yes",
    "consent_self": "yes",
    "age_band": "10-12",
    "gender": "female",
}
RESIDENT_PROFILE = {"consent_self": "yes", "age_band": "30-59"}
CHILD_QUESTIONS = ("safety", "health", "school", "play", "listened", "help", "overall")
RESIDENT_QUESTIONS = ("safety", "health", "school", "play", "listened", "help", "papers", "overall")


@dataclass
class Setup:
    """Ids and token strings made by `make_survey`."""

    ward_id: int
    round_id: int
    group_ids: list[int]
    token_ids: list[int]
    tokens: list[str]


def make_survey(app: Flask, *, groups: int = 2, cap: int = 100, status: str = "open") -> Setup:
    """A ward with ``groups`` groups, one round and one active token per group."""
    with app.app_context(), write_transaction(get_session()) as session:
        ward = Ward(code="test-survey", name="Phường Thử Nghiệm", locality_type="other")
        session.add(ward)
        session.flush()
        round_ = AssessmentRound(
            ward_id=ward.id,
            name="Năm 2026",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            rule_version="qd06-2019",
            instrument_version=INSTRUMENT,
            status=status,
        )
        session.add(round_)
        made = []
        for i in range(groups):
            group = ResidentialGroup(
                ward_id=ward.id,
                name=f"Tổ dân phố {i + 1}",
                position=i,
                children=100,
                residents=1000,
            )
            session.add(group)
            made.append(group)
        session.flush()
        toks = [tokens.new_token(session, g, round_, cap) for g in made]
        return Setup(
            ward.id, round_.id, [g.id for g in made], [t.id for t in toks], [t.token for t in toks]
        )


def answers_for(audience: str, value: int = 4, **overrides: int) -> dict[str, str]:
    """Form fields answering every question of ``audience`` with ``value`` (or overrides)."""
    ids = CHILD_QUESTIONS if audience == "child" else RESIDENT_QUESTIONS
    return {f"q_{q}": str(overrides.get(q, value)) for q in ids}


def varied_answers(audience: str) -> dict[str, str]:
    """Answers that are not all the same (no straight-line flag)."""
    ids = CHILD_QUESTIONS if audience == "child" else RESIDENT_QUESTIONS
    return {f"q_{q}": str(3 + i % 3) for i, q in enumerate(ids)}


def hidden_key(html: str) -> str:
    """The one-time key in a rendered questions page."""
    match = re.search(r'name="key" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="key" name="key" type="hidden" value="([^"]+)"', html
    )
    assert match, "no one-time key on the page"
    return match.group(1)


def begin(
    client: FlaskClient, token: str, audience: str = "child", *, lang: str | None = None
) -> str:
    """Scan, pick the audience, consent: returns the one-time key of the questions page."""
    suffix = f"?lang={lang}" if lang else ""
    assert client.get(f"/q/{token}{suffix}").status_code == 200  # landing page → /s
    profile = CHILD_PROFILE if audience == "child" else RESIDENT_PROFILE
    response = client.post(f"/s/{audience}", data=profile)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(f"/s/{audience}/questions")
    assert page.status_code == 200
    return hidden_key(page.get_data(as_text=True))


def backdate_start(client: FlaskClient, seconds: float = 120) -> None:
    """Pretend the questions page was shown ``seconds`` ago (so the answer is no speeder)."""
    with client.session_transaction() as sess:
        sess["sv_started"] = sess["sv_started"] - seconds


def demo_round(
    session, *, answers: int, seed: int = 7, today: dt.date = dt.date(2026, 6, 1)
) -> AssessmentRound:
    """The demo ward built into ``session`` with ``answers`` answers; its open round."""
    result = build_demo(
        session,
        base_url="http://survey.test",
        secret="s" * 40,
        answers=answers,
        seed=seed,
        today=today,
    )
    return session.get(AssessmentRound, result.round_id)


def locked_demo_round(app: Flask, *, answers: int = 40) -> int:
    """The demo round taken through consolidate, approve ×2 and lock, as the demo's accounts
    (vhxh, hoidong, hoidong2) do it; returns its id."""
    from sqlalchemy import select

    from survey_app.models import User
    from survey_app.workspace import lifecycle

    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=answers)
        people = {u.username: u for u in session.scalars(select(User))}
        for step, who in (
            (lifecycle.consolidate_round, "vhxh"),
            (lifecycle.approve_round, "hoidong"),
            (lifecycle.approve_round, "hoidong2"),
            (lifecycle.lock_round, "vhxh"),
        ):
            with write_transaction(session) as tx:
                step(tx, round_, actor=people[who])
        return round_.id

"""Integrity of the survey: one-time keys, the cap under concurrency, flags, counters, limits."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from assessment import load_instrument
from survey_app.app import create_app
from survey_app.core.db import get_session
from survey_app.models import Answer, AnswerCount, AuditEntry, PosterToken, Response
from survey_app.survey import submit as survey
from survey_app.survey import token_format, tokens
from survey_app.survey.tokens import TokenError, TokenState
from tests.survey_app.survey_factories import (
    INSTRUMENT,
    answers_for,
    backdate_start,
    begin,
    make_survey,
    varied_answers,
)

INSTR = load_instrument(INSTRUMENT)


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2, cap=100)


def _submission(token_id: int, n: int, **kwargs) -> survey.Submission:
    values = {"audience": "resident", "age_band": "30-59", "gender": None}
    values.update(kwargs)
    answers = values.pop("answers", None) or {
        q.id: 3 + i % 3 for i, q in enumerate(INSTR.audience(values["audience"]).questions)
    }
    return survey.Submission(
        token_id=token_id,
        answers=answers,
        submission_key=f"test-key-{n:020d}",
        started_at=values.pop("started_at", survey.utcnow() - dt.timedelta(minutes=3)),
        **values,
    )


def _submit(app, submission, **kwargs):
    with app.app_context():
        return survey.submit_response(
            get_session(), submission, instrument=INSTR, secret="test-secret-key", **kwargs
        )


def _rows(app, model=Response):
    with app.app_context():
        return get_session().execute(select(model)).scalars().all()


# ----------------------------------------------------------------------------- one-time key


def test_same_key_twice_makes_one_row_and_the_same_thank_you(app, client, setup):
    key = begin(client, setup.tokens[0], "child")
    backdate_start(client)
    data = {**varied_answers("child"), "key": key}
    first = client.post("/s/child/questions", data=data, follow_redirects=True)
    second = client.post("/s/child/questions", data=data, follow_redirects=True)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert "Đã gửi xong!" in first.get_data(as_text=True)
    assert len(_rows(app)) == 1
    with app.app_context():
        assert get_session().get(PosterToken, setup.token_ids[0]).used == 1


def test_key_race_past_the_check_is_caught_by_the_unique_constraint(app, setup, monkeypatch):
    first = _submit(app, _submission(setup.token_ids[0], 1))
    # Make the pre-check miss, as if two posts with one key arrived at the same moment.
    real = survey.find_by_key
    calls = {"n": 0}

    def miss_once(session, key):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, key)

    monkeypatch.setattr(survey, "find_by_key", miss_once)
    again = _submit(app, _submission(setup.token_ids[0], 1))
    assert again.duplicate and again.response_id == first.response_id
    assert len(_rows(app)) == 1
    with app.app_context():  # the cap unit and counters of the loser were rolled back
        assert get_session().get(PosterToken, setup.token_ids[0]).used == 1


@pytest.mark.slow
def test_200_concurrent_posts_against_a_cap_of_50_store_exactly_50(app, database_url, tmp_path):
    concurrent_app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "SQLITE_BUSY_TIMEOUT_MS": 120_000,
        }
    )
    concurrent_app.instance_path = str(tmp_path / "instance-concurrent")
    setup = make_survey(concurrent_app, groups=1, cap=50)
    started = survey.utcnow().timestamp() - 120
    barrier = threading.Barrier(50)

    def post(n: int) -> int:
        client = concurrent_app.test_client()
        with client.session_transaction() as sess:
            sess["sv_token"] = setup.token_ids[0]
            sess["sv_profile"] = {"audience": "resident", "age_band": "16-29", "gender": None}
            sess["sv_started"] = started
        data = {**varied_answers("resident"), "key": f"concurrent-{n:030d}"}
        if n < 50:
            barrier.wait(timeout=30)
        response = client.post(
            "/s/resident/questions",
            data=data,
            environ_base={"REMOTE_ADDR": f"198.51.100.{n % 250}"},
        )
        return response.status_code

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            codes = Counter(pool.map(post, range(200)))
        assert codes == {303: 50, 409: 150}, codes
        with concurrent_app.app_context():
            session = get_session()
            assert session.execute(select(func.count()).select_from(Response)).scalar() == 50
            assert session.get(PosterToken, setup.token_ids[0]).used == 50
    finally:
        concurrent_app.extensions["cfw_engine"].dispose()


# ----------------------------------------------------------------------------- flags


def test_speeder_threshold_comes_from_the_instrument(app, setup):
    limit = INSTR.speeder_seconds("resident", "vi")
    now = survey.utcnow()
    fast = _submission(setup.token_ids[0], 1, started_at=now - dt.timedelta(seconds=limit - 1))
    slow = _submission(setup.token_ids[0], 2, started_at=now - dt.timedelta(seconds=limit + 1))
    assert _submit(app, fast, now=now).flags == ("speeder",)
    assert _submit(app, slow, now=now).flags == ()


def test_straight_liner_and_impossibly_fast_are_flagged_but_kept(app, client, setup):
    key = begin(client, setup.tokens[0], "child")  # answered at once: faster than reading
    response = client.post("/s/child/questions", data={**answers_for("child", 5), "key": key})
    assert response.status_code == 303
    (row,) = _rows(app)
    assert row.flag_impossible and row.flag_straightline and not row.flag_speeder
    assert row.held  # two signals, one of them strong: held until reviewed
    assert not row.flag_burst and not row.flag_repeat
    assert row.review == "pending" and len(_rows(app, Answer)) == 7


def test_straight_line_needs_enough_questions():
    few = {f"q{i}": 4 for i in range(INSTR.integrity.straightline_min_questions - 1)}
    enough = {f"q{i}": 4 for i in range(INSTR.integrity.straightline_min_questions)}
    assert not survey.is_straightline(few, INSTR.integrity.straightline_min_questions)
    assert survey.is_straightline(enough, INSTR.integrity.straightline_min_questions)
    assert not survey.is_straightline(
        {**enough, "x": 3}, INSTR.integrity.straightline_min_questions
    )


def test_burst_on_one_token_is_flagged(app, setup):
    limit = INSTR.integrity.burst_max_answers
    now = survey.utcnow()
    results = [_submit(app, _submission(setup.token_ids[0], n), now=now) for n in range(limit + 2)]
    assert [("burst" in r.flags) for r in results] == [False] * limit + [True, True]
    other = _submit(app, _submission(setup.token_ids[1], 999), now=now)
    assert "burst" not in other.flags  # a burst is per poster
    assert len(_rows(app)) == limit + 3  # kept, not dropped


def test_repeat_browser_is_flagged_by_a_random_cookie_stored_as_an_hmac(app, client, setup):
    for expected in (False, True):
        key = begin(client, setup.tokens[0], "resident")
        backdate_start(client)
        client.post("/s/resident/questions", data={**varied_answers("resident"), "key": key})
        assert _rows(app)[-1].flag_repeat is expected
    cookie = client.get_cookie("cfw_b")
    assert cookie is not None and len(cookie.value) >= 20
    with app.app_context():
        from survey_app.models import BrowserMark

        (mark,) = get_session().execute(select(BrowserMark)).scalars().all()
        assert mark.count == 2 and cookie.value not in mark.browser_hash
        # keyed with the client-hash key derived from SECRET_KEY (survey_app/core/keys.py)
        secret = app.config["CLIENT_HASH_KEY"]
        assert mark.browser_hash == survey.browser_hash(secret, cookie.value)


def test_answer_counts_equal_a_group_by_over_answers(app, setup):
    now = survey.utcnow()
    for n in range(12):
        audience = "child" if n % 3 == 0 else "resident"
        answers = {q: (n + i) % 6 for i, q in enumerate(INSTR.audience(audience).question_ids)}
        if n % 4 == 0:
            answers = dict.fromkeys(answers, 2)  # straight-liners: marked, still counted
        age = "10-12" if audience == "child" else "60+"
        # Every third straight-liner also answered in 2 seconds: held by the flag policy.
        started = now - dt.timedelta(seconds=2 if n % 12 == 0 else 180)
        _submit(
            app,
            _submission(
                setup.token_ids[n % 2],
                n,
                audience=audience,
                age_band=age,
                answers=answers,
                started_at=started,
            ),
            now=now,
        )
    with app.app_context():
        session = get_session()
        flagged = Response.held  # the policy's decision picks the counter half
        raw = session.execute(
            select(
                Response.round_id,
                Response.group_id,
                Response.audience,
                Answer.question_id,
                Answer.value,
                flagged,
                func.count(),
            )
            .join(Answer, Answer.response_id == Response.id)
            .group_by(
                Response.round_id,
                Response.group_id,
                Response.audience,
                Answer.question_id,
                Answer.value,
                flagged,
            )
        ).all()
        counters = session.execute(
            select(
                AnswerCount.round_id,
                AnswerCount.group_id,
                AnswerCount.audience,
                AnswerCount.question_id,
                AnswerCount.value,
                AnswerCount.flagged,
                AnswerCount.n,
            )
        ).all()
    assert {(*r[:5], bool(r[5])): r[6] for r in raw} == {
        (*r[:5], bool(r[5])): r[6] for r in counters
    }
    assert any(r[5] for r in counters) and any(not r[5] for r in counters)


# ----------------------------------------------------------------------------- limits, storage


def test_rate_limit_per_client_refuses_with_429_and_writes_no_answer(app, setup):
    limit = INSTR.integrity.client_posts_per_window
    for n in range(limit):
        _submit(app, _submission(setup.token_ids[n % 2], n, client_address="203.0.113.5"))
    with pytest.raises(survey.SubmitRefused) as refused:
        _submit(app, _submission(setup.token_ids[0], limit, client_address="203.0.113.5"))
    assert refused.value.reason == "rate_limited"
    assert len(_rows(app)) == limit
    # Another client is not affected.
    _submit(app, _submission(setup.token_ids[0], limit + 1, client_address="203.0.113.6"))


def test_rate_limited_post_shows_a_429_page(app, client, setup, monkeypatch):
    key = begin(client, setup.tokens[0], "resident")

    def refuse(*_args, **_kwargs):
        raise survey.SubmitRefused("rate_limited")

    monkeypatch.setattr(survey, "submit_response", refuse)
    response = client.post("/s/resident/questions", data={**answers_for("resident"), "key": key})
    assert response.status_code == 429
    assert "10 phút" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Gọi 0912 345 678 nhé", "Gọi *** nhé"),
        ("số +84 912.345.678", "số ***"),
        ("mail me: em.be+1@example.com.vn ok", "mail me: *** ok"),
        ("  nhiều    khoảng\ttrắng \x00 ", "nhiều khoảng trắng"),
        ("lớp 6A, năm 2025", "[lớp], năm [số]"),  # classes and numbers are masked too
        ("", None),
        ("x" * 400, "x" * 300),
    ],
)
def test_comments_are_masked_and_capped(text, stored):
    assert survey.mask_comment(text, INSTR.integrity.comment_max_chars) == stored


@pytest.mark.parametrize(
    ("seconds", "stored"),
    [(None, None), (-5, None), (9.9, 0), (57, 50), (125.4, 120), (9999, 3600)],
)
def test_duration_is_coarse(seconds, stored):
    rules = INSTR.integrity
    assert (
        survey.coarse_duration(seconds, rules.duration_bucket_seconds, rules.duration_cap_seconds)
        == stored
    )


def test_only_the_day_is_stored_in_the_wards_time_zone(app, setup):
    now = dt.datetime(2026, 11, 28, 18, 30)  # 01:30 on the 29th in Vietnam
    _submit(app, _submission(setup.token_ids[0], 1), now=now)
    (row,) = _rows(app)
    assert row.day == dt.date(2026, 11, 29)
    assert row.duration_s is None  # the page was shown "after" this now: no negative time


def test_service_rejects_answers_that_do_not_fit_the_instrument(app, setup):
    bad = _submission(setup.token_ids[0], 1, answers={"overall": 9})
    with pytest.raises(survey.InvalidSubmission) as error:
        _submit(app, bad)
    assert "value:overall" in error.value.problems and "missing:safety" in error.value.problems
    assert _rows(app) == []


# ----------------------------------------------------------------------------- tokens


def test_tokens_are_random_and_every_change_is_audited(app, setup):
    with app.app_context():
        session = get_session()
        token = session.get(PosterToken, setup.token_ids[0])
        # 26 typable Crockford base32 characters: 130 random bits.
        assert len(token.token) == 26 and token_format.TYPED_TOKEN.match(token.token)
        tokens.pause_token(session, token.id, reason="poster torn")
        assert tokens.lookup(session, token.token).state is TokenState.PAUSED
        with pytest.raises(TokenError):
            tokens.pause_token(session, token.id)
        tokens.resume_token(session, token.id)
        tokens.set_cap(session, token.id, 70, reason="bigger group")
        fresh = tokens.rotate_token(session, token.id, reason="reprinted")
        assert fresh.cap == 70 and fresh.group_id == token.group_id
        info = tokens.lookup(session, token.token)
        assert info.state is TokenState.ROTATED and info.replacement == fresh.token
        tokens.revoke_token(session, fresh.id, reason="posted online")
        assert tokens.lookup(session, token.token).replacement is None
        actions = session.execute(
            select(AuditEntry.action).where(AuditEntry.entity == "poster_token")
        ).scalars()
        assert Counter(actions) == {
            "token.create": 3,  # two from the setup, one by the rotation
            "token.pause": 1,
            "token.resume": 1,
            "token.cap": 1,
            "token.rotate": 1,
            "token.revoke": 1,
        }
        # The audit log names tokens by id: the secret itself is never written there.
        for entry in session.execute(select(AuditEntry)).scalars():
            assert token.token not in entry.new + entry.old
            assert fresh.token not in entry.new + entry.old


def test_lookup_states(app, setup):
    with app.app_context():
        session = get_session()
        assert tokens.lookup(session, "x").state is TokenState.UNKNOWN
        assert tokens.lookup(session, "A" * 43).state is TokenState.UNKNOWN
        assert tokens.lookup_by_id(session, "1").state is TokenState.UNKNOWN
        assert tokens.lookup_by_id(session, 999).state is TokenState.UNKNOWN
        assert tokens.lookup(session, setup.tokens[0]).usable
        tokens.set_cap(session, setup.token_ids[0], 0)
        assert tokens.lookup(session, setup.tokens[0]).state is TokenState.CAPPED
        with pytest.raises(TokenError):
            tokens.set_cap(session, setup.token_ids[0], -1)

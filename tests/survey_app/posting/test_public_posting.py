"""The public posting page: the locked 13-criterion result, the period, the survey summary, and
residents' comments (anonymous, masked, CSRF-protected, rate limited, only while posted)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import inspect

from survey_app.core.db import engine, get_session, write_transaction
from survey_app.core.vntime import today_vn
from survey_app.models import AssessmentRound
from survey_app.posting import service
from survey_app.results.dashboard import build_dashboard
from survey_app.workspace import lifecycle as rounds
from survey_app.workspace import scorecard as scorecard_service
from tests.survey_app.page import page_text
from tests.survey_app.posting.factories import page_url, post_demo, post_round, stored_feedback
from tests.survey_app.workspace_factories import SURVEY_INPUTS, advance, make_world, user

COMMENT = "Điểm tiêu chí 12 chưa đúng: sân chơi tổ 3 chưa có đèn chiếu sáng."


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


def test_a_posted_round_shows_the_locked_result_without_signing_in(app, client, world):
    post_round(app, world, start_offset=-1, days=7)
    response = client.get(page_url(world))
    assert response.status_code == 200
    page = page_text(response)
    with app.app_context():
        session = get_session()
        card = scorecard_service.round_score(
            session, session.get(AssessmentRound, world.round_id)
        ).card
        lock = scorecard_service.active_lock(session, world.round_id)
    assert card is not None and lock is not None and card.total == lock.total
    # Points of every criterion, total, threshold and verdict, as the staff scorecard has them.
    assert len(card.criteria) == 13
    for c in card.criteria:
        assert f"{c.number} {c.name.get('vi')}" in page
        name = re.escape(c.name.get("vi"))
        assert re.search(rf"{name}\s*\*?\s*{c.points} / {c.max_points}", page)
    assert f"Tổng cộng {card.total} / {card.max_total}" in page
    assert f"ngưỡng đạt chuẩn: {card.threshold} điểm" in page
    assert "ĐẠT chuẩn phường phù hợp với trẻ em" in page and card.recognised
    start, end = today_vn() - dt.timedelta(days=1), today_vn() + dt.timedelta(days=5)
    assert f"Từ ngày {start:%d/%m/%Y} đến hết ngày {end:%d/%m/%Y} (7 ngày)." in page
    assert "Gửi góp ý" in page  # the form, while posted
    assert "Khảo sát ý kiến trẻ em và người dân (tiêu chí 13)" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    english = page_text(client.get(page_url(world) + "?lang=en"))
    assert "Posting period" in english and "Send your comment" in english


def test_the_wards_address_leads_to_its_newest_posted_round(app, client, world):
    latest = client.get("/posting/test-ward")
    assert latest.status_code == 200 and "chưa có kết quả" in page_text(latest).lower()
    assert client.get(page_url(world)).status_code == 404  # not posted yet
    assert client.get("/posting/no-such-ward").status_code == 404
    post_round(app, world)
    found = client.get("/posting/test-ward")
    assert found.status_code == 303 and found.headers["Location"].endswith(page_url(world))


def test_a_comment_names_no_person_but_keeps_the_criterion_and_place(app, client, world):
    post_round(app, world)
    text = "Ông Nguyễn Văn Hùng nói tiêu chí 4 sai, cháu học lớp 7A ở tổ 3."
    assert client.post(page_url(world), data={"text": text}).status_code == 303
    (row,) = stored_feedback(app, world.round_id)
    assert "Hùng" not in row.text and "7A" not in row.text
    assert "tiêu chí 4" in row.text and "tổ 3" in row.text


def test_a_comment_is_stored_masked_and_anonymous(app, client, world):
    post_round(app, world)
    sent = client.post(
        page_url(world),
        data={"text": COMMENT + " Gọi 0912 345 678, CCCD 001203004567, mail a.b@x.vn."},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert sent.status_code == 303
    assert "Đã nhận góp ý" in page_text(client.get(sent.headers["Location"]))
    (row,) = stored_feedback(app, world.round_id)
    assert row.text.startswith(COMMENT)
    assert "0912" not in row.text and "001203004567" not in row.text and "@" not in row.text
    assert row.text.count("***") == 3
    assert row.status == "new" and row.answer == "" and row.answered_by_id is None
    assert abs(row.received_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        minutes=5
    )  # stored in UTC
    with app.app_context():
        columns = {c["name"] for c in inspect(engine()).get_columns("posting_feedback")}
        with engine().connect() as conn:
            rows = conn.exec_driver_sql("SELECT * FROM posting_feedback").fetchall()
    # Nothing of the sender: no address, agent, name or contact column, and no trace of the IP.
    assert columns == {
        "id",
        "round_id",
        "text",
        "received_at",
        "status",
        "answer",
        "answered_by_id",
        "answered_at",
    }
    assert "203.0.113.9" not in repr(rows)


def test_comments_need_a_valid_csrf_token(app, client, world):
    post_round(app, world)
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post(page_url(world), data={"text": COMMENT, "csrf_token": "forged"})
    assert refused.status_code == 400 and "hết hạn" in page_text(refused)
    page = client.get(page_url(world)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post(page_url(world), data={"text": COMMENT, "csrf_token": token}).status_code == 303
    )
    assert len(stored_feedback(app, world.round_id)) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Hãy viết góp ý"), ("ngắn", "ít nhất 10 ký tự"), ("x" * 1001, "tối đa 1000 ký tự")],
)
def test_a_comment_too_short_or_too_long_is_refused(app, client, world, text, message):
    post_round(app, world)
    refused = client.post(page_url(world), data={"text": text})
    assert refused.status_code == 422 and message in page_text(refused)
    assert stored_feedback(app, world.round_id) == []


def test_a_comment_that_is_only_contact_details_is_too_short_after_masking(app, world):
    post_round(app, world)
    with app.app_context(), pytest.raises(service.PostingError) as refused:
        service.submit_feedback(
            get_session(), world.round_id, "0912 345 678", client_address=None, secret="k"
        )
    assert refused.value.status == 422
    assert stored_feedback(app, world.round_id) == []


@pytest.mark.parametrize(
    ("start_offset", "message"),
    [(2, "bắt đầu từ ngày"), (-30, "Đã hết thời gian niêm yết")],
)
def test_comments_outside_the_posting_period_are_refused(app, client, world, start_offset, message):
    post_round(app, world, start_offset=start_offset, days=7)
    page = page_text(client.get(page_url(world)))
    assert "Gửi góp ý" not in page and message in page
    refused = client.post(page_url(world), data={"text": COMMENT})
    assert refused.status_code == 409 and message in page_text(refused)
    assert stored_feedback(app, world.round_id) == []


def test_the_last_posting_day_takes_comments_until_midnight_in_vietnam(app, world):
    post_round(app, world, start_offset=-6, days=7)  # today is the 7th and last day
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        period = service.period_of_round(session, round_)
        assert period is not None and period.end == today_vn() and period.days == 7
        last = dt.datetime.combine(period.end, dt.time(16, 59), tzinfo=dt.UTC)  # 23:59 in Vietnam
        after = last + dt.timedelta(minutes=1)  # 00:00 the next day in Vietnam
        assert service.accepting(session, round_, now=last)
        assert not service.accepting(session, round_, now=after)


def test_a_sent_round_stays_public_but_takes_no_more_comments(app, client, world):
    post_round(app, world, start_offset=-8, days=7)
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with write_transaction(session) as tx:  # the test rules have provisional rows
            rounds.allow_provisional(
                tx, round_, reason="Thử gửi hồ sơ", actor=user(tx, world, "quantri")
            )
        with write_transaction(session) as tx:
            rounds.send_to_authority(
                tx, round_, sent_on=today_vn(), letter_number="15", actor=user(tx, world, "vhxh")
            )
    assert client.get(page_url(world)).status_code == 200
    assert client.post(page_url(world), data={"text": COMMENT}).status_code == 409
    assert stored_feedback(app, world.round_id) == []


def test_a_locked_round_not_yet_posted_is_not_public(app, client, world):
    from tests.survey_app.posting.factories import PASSING
    from tests.survey_app.workspace_factories import enter_everything

    enter_everything(app, world, PASSING)
    advance(app, world, "locked")
    assert client.get(page_url(world)).status_code == 404
    assert client.post(page_url(world), data={"text": COMMENT}).status_code == 404


def test_comments_are_rate_limited_per_source(app, client, world):
    post_round(app, world)
    limit = service.LIMITS["client_posts_per_window"]
    for n in range(limit):
        sent = client.post(
            page_url(world),
            data={"text": f"{COMMENT} ({n})"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
        assert sent.status_code == 303
    refused = client.post(
        page_url(world), data={"text": COMMENT}, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert refused.status_code == 429 and "đợi khoảng" in page_text(refused)
    other = client.post(
        page_url(world), data={"text": COMMENT}, environ_base={"REMOTE_ADDR": "198.51.100.8"}
    )
    assert other.status_code == 303  # another source is not held back
    assert len(stored_feedback(app, world.round_id)) == limit + 1


def test_the_public_results_page_leads_to_the_posting(app, client, world):
    post_round(app, world)
    results = client.get(f"/results/test-ward?round={world.round_id}")
    assert results.status_code == 200
    assert f'href="{page_url(world)}"' in results.get_data(as_text=True)


def test_the_survey_summary_is_the_public_results_with_small_cells_hidden(app, client):
    round_id = post_demo(app, answers=8, seed=1)
    page = client.get(f"/posting/dinh-ke/{round_id}")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    with app.test_request_context():
        session = get_session()
        view = build_dashboard(session, round_id, lang="vi")
        rows = service.survey_rows(view)
        shown = service.posting_page(
            session, session.get(AssessmentRound, round_id), lang="vi"
        ).survey_rows
    assert shown == rows and len(rows) == len(view.audiences) + 1
    text = page_text(page)
    for row in rows:
        if row.clean is None:  # a small cell: its rate is never shown
            assert f"{row.label} {row.clean_n} <5" in text, row.label
        else:
            assert f"{row.label} {row.clean_n}" in text
    assert any(row.clean is None for row in rows)  # 8 answers: the audiences are small cells

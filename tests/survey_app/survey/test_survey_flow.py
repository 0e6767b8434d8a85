"""The public survey through the Flask test client: the happy paths and every error path."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from survey_app.core.db import get_session
from survey_app.models import Answer, AnswerCount, PosterToken, Response
from survey_app.survey import tokens
from tests.survey_app.page import page_text
from tests.survey_app.survey_factories import (
    CHILD_PROFILE,
    RESIDENT_PROFILE,
    answers_for,
    backdate_start,
    begin,
    hidden_key,
    make_survey,
    varied_answers,
)


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2)


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        session = get_session()
        return (
            session.execute(select(func.count()).select_from(Response)).scalar_one(),
            session.execute(select(func.count()).select_from(Answer)).scalar_one(),
            session.execute(select(func.count()).select_from(AnswerCount)).scalar_one(),
            session.execute(select(func.coalesce(func.sum(PosterToken.used), 0))).scalar_one(),
        )


NOTHING = (0, 0, 0, 0)


# ----------------------------------------------------------------------------- happy paths


@pytest.mark.parametrize(
    ("audience", "lang", "expected"),
    [
        ("child", None, ["Cảm ơn em!", "111", "Tổng đài quốc gia bảo vệ trẻ em"]),
        ("child", "en", ["Thank you!", "111", "National Child Protection Hotline"]),
        ("resident", None, ["Cảm ơn ông/bà!"]),
        ("resident", "en", ["Thank you!", "Your answers are saved"]),
    ],
)
def test_whole_flow_stores_answers_with_the_tokens_group(
    app, client, setup, audience, lang, expected
):
    token = setup.tokens[1]
    key = begin(client, token, audience, lang=lang)
    backdate_start(client)
    response = client.post(
        f"/s/{audience}/questions",
        data={**varied_answers(audience), "key": key, "comment": "Cần thêm sân chơi"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in expected:
        assert text in page
    if audience == "resident":
        assert "111" not in page_text(response)  # the hotline is on the children's page
    # The token never appears in the final address or page.
    assert token not in response.request.url and token not in page
    with app.app_context():
        row = get_session().execute(select(Response)).scalar_one()
        assert row.group_id == setup.group_ids[1]
        assert row.round_id == setup.round_id
        assert row.audience == audience
        assert row.channel == "qr"
        assert row.comment == "Cần thêm sân chơi"
        assert not row.flagged
        assert len(row.answers) == (7 if audience == "child" else 8)


def test_pages_are_in_english_one_tap_away(client, setup):
    client.get(f"/q/{setup.tokens[0]}")
    assert "Ai đang trả lời?" in client.get("/s").get_data(as_text=True)
    english = client.get("/s?lang=en").get_data(as_text=True)
    assert "Who is answering?" in english and "I am a child (10–15 years old)" in english
    profile = client.get("/s/child").get_data(as_text=True)
    assert "Before you start" in profile and "My parent or carer knows" in profile
    client.post("/s/child", data=CHILD_PROFILE)
    questions = html.unescape(client.get("/s/child/questions").get_data(as_text=True))
    assert "How do you feel about how safe you are" in questions
    assert "Very satisfied" in questions and "Don't know / no answer" in questions


def test_scan_redirects_to_a_clean_address_and_sets_privacy_headers(client, setup):
    response = client.get(f"/q/{setup.tokens[0]}")
    # A landing page (Open Graph tags for chat previews) that moves on to /s at once.
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="0; url=/s">' in response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/s")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("cfw_b="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie


def test_questions_page_fits_the_weight_budget_without_external_requests(client, setup):
    begin(client, setup.tokens[0], "child")
    page = client.get("/s/child/questions")
    body = page.get_data()
    css = b""
    for name in ("app.css", "survey.css"):
        with client.get(f"/static/css/{name}") as static:
            css += static.get_data()
    assert len(body) + len(css) <= 30 * 1024, len(body) + len(css)
    text = body.decode()
    assert "<script" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    # Every radio has its own label; every question is a fieldset with a legend.
    assert text.count('type="radio"') == text.count('<label for="q_') == 7 * 6
    assert text.count("<fieldset") == text.count("<legend") == 7


# ----------------------------------------------------------------------------- token states


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        ("pause", 423, "Khảo sát đang tạm dừng"),
        ("revoke", 410, "không còn dùng được"),
        ("rotate", 410, "Áp phích này đã được thay"),
        ("cap", 409, "đã nhận đủ câu trả lời"),
        ("close", 303, "Kết quả khảo sát"),
    ],
)
def test_unusable_tokens_get_a_page_saying_what_to_do(app, client, setup, change, code, text):
    with app.app_context():
        session = get_session()
        token_id = setup.token_ids[0]
        if change == "pause":
            tokens.pause_token(session, token_id)
        elif change == "revoke":
            tokens.revoke_token(session, token_id)
        elif change == "rotate":
            fresh = tokens.rotate_token(session, token_id)
        elif change == "cap":
            tokens.set_cap(session, token_id, 0)
        else:
            from survey_app.core.db import write_transaction
            from survey_app.models import AssessmentRound

            with write_transaction(session):
                session.get(AssessmentRound, setup.round_id).status = "closed"
    response = client.get(f"/q/{setup.tokens[0]}")
    if change == "close":  # once the round closes, the poster opens the group's results
        assert response.status_code == code
        assert f"/results/test-survey/{setup.group_ids[0]}" in response.headers["Location"]
        assert text in client.get(response.headers["Location"]).get_data(as_text=True)
        assert _counts(app) == NOTHING
        return
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert text in page
    if change == "rotate":
        assert f"/q/{fresh.token}" in page  # the old poster forwards to the new one
    assert _counts(app) == NOTHING


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a/b", "%00" * 20, "é" * 30, "A" * 500])
def test_unknown_or_malformed_tokens_are_404(client, setup, token):
    response = client.get(f"/q/{token}")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_token_paused_while_answering_still_stores_the_answer_started_before(app, client, setup):
    key = begin(client, setup.tokens[0], "resident")
    backdate_start(client)
    with app.app_context():
        tokens.pause_token(get_session(), setup.token_ids[0])
    data = {**varied_answers("resident"), "key": key}
    response = client.post("/s/resident/questions", data=data, follow_redirects=True)
    assert response.status_code == 200 and "Đã gửi xong!" in response.get_data(as_text=True)
    assert _counts(app)[0] == 1
    # A new answer cannot start on the paused poster; the page names the group and the ward.
    client.get("/s/another")
    page = client.get("/s")
    assert page.status_code == 423
    text = page.get_data(as_text=True)
    assert "Tổ dân phố 1" in text and "Phường Thử Nghiệm" in text


def test_paused_poster_refuses_a_form_it_did_not_show(app, client, setup):
    key = begin(client, setup.tokens[0], "resident")
    with app.app_context():
        tokens.pause_token(get_session(), setup.token_ids[0])
    data = {**answers_for("resident"), "key": key + "x"}  # not the page shown before the pause
    response = client.post("/s/resident/questions", data=data)
    assert response.status_code == 423
    assert _counts(app) == NOTHING


def test_back_or_reload_after_sending_never_shows_the_form_nor_stores_twice(app, client, setup):
    key = begin(client, setup.tokens[0], "resident")
    backdate_start(client)
    data = {**varied_answers("resident"), "key": key}
    sent = client.post("/s/resident/questions", data=data)
    assert sent.status_code == 303 and sent.location.endswith("/s/sent")
    assert "Đã gửi xong!" in client.get("/s/sent").get_data(as_text=True)  # reload
    for url in ("/s/resident/questions", "/s/resident", "/s"):  # Back, Back, Back
        page = client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "đã được gửi" in text, url
        assert 'name="q_safety"' not in text and "/s/another" in text
    again = client.post("/s/resident/questions", data=data)  # the browser resends the form
    assert again.status_code == 303 and again.location.endswith("/s/sent")
    assert _counts(app)[0] == 1  # resending stored nothing


def test_another_household_member_starts_a_fresh_unflagged_answer(app, client, setup):
    for _ in range(3):
        key = begin(client, setup.tokens[0], "child") if _ == 0 else _next_person(client)
        backdate_start(client)
        data = {**varied_answers("child"), "key": key}
        assert client.post("/s/child/questions", data=data).status_code == 303
    with app.app_context():
        rows = get_session().execute(select(Response).order_by(Response.id)).scalars().all()
    assert [r.flag_repeat for r in rows] == [False, False, False]
    assert not any(r.held for r in rows)


def _next_person(client) -> str:
    assert client.get("/s/another").status_code == 303
    assert client.post("/s/child", data=CHILD_PROFILE).status_code == 303
    return hidden_key(client.get("/s/child/questions").get_data(as_text=True))


def test_survey_pages_without_a_scan_say_to_scan(client, setup):
    for url in ("/s", "/s/child", "/s/child/questions"):
        response = client.get(url)
        assert response.status_code == 400
        assert "quét mã QR" in response.get_data(as_text=True)
    assert client.post("/s/child/questions", data=answers_for("child")).status_code == 400


def test_unknown_audience_is_404(client, setup):
    client.get(f"/q/{setup.tokens[0]}")
    assert client.get("/s/robot").status_code == 404


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("audience", "data", "missing"),
    [
        ("child", {"consent_self": "yes", "age_band": "10-12"}, "consent_guardian"),
        ("child", {"consent_guardian": "yes", "age_band": "13-15"}, "consent_self"),
        ("resident", {"age_band": "16-29"}, "consent_self"),
        ("child", {"consent_guardian": "yes", "consent_self": "yes"}, "age_band"),
        ("child", {**CHILD_PROFILE, "age_band": "30-59"}, "age_band"),  # not a child's band
        ("resident", {**RESIDENT_PROFILE, "gender": "robot"}, "gender"),
        ("resident", {**RESIDENT_PROFILE, "consent_self": "no"}, "consent_self"),
    ],
)
def test_missing_consent_or_bad_profile_is_400_with_what_to_fix(
    app, client, setup, audience, data, missing
):
    client.get(f"/q/{setup.tokens[0]}")
    response = client.post(f"/s/{audience}", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Cần sửa trước khi gửi" in page and f'href="#{missing}"' in page
    # Without an accepted profile the questions page sends people back to the consent page.
    assert client.get(f"/s/{audience}/questions").status_code == 303
    assert _counts(app) == NOTHING


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"q_overall": None}, "q_overall"),  # missing answer
        ({"q_safety": "6"}, "q_safety"),  # out of range
        ({"q_safety": "-1"}, "q_safety"),
        ({"q_play": "abc"}, "q_play"),
        ({"q_help": "4.5"}, "q_help"),
        ({"q_health": ""}, "q_health"),
        ({"comment": "x" * 301}, "comment"),
        ({"key": "short"}, "key"),
    ],
)
def test_bad_answers_are_400_listing_what_to_fix_and_write_nothing(
    app, client, setup, change, field
):
    key = begin(client, setup.tokens[0], "child")
    data = {**answers_for("child"), "key": key}
    for name, value in change.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    response = client.post("/s/child/questions", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Cần sửa trước khi gửi" in page
    assert f'href="#{field}"' in page
    assert "Chưa có gì được lưu" in page
    assert _counts(app) == NOTHING


def test_the_error_message_is_translated(client, setup):
    key = begin(client, setup.tokens[0], "child", lang="en")
    data = {**answers_for("child"), "key": key}
    data.pop("q_school")
    page = client.post("/s/child/questions", data=data).get_data(as_text=True)
    assert "Please fix before sending" in page and "Please choose an answer." in page


@pytest.mark.parametrize(
    "extra",
    [{"group_id": "2"}, {"q_unknown": "3"}, {"round_id": "9"}, {"token": "abc"}],
)
def test_forged_or_unknown_fields_are_refused_and_never_pick_the_group(app, client, setup, extra):
    key = begin(client, setup.tokens[0], "resident")
    data = {**answers_for("resident"), "key": key, **extra}
    response = client.post("/s/resident/questions", data=data)
    assert response.status_code == 400
    assert next(iter(extra)) in response.get_data(as_text=True)
    assert _counts(app) == NOTHING
    # The same answers without the forged field land in the token's group, not group 2.
    data = {**answers_for("resident"), "key": key}
    assert client.post("/s/resident/questions", data=data).status_code == 303
    with app.app_context():
        assert get_session().execute(select(Response.group_id)).scalar_one() == setup.group_ids[0]


def test_repeated_answer_field_is_refused(app, client, setup):
    key = begin(client, setup.tokens[0], "child")
    data = MultiDict({**answers_for("child"), "key": key})
    data.add("q_overall", "1")
    response = client.post("/s/child/questions", data=data)
    assert response.status_code == 400
    assert _counts(app) == NOTHING


def test_oversized_body_is_413_with_a_page(app, client, setup):
    key = begin(client, setup.tokens[0], "child")
    data = {**answers_for("child"), "key": key, "comment": "x" * (app.config["MAX_CONTENT_LENGTH"])}
    response = client.post("/s/child/questions", data=data)
    assert response.status_code == 413
    assert "<html" in response.get_data(as_text=True)
    assert _counts(app) == NOTHING


def test_expired_csrf_token_gets_a_friendly_page(app, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.get(f"/q/{setup.tokens[0]}")
    response = client.post("/s/child", data={**CHILD_PROFILE, "csrf_token": "forged"})
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)
    assert _counts(app) == NOTHING


def test_with_csrf_on_the_whole_flow_still_works(app, setup):
    import re

    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.get(f"/q/{setup.tokens[0]}")
    page = client.get("/s/resident").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post("/s/resident", data={**RESIDENT_PROFILE, "csrf_token": csrf}).status_code == 303
    )
    page = client.get("/s/resident/questions").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1)
    data = {**answers_for("resident"), "key": key, "csrf_token": csrf}
    assert client.post("/s/resident/questions", data=data).status_code == 303
    assert _counts(app)[0] == 1

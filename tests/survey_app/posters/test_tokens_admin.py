"""Staff manage poster tokens: every change is a POST with a reason and an audit row; typed
addresses are repaired (case, hyphens, spaces, i/l/o)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.core.db import get_session, write_transaction
from survey_app.models import AuditEntry, PosterToken
from survey_app.survey import token_format, tokens
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2, cap=40)


@pytest.fixture
def staff(setup, make_user, login):
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")


def _token(app, token_id: int) -> PosterToken:
    with app.app_context():
        token = get_session().get(PosterToken, token_id)
        get_session().expunge(token)
        return token


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _post(client, setup, action: str, **data):
    url = f"/rounds/{setup.round_id}/posters/tokens/{setup.token_ids[0]}/{action}"
    return client.post(url, data=data)


def test_page_shows_status_and_use_of_each_group(client, setup, staff):
    page = client.get(f"/rounds/{setup.round_id}/posters/tokens").get_data(as_text=True)
    assert "Tổ dân phố 1" in page and "Tổ dân phố 2" in page
    assert "0 / tối đa 40" in page
    assert tokens.display_token(setup.tokens[0]) in page


def test_pause_resume_cap_with_audit_rows(app, client, setup, staff):
    assert _post(client, setup, "pause", reason="tạm nghỉ lễ").status_code == 303
    assert _token(app, setup.token_ids[0]).status == "paused"
    assert client.get(f"/q/{setup.tokens[0]}").status_code == 423
    assert _post(client, setup, "resume", reason="hết lễ").status_code == 303
    assert _token(app, setup.token_ids[0]).status == "active"
    assert _post(client, setup, "cap", reason="tổ đông người", cap="120").status_code == 303
    assert _token(app, setup.token_ids[0]).cap == 120
    for action, reason in (
        ("token.pause", "tạm nghỉ lễ"),
        ("token.resume", "hết lễ"),
        ("token.cap", "tổ đông người"),
    ):
        rows = _audit(app, action)
        assert len(rows) == 1 and rows[0].reason == reason and rows[0].actor_role == "vhxh"


def test_rotated_old_url_names_the_new_poster(app, client, setup, staff):
    assert _post(client, setup, "rotate", reason="áp phích bị rách").status_code == 303
    with app.app_context():
        fresh = tokens.current_token(get_session(), setup.group_ids[0], setup.round_id)
        new = fresh.token
    assert new != setup.tokens[0]
    old = client.get(f"/q/{setup.tokens[0]}")
    assert old.status_code == 410 and f"/q/{new}" in old.get_data(as_text=True)
    assert client.get(f"/q/{new}").status_code == 200
    assert len(_audit(app, "token.rotate")) == 1 and len(_audit(app, "token.create")) == 3


def test_revoke_then_issue_a_new_token(app, client, setup, staff):
    assert _post(client, setup, "revoke", reason="bị đăng lên mạng").status_code == 303
    assert client.get(f"/q/{setup.tokens[0]}").status_code == 410
    page = client.get(f"/rounds/{setup.round_id}/posters/tokens").get_data(as_text=True)
    assert "Mã cũ đã bị thu hồi" in page
    url = f"/rounds/{setup.round_id}/posters/groups/{setup.group_ids[0]}/token"
    assert client.post(url, data={"reason": "in lại", "cap": "60"}).status_code == 303
    assert client.post(url, data={"reason": "in lại"}).status_code == 409  # already has one
    assert len(_audit(app, "token.revoke")) == 1


@pytest.mark.parametrize(
    ("action", "data", "code"),
    [
        ("pause", {}, 400),  # no reason
        ("pause", {"reason": "x"}, 400),  # too short
        ("cap", {"reason": "đủ rồi", "cap": "-3"}, 400),
        ("cap", {"reason": "đủ rồi", "cap": "nhiều"}, 400),
        ("resume", {"reason": "đang chạy"}, 409),  # an active token cannot be resumed
        ("explode", {"reason": "thử"}, 404),
    ],
)
def test_bad_changes_are_refused_and_write_nothing(app, client, setup, staff, action, data, code):
    response = _post(client, setup, action, **data)
    assert response.status_code == code
    token = _token(app, setup.token_ids[0])
    assert (token.status, token.cap) == ("active", 40)
    with app.app_context():
        audited = (
            get_session().scalars(select(AuditEntry).where(AuditEntry.action.like("token.%"))).all()
        )
    assert [a.action for a in audited] == ["token.create", "token.create"]


def test_changes_need_csrf(app, client, setup, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    assert _post(client, setup, "pause", reason="không có CSRF").status_code == 400
    assert _token(app, setup.token_ids[0]).status == "active"


def test_leaders_and_viewers_cannot_manage_tokens(client, setup, make_user, login):
    make_user("lead", role="leader", ward_id=setup.ward_id, group_id=setup.group_ids[0])
    login("lead")
    assert client.get(f"/rounds/{setup.round_id}/posters/tokens").status_code == 403
    assert _post(client, setup, "pause", reason="thử").status_code == 403


# ----------------------------------------------------------------------------- typed tokens


KNOWN = "0123456789abcdefghjkmnpqrs"  # 26 characters of the alphabet, with 0 and 1 in it


@pytest.fixture
def known(app, setup):
    with app.app_context(), write_transaction(get_session()) as session:
        token = session.get(PosterToken, setup.token_ids[1])
        token.token = KNOWN


@pytest.mark.parametrize(
    "typed",
    [
        KNOWN,
        KNOWN.upper(),
        "01234-56789-abcd-efgh-jkmn-pqrs",
        "O1234 56789 ABCD EFGH JKMN PQRS",  # O for zero, spaces
        "oI234-56789-abcd-efgh-jkmn-pqrs",  # o and I
        "0l234-56789-abcd-efgh-jkmn-pqrs",  # l for one
    ],
)
def test_typed_addresses_are_repaired(client, setup, known, typed):
    response = client.get(f"/q/{typed}")
    assert response.status_code == 200, typed
    with client.session_transaction() as sess:
        assert sess["sv_token"] == setup.token_ids[1]


@pytest.mark.parametrize(
    "typed", ["0123456789abcdefghjkmnpqr", "0123456789abcdefghjkmnpqrsz", "u" * 26]
)
def test_near_misses_stay_unknown(client, known, typed):
    assert client.get(f"/q/{typed}").status_code == 404


def test_older_long_tokens_keep_working(app, client, setup):
    legacy = "Xq3v9Kp2LmN8rT5wYz7bCd-Aa_bB0oIl1xyzXYZ12345"
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(PosterToken, setup.token_ids[0]).token = legacy
    assert client.get(f"/q/{legacy}").status_code == 200
    assert client.get(f"/q/{legacy.lower()}").status_code == 404  # case matters for them


def test_display_token_groups():
    assert tokens.display_token(KNOWN) == "01234-56789-abcd-efgh-jkmn-pqrs"
    assert tokens.normalise_typed(tokens.display_token(KNOWN).upper()) == KNOWN
    fresh = tokens.generate_token()
    assert len(fresh) == 26 and token_format.TYPED_TOKEN.match(fresh)

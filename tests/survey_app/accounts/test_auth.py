"""Sign-in, sessions, throttling, timeouts and role checks."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from flask import Flask
from werkzeug.exceptions import Forbidden, NotFound

from survey_app.accounts import auth
from survey_app.accounts import users as accounts
from survey_app.app import create_app
from survey_app.core.db import get_session, write_transaction
from survey_app.core.permissions import UnknownPermission
from survey_app.models import User
from tests.conftest import TEST_PASSWORD

GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng."


def _cookie(client) -> str | None:
    cookie = client.get_cookie("cfw_session")
    return cookie.value if cookie else None


def _user(app: Flask, user_id: int) -> User:
    with app.app_context():
        return get_session().get(User, user_id)


def test_anonymous_staff_page_redirects_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/staff/"


def test_login_then_logout(client, make_user, login):
    make_user("canbo", role="vhxh")
    response = login("canbo")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "Công chức Văn hóa - Xã hội" in page.get_data(as_text=True)
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/staff/").status_code == 302


def test_logout_also_voids_a_copied_cookie(app, client, make_user, login):
    make_user("canbo")
    login("canbo")
    stolen = _cookie(client)
    client.post("/logout")
    other = app.test_client()
    other.set_cookie("cfw_session", stolen)
    assert other.get("/staff/").status_code == 302


@pytest.mark.parametrize("case", ["unknown", "wrong-password", "disabled"])
def test_every_failure_gets_the_same_message(app, client, make_user, login, case):
    user_id = make_user("canbo")
    make_user("other")  # so the last admin may be disabled
    if case == "disabled":
        with app.app_context(), write_transaction(get_session()) as session:
            accounts.set_active(session, session.get(User, user_id), False, actor=None)
    username = "nobody" if case == "unknown" else "canbo"
    password = "wrong-password" if case == "wrong-password" else TEST_PASSWORD
    response = login(username, password)
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_unknown_users_cost_a_hash_verification(client, monkeypatch, login):
    calls = []
    monkeypatch.setattr(accounts, "burn_verify_time", lambda password: calls.append(password))
    login("nobody", "whatever-password")
    assert calls == ["whatever-password"]


def test_external_next_is_ignored(client, make_user):
    make_user("canbo")
    data = {"username": "canbo", "password": TEST_PASSWORD}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/staff/"


def test_account_throttling_outlives_the_app_instance(app, client, make_user, login):
    app.config["LOGIN_DELAY_BASE_S"] = 600  # the wait must outlast the test, however slow
    make_user("canbo")
    for _ in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        assert login("canbo", "wrong-password").status_code == 200
    refused = login("canbo")  # even the right password, from this source, until the wait ends
    assert refused.status_code == 429
    assert "thử lại sau" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # A second app (another worker or a restart) on the same database still refuses.
    second = create_app(dict(app.config, TESTING=True))
    data = {"username": "CANBO", "password": TEST_PASSWORD}
    assert second.test_client().post("/login", data=data).status_code == 429
    second.extensions["cfw_engine"].dispose()


def test_client_throttling_spans_usernames(app, client, make_user, login):
    app.config["LOGIN_FAILURES_PER_CLIENT"] = 3
    app.config["LOGIN_DELAY_BASE_S"] = 600
    make_user("canbo")
    for name in ("a1", "a2", "a3"):
        assert login(name, "wrong-password").status_code == 200
    assert login("canbo").status_code == 429


def test_a_success_resets_the_account_count(app, client, make_user, login):
    make_user("canbo")
    for _ in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"] - 1):
        login("canbo", "wrong-password")
    login("canbo")
    client.post("/logout")
    assert login("canbo", "wrong-password").status_code == 200  # counting starts again


def test_session_cookie_changes_at_login_and_old_content_is_dropped(client, make_user, login):
    make_user("canbo")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    before = _cookie(client)
    login("canbo")
    assert _cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session


def test_must_change_password_is_enforced_on_staff_routes(app, client, make_user, login):
    make_user("canbo", must_change_password=True)
    login("canbo")
    assert client.get("/staff/").headers["Location"] == "/password"
    response = client.post(
        "/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "mat-khau-rieng-cua-toi",
            "confirm_password": "mat-khau-rieng-cua-toi",
        },
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200  # still signed in, free to go


def test_password_form_shows_what_to_fix(client, make_user, login):
    make_user("canbo")
    login("canbo")
    data = {"current_password": TEST_PASSWORD, "new_password": "123456789"}
    page = client.post("/password", data=dict(data, confirm_password="123456789"))
    html = page.get_data(as_text=True)
    assert "phổ biến" in html
    assert 'aria-describedby="new_password-hint new_password-errors"' in html
    html = client.post("/password", data=dict(data, confirm_password="khac")).get_data(True)
    assert "không giống nhau" in html
    assert 'aria-describedby="confirm_password-errors" aria-invalid="true"' in html
    wrong = dict(data, current_password="sai-roi-nhe", new_password="mot-cau-rat-dai")
    html = client.post("/password", data=dict(wrong, confirm_password="mot-cau-rat-dai"))
    assert 'id="current_password-errors"' in html.get_data(as_text=True)


def test_idle_timeout(app, client, make_user, login, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    make_user("canbo")
    login("canbo")
    now[0] += app.config["SESSION_IDLE_TIMEOUT_S"] - 60
    assert client.get("/staff/").status_code == 200  # activity renews the idle clock
    now[0] += app.config["SESSION_IDLE_TIMEOUT_S"] - 60
    assert client.get("/staff/").status_code == 200
    now[0] += app.config["SESSION_IDLE_TIMEOUT_S"] + 1
    response = client.get("/staff/", follow_redirects=True)
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_absolute_timeout_even_when_active(app, client, make_user, login, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    make_user("canbo")
    login("canbo")
    step = app.config["SESSION_IDLE_TIMEOUT_S"] // 2
    while now[0] + step < 1_000_000.0 + app.config["SESSION_ABSOLUTE_TIMEOUT_S"]:
        now[0] += step
        assert client.get("/staff/").status_code == 200
    now[0] += step
    assert client.get("/staff/").status_code == 302


def test_disabling_a_user_ends_their_open_session(app, client, make_user, login):
    user_id = make_user("canbo", role="viewer")
    admin_id = make_user("quantri")
    login("canbo")
    assert client.get("/staff/").status_code == 200
    with app.app_context(), write_transaction(get_session()) as session:
        admin = session.get(User, admin_id)
        accounts.set_active(session, session.get(User, user_id), False, actor=admin)
    assert client.get("/staff/").status_code == 302


def test_require_gives_403_to_roles_without_the_permission(app, client, make_user, login):
    @app.get("/test-only/admin")
    @auth.require("audit.read")  # the table grants it to administrators only
    def admin_only() -> str:
        return "ok"

    make_user("xem", role="viewer")
    make_user("quantri")
    assert client.get("/test-only/admin").status_code == 302  # anonymous → sign in
    login("xem")
    assert client.get("/test-only/admin").status_code == 403
    client.post("/logout")
    login("quantri")
    assert client.get("/test-only/admin").get_data(as_text=True) == "ok"


def test_require_refuses_an_unknown_permission_when_decorating():
    with pytest.raises(UnknownPermission, match=r"audit\.reed"):
        auth.require("audit.reed")


def test_login_rehashes_when_parameters_change(app, client, make_user, login, monkeypatch):
    user_id = make_user("canbo")
    old_hash = _user(app, user_id).password_hash
    stronger = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    login("canbo")
    new_hash = _user(app, user_id).password_hash
    assert new_hash != old_hash and "t=3" in new_hash
    assert accounts.verify_password(new_hash, TEST_PASSWORD)


def test_scope_helpers():
    officer = User(role="unit", unit="yte", ward_id=1, active=True)
    vhxh = User(role="vhxh", unit="vhxh", ward_id=1, active=True)
    leader = User(role="leader", group_id=5, ward_id=1, active=True)
    council = User(role="council", ward_id=1, active=True)
    root = User(role="admin", ward_id=None, active=True)
    assert auth.can_edit_unit(officer, "yte") and not auth.can_edit_unit(officer, "congan")
    assert auth.can_edit_unit(vhxh, "congan") and not auth.can_edit_unit(council, "yte")
    assert auth.can_read_unit(council, "yte") and not auth.can_read_unit(officer, "congan")
    assert auth.can_see_group(leader, 5) and not auth.can_see_group(leader, 6)
    assert auth.can_see_group(council, 6)
    assert auth.can_access_ward(officer, 1) and not auth.can_access_ward(officer, 2)
    assert auth.can_access_ward(root, 2)
    assert not auth.can_edit_unit(None, "yte")
    disabled = User(role="unit", unit="yte", ward_id=1, active=False)
    assert not auth.can_edit_unit(disabled, "yte")


def test_require_same_ward_aborts(app):
    with pytest.raises(NotFound):  # another ward's object answers like an unknown one
        auth.require_same_ward(User(role="vhxh", ward_id=1, active=True), 2)
    with pytest.raises(Forbidden):
        auth.require_group(User(role="leader", group_id=1, ward_id=1, active=True), 2)

"""Security headers, error pages, CSRF expiry, a busy database and the production secret."""

from __future__ import annotations

import sqlite3

import pytest
from flask import abort
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from survey_app.accounts import users as accounts
from survey_app.app import create_app
from survey_app.core.db import get_session
from survey_app.models import AuditEntry, User
from tests.conftest import TEST_PASSWORD

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def _assert_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_headers_on_a_public_page_without_no_store(client):
    response = client.get("/")
    _assert_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in response.headers


def test_headers_and_no_store_on_staff_and_auth_pages(client, make_user, login):
    _assert_headers(login_page := client.get("/login"))
    assert login_page.headers["Cache-Control"] == "no-store"
    make_user("canbo")
    login("canbo")
    response = client.get("/staff/")
    assert response.status_code == 200
    _assert_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://survey.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_headers_on_404_and_500(app, client):
    @app.get("/test-only/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.get_data(True)
    _assert_headers(missing)
    broken = client.get("/test-only/boom")
    assert broken.status_code == 500 and "Có lỗi xảy ra" in broken.get_data(as_text=True)
    assert "a bug" not in broken.get_data(as_text=True)
    _assert_headers(broken)


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Yêu cầu không hợp lệ"),
        (403, "Không có quyền truy cập"),
        (404, "Không tìm thấy trang"),
        (410, "Trang không còn nữa"),
        (413, "Dữ liệu quá lớn"),
        (423, "Đang bị khóa"),
        (429, "Quá nhiều yêu cầu"),
        (500, "Có lỗi xảy ra"),
        (503, "Hệ thống đang bận"),
    ],
)
def test_every_error_has_a_page_and_json(app, client, code, title):
    @app.get("/test-only/abort")
    def aborted() -> str:
        abort(code)

    page = client.get("/test-only/abort")
    assert page.status_code == code and title in page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    as_json = client.get("/test-only/abort", headers={"Accept": "application/json"})
    assert as_json.status_code == code
    assert as_json.get_json()["error"] == code and as_json.get_json()["title"] == title


def test_405_lists_the_allowed_methods(client):
    response = client.get("/logout")
    assert response.status_code == 405 and response.headers["Allow"]
    assert "Thao tác không được phép" in response.get_data(as_text=True)


def test_oversized_body_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"username": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)


def test_expired_csrf_gets_a_friendly_page_with_a_way_back(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login?next=/staff/", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Biểu mẫu đã hết hạn, vui lòng gửi lại" in html
    assert 'href="/login?next=/staff/"' in html
    _assert_headers(response)


def test_production_refuses_a_weak_secret(monkeypatch, database_url):
    monkeypatch.setenv("CFW_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})
    monkeypatch.setenv("SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_a_busy_database_on_get_answers_503(app, client, monkeypatch):
    @app.get("/test-only/busy")
    def busy() -> str:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    response = client.get("/test-only/busy")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "đang bận" in response.get_data(as_text=True)


def test_a_locked_sqlite_database_answers_503_and_writes_nothing(
    app, database_url, make_user, login
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite write locks only")
    user_id = make_user("canbo")
    busy_app = create_app(dict(app.config, TESTING=True, SQLITE_BUSY_TIMEOUT_MS=100))
    client = busy_app.test_client()
    client.post("/login", data={"username": "canbo", "password": TEST_PASSWORD})
    with app.app_context():
        audit_rows = get_session().scalar(select(func.count()).select_from(AuditEntry))

    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        new = "mot-mat-khau-moi-dai"
        data = {"current_password": TEST_PASSWORD, "new_password": new, "confirm_password": new}
        response = client.post("/password", data=data)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    busy_app.extensions["cfw_engine"].dispose()

    assert response.status_code == 503
    assert "Chưa lưu được, vui lòng bấm Gửi lại" in response.get_data(as_text=True)
    with app.app_context():
        session = get_session()
        assert accounts.verify_password(session.get(User, user_id).password_hash, TEST_PASSWORD)
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows


def test_error_and_sign_in_pages_in_english(client):
    missing = client.get("/no-such-page?lang=en")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)  # the choice is remembered
    assert "Staff sign-in" in page and 'lang="en"' in page

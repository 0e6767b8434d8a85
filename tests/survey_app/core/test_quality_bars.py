"""QUALITY.md "Web security" bars that hold for every route, checked route by route.

Routes come from ``app.url_map``, so pages other features add later are covered too:
CSRF on every POST (a friendly "form expired" page, nothing changed), no state change on any
GET for any role, the security headers and no-store on every page, session cookie flags,
the production secret check, and no SQL built from strings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from survey_app.app import create_app
from survey_app.core.config import Defaults
from tests.survey_app.route_tools import (
    ROLE_CASES,
    engine_of,
    fill_rule,
    fingerprint,
    is_public,
    known_values,
    make_role_user,
    placeholders,
    route_rules,
    sign_in,
    signed_in,
    start_survey,
)
from tests.survey_app.survey_factories import make_survey

ROOT = Path(__file__).resolve().parents[3]
CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
FORM_EXPIRED = "Biểu mẫu đã hết hạn, vui lòng gửi lại"
GET_RULES = route_rules("GET")
POST_RULES = route_rules("POST")
MISSING_ID = 987_654


def _urls(rule: str, known: dict[str, list]) -> list[str]:
    """The rule with existing values, and with a missing id for each int placeholder."""
    names = placeholders(rule)
    existing = {name: (known.get(name) or [1])[0] for _conv, name in names}
    urls = [fill_rule(rule, existing)]
    for converter, name in names:
        if converter == "int":
            urls.append(fill_rule(rule, {**existing, name: MISSING_ID}))
    return urls


# ----------------------------------------------------------------------------- CSRF


@pytest.mark.parametrize("role", ROLE_CASES)
def test_every_post_without_a_csrf_token_gets_the_form_expired_page_and_changes_nothing(
    app, client, make_user, role
):
    setup = make_survey(app, groups=2, cap=50)
    username = make_role_user(make_user, role, setup)
    sign_in(client, username)  # CSRF is still off: the fixture's default
    start_survey(client, setup.tokens[0])
    app.config["WTF_CSRF_ENABLED"] = True
    known = known_values(setup)
    checked = 0
    for endpoint, rule in POST_RULES:
        if role != "anon" and is_public(endpoint):
            continue
        for url in _urls(rule, known):
            before = fingerprint(engine_of(app))
            response = client.post(url, data={"anything": "1", "csrf_token": "forged"})
            html = response.get_data(as_text=True)
            assert response.status_code == 400, (url, response.status_code)
            assert FORM_EXPIRED in html, url
            assert response.headers["Content-Security-Policy"] == CSP
            assert fingerprint(engine_of(app)) == before, f"{url} changed data without CSRF"
            checked += 1
    assert checked
    if username:
        assert signed_in(client)  # not even sign-out happens without the token


def test_every_post_route_is_covered_by_the_csrf_test():
    assert {"auth.login", "auth.logout", "public.questions"} <= {e for e, _r in POST_RULES}


# ----------------------------------------------------------------------------- GET


def _is_download(response) -> bool:
    return response.mimetype not in ("text/html", "application/json")


def _needs_sign_in(anonymous, url: str) -> bool:
    """True for staff pages: an anonymous visitor is sent to the sign-in page."""
    response = anonymous.get(url)
    return response.status_code in (302, 303) and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLE_CASES)
def test_no_get_changes_data_and_every_page_carries_the_security_headers(
    app, client, make_user, role
):
    setup = make_survey(app, groups=2, cap=50)
    username = make_role_user(make_user, role, setup)
    sign_in(client, username)
    start_survey(client, setup.tokens[0])
    known = known_values(setup)
    anonymous = app.test_client()
    seen: dict[int, int] = {}
    for endpoint, rule in GET_RULES:
        for url in _urls(rule, known):
            staff_page = _needs_sign_in(anonymous, url)
            before = fingerprint(engine_of(app))
            response = client.get(url)
            after = fingerprint(engine_of(app))
            code = response.status_code
            seen[code] = seen.get(code, 0) + 1
            assert code < 500, (url, code, response.get_data(as_text=True)[:300])
            assert after == before, (
                f"GET {url} ({role}) changed {[k for k in before if before[k] != after[k]]}"
            )
            headers = response.headers
            assert headers["Content-Security-Policy"] == CSP, url
            assert headers["X-Content-Type-Options"] == "nosniff", url
            assert headers["X-Frame-Options"] == "DENY", url
            # Staff and survey pages are never cached (public pages such as results may be).
            if staff_page or endpoint.split(".")[0] in ("public", "auth"):
                assert "no-store" in headers.get("Cache-Control", ""), (url, role)
            if endpoint.startswith("public."):
                assert headers["Referrer-Policy"] == "no-referrer", url
            if username and not signed_in(client):
                sign_in(client, username)
    assert seen.get(200), seen  # the walk reached real pages, not only refusals


# ----------------------------------------------------------------------------- cookies, secret


def test_session_cookie_is_httponly_and_lax_and_secure_in_production(
    app, client, make_user, monkeypatch, database_url
):
    make_user("canbo")
    signed = client.post("/login", data={"username": "canbo", "password": "ward-test-passphrase"})
    cookie = signed.headers["Set-Cookie"]
    assert cookie.startswith("cfw_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie

    monkeypatch.setenv("CFW_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k7Qm2vX9pL4sT8wZ1cR6yB3nH5jF0dGa")
    production = create_app({"DATABASE_URL": database_url, "TESTING": True})
    try:
        assert production.config["SESSION_COOKIE_SECURE"] is True
        assert production.config["SESSION_COOKIE_HTTPONLY"] is True
        assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        with production.test_request_context("/", base_url="https://survey.test"):
            from flask import session

            session["x"] = 1
            response = production.make_response("")
            production.session_interface.save_session(production, session, response)
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        production.extensions["cfw_engine"].dispose()


@pytest.mark.parametrize(
    "secret",
    [None, "", "dev-only-not-secret", "short-secret", "a" * 64, "abababababababababababababababab"],
)
def test_production_refuses_a_missing_or_weak_secret(monkeypatch, database_url, secret):
    monkeypatch.setenv("CFW_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_limits_and_timeouts_are_set():
    assert 0 < Defaults.MAX_CONTENT_LENGTH <= 64 * 1024
    assert 0 < Defaults.SESSION_IDLE_TIMEOUT_S <= Defaults.SESSION_ABSOLUTE_TIMEOUT_S <= 24 * 3600
    assert Defaults.LOGIN_FAILURES_PER_ACCOUNT <= 10 and Defaults.LOGIN_FAILURE_WINDOW_S > 0
    assert Defaults.SESSION_COOKIE_HTTPONLY and Defaults.SESSION_COOKIE_SAMESITE == "Lax"


# ----------------------------------------------------------------------------- SQL


# Calls whose SQL text must never be assembled from values at run time.
SQL_CALLS = {"text", "exec_driver_sql", "execute"}
# Formatted SQL that is safe, with why: (file, first characters of the SQL).
SAFE_FORMATTED_SQL = {
    ("survey_app/core/db.py", "PRAGMA busy_timeout="),  # an int() of a setting, not user input
    ("survey_app/core/health.py", "PRAGMA busy_timeout="),  # the same setting, restored
    ("survey_app/core/db.py", "BEGIN "),  # "DEFERRED" or "IMMEDIATE" from our own code
    ("survey_app/ops/backup.py", 'SELECT count(*) FROM "'),  # names from sqlite_master
}


def _formatted_sql_calls(path: Path) -> list[tuple[int, str]]:
    """(line, SQL prefix) of each text()/execute() call whose SQL is an f-string or format."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # A bare text() is SQL only when it is SQLAlchemy's (templates have a text() helper too).
    sql_text = any(
        isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("sqlalchemy")
        and any(alias.name == "text" for alias in node.names)
        for node in ast.walk(tree)
    )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name not in SQL_CALLS or (name == "text" and not sql_text):
            continue
        sql = node.args[0]
        formatted = isinstance(sql, ast.JoinedStr | ast.BinOp) or (
            isinstance(sql, ast.Call) and getattr(sql.func, "attr", "") == "format"
        )
        if formatted:
            first = sql.values[0] if isinstance(sql, ast.JoinedStr) and sql.values else None
            prefix = first.value if isinstance(first, ast.Constant) else ""
            found.append((node.lineno, str(prefix)))
    return found


def test_no_sql_is_built_from_strings():
    offenders = []
    for path in sorted((ROOT / "survey_app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue  # DDL written by hand, no user input
        for line, prefix in _formatted_sql_calls(path):
            if not any(relative == f and prefix.startswith(p) for f, p in SAFE_FORMATTED_SQL):
                offenders.append(f"{relative}:{line} {prefix!r}")
    assert not offenders, offenders


# ----------------------------------------------------------------------------- fuzz findings


@pytest.mark.parametrize("body", [[0], {"username": {"a": 1}}, "text", 1.5])
def test_a_json_body_to_a_form_route_is_a_400_page(client, body):
    response = client.post("/login", json=body)
    assert response.status_code == 400
    assert "Dữ liệu gửi lên không đúng" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [2**31, 2**63, 10**20])
def test_an_id_past_the_integer_columns_is_404_not_500(client, value):
    for endpoint, rule in GET_RULES + POST_RULES:
        if "<int:" not in rule:
            continue
        url = fill_rule(
            rule, {name: value if conv == "int" else "x" for conv, name in placeholders(rule)}
        )
        response = client.open(url, method="POST" if (endpoint, rule) in POST_RULES else "GET")
        assert response.status_code == 404, (url, response.status_code)

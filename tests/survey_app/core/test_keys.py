"""No known secret: per-instance secret file, derived keys, refusal off loopback, rotation."""

from __future__ import annotations

import os
import runpy
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from survey_app.app import create_app
from survey_app.commands.server import serve
from survey_app.core import keys
from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
STRONG = "k7Qm2vX9pL4sT8wZ1cR6yB3nH5jF0dGaYe4u"
OTHER_STRONG = "Zr8Lq3Wm6Tn1Vb5Xc9Hs2Jd7Kf4Gp0AeUo3i"


def _app(database_url: str, **config) -> Flask:
    return create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "DATABASE_URL": database_url, **config}
    )


def _forge(secret: str, payload: dict) -> str:
    """A session cookie signed the way Flask signs one, with ``secret``."""
    forger = Flask("forger")
    forger.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(payload)


def _staff_status(app: Flask, cookie: str) -> int:
    client = app.test_client()
    client.set_cookie("cfw_session", cookie)
    return client.get("/staff/").status_code


def _admin(app: Flask) -> tuple[int, int]:
    """A ward-less administrator: (id, session_version)."""
    from survey_app.accounts.users import create_user
    from survey_app.core.db import get_session, write_transaction

    with app.app_context(), write_transaction(get_session()) as session:
        user, _ = create_user(
            session, username="quantri", role="admin", password=TEST_PASSWORD,
            must_change_password=False,
        )  # fmt: skip
        return user.id, user.session_version


def test_derived_keys_are_distinct_and_stable():
    derived = {purpose: keys.derive(STRONG, purpose) for purpose in keys.LABELS}
    assert len(set(derived.values())) == len(keys.LABELS)
    assert derived == {purpose: keys.derive(STRONG, purpose) for purpose in keys.LABELS}
    assert keys.derive(OTHER_STRONG, "session") != derived["session"]
    # RFC 5869 test case 1 (SHA-256): the derivation is the standard HKDF.
    okm = keys.hkdf_sha256(
        bytes.fromhex("0b" * 22), bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"), 42,
        salt=bytes.fromhex("000102030405060708090a0b0c"),
    )  # fmt: skip
    assert okm.hex().startswith("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf")


def test_without_secret_key_a_random_instance_secret_is_made_once_with_mode_0600(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / "inst" / "secret_key"
    first = _app(database_url, SECRET_KEY_FILE=str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.is_strong(path.read_text().strip())
    second = _app(database_url, SECRET_KEY_FILE=str(path))
    other = _app(database_url, SECRET_KEY_FILE=str(tmp_path / "elsewhere" / "secret_key"))
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] != other.config["SECRET_KEY"]
    for key in ("SECRET_KEY", "WTF_CSRF_SECRET_KEY", "CLIENT_HASH_KEY", "USERNAME_HASH_KEY"):
        assert first.config[key] not in (path.read_text().strip(), "dev-only-not-secret")
    assert (
        len({first.config[k] for k in ("SECRET_KEY", "CLIENT_HASH_KEY", "USERNAME_HASH_KEY")}) == 3
    )
    for app in (first, second, other):
        app.extensions["cfw_engine"].dispose()


def test_cfw_init_creates_the_instance_secret(database_url, tmp_path, monkeypatch):
    from survey_app.commands.server import init

    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / "secret_key"
    app = _app(database_url, SECRET_KEY_FILE=str(path))
    path.unlink()  # as if the app had been built before the file existed
    with app.app_context():
        result = CliRunner().invoke(init, [], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "instance secret" in result.output and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    app.extensions["cfw_engine"].dispose()


def test_a_forged_admin_cookie_signed_with_the_old_public_key_gets_nowhere(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = _app(database_url, SECRET_KEY_FILE=str(tmp_path / "secret_key"))
    uid, version = _admin(app)
    now = int(time.time())
    for sv in range(12):  # the review's attack: every small session_version
        payload = {"auth": {"uid": uid, "sv": sv, "t0": now, "t": now}}
        assert _staff_status(app, _forge("dev-only-not-secret", payload)) == 302
        # Nor with the instance's master secret itself: sessions use a derived key.
        master = (tmp_path / "secret_key").read_text().strip()
        assert _staff_status(app, _forge(master, payload)) == 302
    # Control: the same payload signed with the app's real session key is accepted.
    real = {"auth": {"uid": uid, "sv": version, "t0": now, "t": now}}
    assert _staff_status(app, _forge(app.config["SECRET_KEY"], real)) == 200
    app.extensions["cfw_engine"].dispose()


def test_rotating_the_secret_ends_old_sessions_unless_the_old_one_is_a_fallback(
    database_url, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    before = _app(database_url, SECRET_KEY=STRONG)
    _admin(before)
    client = before.test_client()
    signed = client.post("/login", data={"username": "quantri", "password": TEST_PASSWORD})
    assert signed.status_code == 302
    cookie = client.get_cookie("cfw_session").value
    assert _staff_status(before, cookie) == 200

    rotated = _app(database_url, SECRET_KEY=OTHER_STRONG)
    assert _staff_status(rotated, cookie) == 302  # signed out
    during = _app(database_url, SECRET_KEY=OTHER_STRONG, SECRET_KEY_FALLBACKS=[STRONG])
    assert _staff_status(during, cookie) == 200  # still valid while the old key is a fallback
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", f"{STRONG}, ")
    from_env = _app(database_url, SECRET_KEY=OTHER_STRONG)
    assert _staff_status(from_env, cookie) == 200
    for app in (before, rotated, during, from_env):
        app.extensions["cfw_engine"].dispose()


@pytest.mark.parametrize(
    ("bind", "weak", "refused"),
    [
        ("0.0.0.0:5000", True, True),
        (":5000", True, True),
        ("192.168.1.20:5000", True, True),
        ("127.0.0.1:5000", True, False),
        ("[::1]:5000", True, False),
        ("localhost:5000", True, False),
        ("unix:/run/cfw/cfw.sock", True, False),
        ("0.0.0.0:5000", False, False),
    ],
)
def test_serving_beyond_loopback_needs_a_strong_secret(bind, weak, refused):
    config = {"CFW_SECRET_WEAK": weak}
    if refused:
        with pytest.raises(keys.SecretError, match=r"secrets\.token_urlsafe"):
            keys.check_serving(config, [bind])
    else:
        keys.check_serving(config, [bind])


def test_cfw_serve_refuses_a_weak_key_on_a_public_address(database_url, tmp_path):
    env = {
        "SECRET_KEY": "changeme",
        "DATABASE_URL": database_url,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    result = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--port", "5999"], env=env)
    assert result.exit_code == 1
    assert "refusing to listen on 0.0.0.0:5999 with a weak SECRET_KEY" in result.output
    assert "cfw init" in result.output


def test_production_takes_no_secret_from_nowhere(database_url, monkeypatch):
    monkeypatch.setenv("CFW_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is missing"):
        _app(database_url)


def _gunicorn_conf(monkeypatch, **env) -> dict:
    for name in ("CFW_BIND", "CFW_ALLOW_REMOTE_BIND", "TRUSTED_PROXIES", "TRUSTED_PROXY_ADDRESSES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_binds_loopback_or_a_socket_only(monkeypatch):
    assert _gunicorn_conf(monkeypatch)["bind"] == ["127.0.0.1:8000"]
    assert _gunicorn_conf(monkeypatch, CFW_BIND="unix:/run/cfw/cfw.sock")["bind"]
    with pytest.raises(SystemExit, match="CFW_ALLOW_REMOTE_BIND"):
        _gunicorn_conf(monkeypatch, CFW_BIND="0.0.0.0:8000")
    with pytest.raises(SystemExit, match="TRUSTED_PROXY_ADDRESSES"):
        _gunicorn_conf(
            monkeypatch, CFW_BIND="10.0.0.11:8000", CFW_ALLOW_REMOTE_BIND="1", TRUSTED_PROXIES="1"
        )
    conf = _gunicorn_conf(
        monkeypatch,
        CFW_BIND="10.0.0.11:8000",
        CFW_ALLOW_REMOTE_BIND="1",
        TRUSTED_PROXIES="1",
        TRUSTED_PROXY_ADDRESSES="10.0.0.2",
    )
    assert conf["bind"] == ["10.0.0.11:8000"]
    assert os.environ["TRUSTED_PROXY_ADDRESSES"] == "10.0.0.2"

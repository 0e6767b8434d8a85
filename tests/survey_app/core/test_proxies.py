"""TRUSTED_PROXIES believes X-Forwarded-* only from TRUSTED_PROXY_ADDRESSES (review S8, V7)."""

from __future__ import annotations

import pytest
from flask import request

from survey_app.app import create_app
from survey_app.core.security import TrustedProxyFix
from tests.conftest import TEST_PASSWORD

FORGED = {"X-Forwarded-For": "10.9.9.10", "X-Forwarded-Proto": "https"}


@pytest.fixture
def proxied(database_url):
    def _make(**config):
        app = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "SECRET_KEY": "test-secret-key",
                "DATABASE_URL": database_url,
                "TRUSTED_PROXIES": 1,
                **config,
            }
        )

        @app.get("/test-only/peer")
        def peer() -> dict[str, str]:
            return {"addr": request.remote_addr or "", "scheme": request.scheme}

        made.append(app)
        return app

    made: list = []
    yield _make
    for app in made:
        app.extensions["cfw_engine"].dispose()


def _peer(app, remote: str) -> dict[str, str]:
    client = app.test_client()
    return client.get("/test-only/peer", headers=FORGED, environ_base={"REMOTE_ADDR": remote}).json


def test_forwarded_headers_count_only_from_a_configured_proxy(proxied):
    app = proxied()
    assert _peer(app, "127.0.0.1") == {"addr": "10.9.9.10", "scheme": "https"}  # nginx here
    assert _peer(app, "::1") == {"addr": "10.9.9.10", "scheme": "https"}
    assert _peer(app, "203.0.113.5") == {"addr": "203.0.113.5", "scheme": "http"}  # direct


def test_proxy_addresses_may_be_networks_and_come_from_the_environment(proxied, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXY_ADDRESSES", "10.0.0.2, 192.168.5.0/24")
    app = proxied()
    assert app.config["TRUSTED_PROXY_ADDRESSES"] == ("10.0.0.2", "192.168.5.0/24")
    assert _peer(app, "10.0.0.2")["addr"] == "10.9.9.10"
    assert _peer(app, "192.168.5.77")["addr"] == "10.9.9.10"
    assert _peer(app, "127.0.0.1")["addr"] == "127.0.0.1"  # loopback no longer listed
    assert _peer(app, "10.0.0.3")["addr"] == "10.0.0.3"


def test_a_unix_socket_peer_is_trusted_only_when_listed():
    def plain(environ, start_response):  # pragma: no cover - never called
        return []

    assert TrustedProxyFix(plain, 1, ["unix"]).trusts("")
    assert not TrustedProxyFix(plain, 1, ["127.0.0.1"]).trusts("")
    assert not TrustedProxyFix(plain, 1, ["127.0.0.1"]).trusts("not-an-address")


def test_a_throttled_client_cannot_sign_in_by_forging_an_address(proxied, make_user):
    app = proxied(LOGIN_FAILURES_PER_CLIENT=3, LOGIN_DELAY_BASE_S=3600)
    make_user("vhxh", role="vhxh")
    direct = {"REMOTE_ADDR": "203.0.113.5"}
    client = app.test_client()
    for name in ("u1", "u2", "u3"):
        data = {"username": name, "password": "wrong"}
        assert client.post("/login", data=data, environ_base=direct).status_code == 200
    data = {"username": "vhxh", "password": TEST_PASSWORD}
    for forged in ("10.9.9.10", "10.9.9.11"):
        response = client.post(
            "/login", data=data, environ_base=direct, headers={"X-Forwarded-For": forged}
        )
        assert response.status_code == 429

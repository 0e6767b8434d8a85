"""The deployment files agree with the app and keep people's addresses out of the logs."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from flask import request

from survey_app.app import create_app
from survey_app.core.config import Defaults

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
# gunicorn access-log atoms that reveal a person: remote address, forwarded-for, user agent.
# Atoms are case-sensitive (%(H)s is the protocol); header names are not.
IDENTIFYING_ATOMS = re.compile(r"%\((h|a|\{(?i:[^}]*(user-agent|forwarded|real-ip)[^}]*)\}[ie])\)s")


def _gunicorn_settings(monkeypatch, **env: str) -> dict:
    for name in ("CFW_WORKERS", "CFW_TIMEOUT", "CFW_ACCESS_LOG", "CFW_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_uses_preloaded_sync_workers(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)

    assert settings["worker_class"] == "sync"
    assert settings["preload_app"] is True
    assert 2 <= settings["workers"] <= 9
    assert 0 < settings["timeout"] <= 60
    assert settings["accesslog"] is None  # off unless asked for


def test_gunicorn_access_log_format_names_no_one(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, CFW_ACCESS_LOG="-")

    fmt = settings["access_log_format"]
    assert settings["accesslog"] == "-"
    assert not IDENTIFYING_ATOMS.search(fmt), fmt
    assert "%(q)s" not in fmt and "%(r)s" not in fmt  # no query strings either
    # The pattern itself catches the usual culprits.
    for bad in ("%(h)s", "%(a)s", "%({user-agent}i)s", "%({X-Forwarded-For}i)s"):
        assert IDENTIFYING_ATOMS.search(bad)


def test_gunicorn_workers_come_from_the_environment(monkeypatch):
    assert _gunicorn_settings(monkeypatch, CFW_WORKERS="3")["workers"] == 3
    with pytest.raises(SystemExit, match="CFW_WORKERS must be a whole number"):
        _gunicorn_settings(monkeypatch, CFW_WORKERS="many")


def _nginx() -> str:
    text = (DEPLOY / "nginx.conf").read_text()
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())  # drop comments


def _size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_nginx_body_limit_equals_max_content_length():
    sizes = re.findall(r"^\s*client_max_body_size\s+(\S+);", _nginx(), re.M)

    assert sizes, "client_max_body_size missing from deploy/nginx.conf"
    assert {_size_in_bytes(s) for s in sizes} == {Defaults.MAX_CONTENT_LENGTH}
    assert sizes[0] == f"{Defaults.MAX_CONTENT_LENGTH // 1024}k"


def test_nginx_passes_the_scheme_and_logs_no_addresses():
    conf = _nginx()

    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", conf)
    assert len(re.findall(r"^\s*server\s+[\d.]+:\d+", conf, re.M)) >= 2  # several app servers
    formats = re.findall(r"log_format\s+\w+\s+((?:'[^']*'\s*)+);", conf)
    assert formats
    for fmt in formats:
        for variable in ("$remote_addr", "$http_user_agent", "$http_x_forwarded_for", "$request"):
            assert not re.search(re.escape(variable) + r"\b", fmt), variable
    for log in re.findall(r"^\s*access_log\s+([^;]+);", conf, re.M):
        assert log.strip() == "off" or log.split()[-1] in {"cfw_anon"}, log
    for zone in ("cfw_survey", "cfw_login"):
        assert re.search(rf"limit_req\s+zone={zone}\b", conf)


def _probe_app(**config):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", **config})

    @app.get("/_probe")
    def probe() -> dict:
        return {"scheme": request.scheme, "secure": request.is_secure, "ip": request.remote_addr}

    return app


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_headers_are_honoured_only_behind_a_trusted_proxy(database_url, proxies):
    app = _probe_app(DATABASE_URL=database_url, TRUSTED_PROXIES=proxies)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

    data = app.test_client().get("/_probe", headers=headers).get_json()
    app.extensions["cfw_engine"].dispose()

    if proxies:
        assert data == {"scheme": "https", "secure": True, "ip": "203.0.113.9"}
    else:  # without a proxy anyone could claim HTTPS or another address
        assert data == {"scheme": "http", "secure": False, "ip": "127.0.0.1"}


def test_trusted_proxies_from_the_environment_must_be_a_number(monkeypatch, database_url):
    monkeypatch.setenv("TRUSTED_PROXIES", "nginx")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be a whole number"):
        create_app({"TESTING": True, "DATABASE_URL": database_url})

"""Configuration: defaults here, then instance/config.py, then the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

# A development secret: create_app refuses it when CFW_ENV=production.
DEV_SECRET_KEY = "dev-only-not-secret"
MIN_SECRET_LENGTH = 32


class Defaults:
    """Settings a fresh checkout runs with (development on one machine)."""

    ENV_NAME = "development"
    SECRET_KEY = DEV_SECRET_KEY
    DATABASE_URL: str | None = None  # default: SQLite file in the instance folder
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    SQLITE_BUSY_TIMEOUT_MS = 5000
    MAX_CONTENT_LENGTH = 64 * 1024  # a survey answer is < 4 KB; bigger bodies are refused
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (HTTPS)
    SESSION_COOKIE_NAME = "cfw_session"
    WTF_CSRF_TIME_LIMIT = 4 * 3600  # a slow reader still submits; expiry gets a friendly page
    DEMO_PASSWORDS_FILE: str | None = None
    # Staff sessions (survey_app/accounts/auth.py): both limits are checked on every staff request.
    SESSION_IDLE_TIMEOUT_S = 30 * 60
    SESSION_ABSOLUTE_TIMEOUT_S = 12 * 3600
    # Sign-in throttling (kept in the database, so it holds across workers and restarts).
    LOGIN_FAILURE_WINDOW_S = 15 * 60
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FAILURES_PER_CLIENT = 20  # an office NAT shares one address: keep this higher
    # Security headers (survey_app/core/security.py).
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    REFERRER_POLICY = "strict-origin-when-cross-origin"
    HSTS_MAX_AGE_S = 365 * 86400
    # Blueprints whose pages must never be cached (signed-in pages are never cached anyway).
    NO_STORE_BLUEPRINTS = ("auth", "staff", "public")
    DB_BUSY_RETRY_AFTER_S = 5  # Retry-After on the 503 "not saved" answer
    # Backups (`cfw backup`, before migrations): default folder instance/backups.
    BACKUP_DIR: str | None = None
    # How many reverse proxies (nginx) in front of the app set X-Forwarded-For/-Proto.
    # 0: ignore those headers (anyone could forge them); 1 behind one trusted nginx.
    TRUSTED_PROXIES = 0


ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "BACKUP_DIR")


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from defaults → instance/config.py → environment → test_config."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("TRUSTED_PROXIES"):
        proxies = os.environ["TRUSTED_PROXIES"]
        app.config["TRUSTED_PROXIES"] = _int_setting("TRUSTED_PROXIES", proxies)
    if os.environ.get("CFW_ENV"):
        app.config["ENV_NAME"] = os.environ["CFW_ENV"]
    if test_config:
        app.config.update(test_config)

    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'cfw.sqlite3'}"
    app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"].rstrip("/")

    if app.config["ENV_NAME"] == "production":
        check_production(app.config)


def _int_setting(name: str, value: str) -> int:
    """A whole-number setting from the environment, with a clear message when it is not one."""
    try:
        number = int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise RuntimeError(f"{name} must be 0 or more, got {number}")
    return number


def check_production(config: dict[str, Any]) -> None:
    """Refuse to start in production with a missing or weak secret or plain-HTTP cookies."""
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 10:
        raise RuntimeError(
            "SECRET_KEY is missing or weak: set a random value of at least "
            f"{MIN_SECRET_LENGTH} characters, e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )
    config["SESSION_COOKIE_SECURE"] = True

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


ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL")


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from defaults → instance/config.py → environment → test_config."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
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

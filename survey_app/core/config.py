"""Configuration: defaults here, then instance/config.py, then the environment."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from survey_app.core import keys
from survey_app.core.keys import MIN_SECRET_LENGTH


class Defaults:
    """Settings a fresh checkout runs with (development on one machine)."""

    ENV_NAME = "development"
    # None: the random per-instance secret in instance/secret_key (survey_app/core/keys.py).
    SECRET_KEY: str | None = None
    SECRET_KEY_FILE: str | None = None  # default: <instance>/secret_key
    SECRET_KEY_FALLBACKS: tuple[str, ...] = ()  # old master secrets, while rotating
    CLIENT_HASH_KEY: str | None = None  # default: derived from the master secret
    USERNAME_HASH_KEY: str | None = None  # default: derived from the master secret
    DATABASE_URL: str | None = None  # default: SQLite file in the instance folder
    PUBLIC_BASE_URL: str | None = None  # default: http://HOST:PORT of `make run` (below)
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
    # Counted per (account, source) and per source; past the free tries each failure doubles
    # the wait (LOGIN_DELAY_BASE_S, 2x, 4x, ... at most LOGIN_DELAY_MAX_S). No account-wide
    # lock: the owner signing in from another address is never locked out by someone else.
    LOGIN_FAILURE_WINDOW_S = 15 * 60  # quiet this long after a wait ends: count starts again
    LOGIN_FAILURES_PER_ACCOUNT = 5  # free tries for one account from one source
    LOGIN_FAILURES_PER_CLIENT = 20  # free tries from one source (an office NAT shares one)
    # The first-run page: tries of the one-time code from one source per window. The code has
    # 100 random bits, so this only keeps a script from filling the log with guesses.
    SETUP_TRIES_PER_WINDOW = 10
    SETUP_WINDOW_S = 15 * 60
    LOGIN_DELAY_BASE_S = 2
    LOGIN_DELAY_MAX_S = 15 * 60
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
    # The headers are believed only from these peers (addresses or networks); any other
    # peer keeps its own address, whatever it sends.
    TRUSTED_PROXY_ADDRESSES: tuple[str, ...] = ("127.0.0.1", "::1", "unix")
    # Operations (survey_app/core/observe.py): readiness floor, metrics access, request log.
    READY_MIN_FREE_MB = 100
    METRICS_ALLOWED_ADDRESSES: tuple[str, ...] = ("127.0.0.1", "::1")
    METRICS_TOKEN: str | None = None  # or: Authorization: Bearer <token>
    REQUEST_LOG = True  # one JSON line per request on stderr (no address, no user agent)
    AUDIT_ANCHOR_FILE: str | None = None  # default: <instance>/audit-anchor.json


ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "CLIENT_HASH_KEY",
    "USERNAME_HASH_KEY",
    "METRICS_TOKEN",
    "PUBLIC_BASE_URL",
    "BACKUP_DIR",
    "AUDIT_ANCHOR_FILE",
)
# Comma-separated lists in the environment.
ENV_LISTS = ("SECRET_KEY_FALLBACKS", "TRUSTED_PROXY_ADDRESSES", "METRICS_ALLOWED_ADDRESSES")


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from defaults → instance/config.py → environment → test_config."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    for key in ENV_LISTS:
        if os.environ.get(key) is not None:
            app.config[key] = tuple(v.strip() for v in os.environ[key].split(",") if v.strip())
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
    app.config["PUBLIC_BASE_URL"] = (app.config["PUBLIC_BASE_URL"] or default_base_url()).rstrip(
        "/"
    )

    if app.config["ENV_NAME"] == "production":
        check_production(app.config)
    install_keys(app)


def default_base_url() -> str:
    """``http://HOST:PORT`` from the environment (`make run` exports both), else 127.0.0.1:5000.

    A server listening on every address (0.0.0.0) is still reached at 127.0.0.1 from this
    machine; phones need PUBLIC_BASE_URL set to the machine's network address.
    """
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    port = os.environ.get("PORT", "").strip() or "5000"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def is_loopback_url(url: str) -> bool:
    """True when ``url`` reaches this machine only (localhost, 127.x, ::1), never a phone."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    """Refuse to start in production with a missing or weak secret or plain-HTTP cookies.

    Production needs SECRET_KEY (the same on every app server) or an explicit
    SECRET_KEY_FILE: a secret made up by each server would sign people out between them.
    """
    secret = config.get("SECRET_KEY") or ""
    if not secret and not config.get("SECRET_KEY_FILE"):
        raise RuntimeError(
            "SECRET_KEY is missing: in production set SECRET_KEY (the same random value on "
            "every app server) or SECRET_KEY_FILE, e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )
    if secret and not keys.is_strong(secret):
        raise RuntimeError(
            "SECRET_KEY is weak: set a random value of at least "
            f"{MIN_SECRET_LENGTH} characters, e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )
    config["SESSION_COOKIE_SECURE"] = True


def secret_file(app: Flask) -> Path:
    """Where the per-instance secret lives: SECRET_KEY_FILE or <instance>/secret_key."""
    configured = app.config.get("SECRET_KEY_FILE")
    return Path(configured) if configured else Path(app.instance_path) / keys.SECRET_FILE_NAME


def install_keys(app: Flask) -> None:
    """Replace the master secret by the derived keys of each use (survey_app/core/keys.py).

    Afterwards ``SECRET_KEY`` is the session-signing key, ``WTF_CSRF_SECRET_KEY`` the CSRF
    key, ``CLIENT_HASH_KEY`` and ``USERNAME_HASH_KEY`` the HMAC keys; ``CFW_SECRET_WEAK``
    says whether the master secret was a weak, configured one (refused off loopback).
    """
    config = app.config
    master = config.get("SECRET_KEY")
    if master:
        config["CFW_SECRET_SOURCE"] = "SECRET_KEY"
    else:
        try:
            master, created = keys.ensure_secret_file(secret_file(app))
        except keys.SecretError as exc:
            raise RuntimeError(str(exc)) from None
        config["CFW_SECRET_SOURCE"] = str(secret_file(app)) + (" (new)" if created else "")
    config["CFW_SECRET_WEAK"] = not keys.is_strong(master)
    fallbacks = config.get("SECRET_KEY_FALLBACKS") or ()
    if isinstance(fallbacks, str):
        fallbacks = (fallbacks,)
    config["SECRET_KEY"] = keys.derive(master, "session")
    config["SECRET_KEY_FALLBACKS"] = [keys.derive(old, "session") for old in fallbacks if old]
    config.setdefault("WTF_CSRF_SECRET_KEY", keys.derive(master, "csrf"))
    config["CLIENT_HASH_KEY"] = config.get("CLIENT_HASH_KEY") or keys.derive(master, "client")
    config["USERNAME_HASH_KEY"] = config.get("USERNAME_HASH_KEY") or keys.derive(master, "username")

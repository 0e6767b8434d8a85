"""Helpers for tests that walk every route: the URL map, URL values, sign-in, a DB fingerprint.

Routes come from ``app.url_map``, so routes other features add later are covered without
editing these tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from werkzeug.routing import Rule

from survey_app.app import create_app
from survey_app.core.db import Base
from survey_app.models import AuditEntry
from survey_app.models.accounts import ROLES
from tests.conftest import TEST_PASSWORD
from tests.survey_app.survey_factories import CHILD_PROFILE, Setup

# Tables a request may change without changing data: rate limits and sign-in throttling.
COUNTER_TABLES = frozenset({"rate_bucket"})
ROLE_CASES = ("anon", *ROLES)
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def route_rules(method: str) -> list[tuple[str, str]]:
    """(endpoint, rule) of every route answering ``method``, static files excluded."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "url-map"})
    try:
        rules: list[Rule] = list(app.url_map.iter_rules())
        return sorted(
            (rule.endpoint, rule.rule)
            for rule in rules
            if method in (rule.methods or ()) and rule.endpoint != "static"
        )
    finally:
        app.extensions["cfw_engine"].dispose()


def is_public(endpoint: str) -> bool:
    """Routes anyone uses without signing in (the survey, sign-in, the landing page)."""
    return endpoint.split(".")[0] in ("public", "home") or endpoint == "auth.login"


def placeholders(rule: str) -> list[tuple[str, str]]:
    """(converter, name) of each placeholder of a rule ("" for the default converter)."""
    return PLACEHOLDER.findall(rule)


def fill_rule(rule: str, values: dict[str, Any]) -> str:
    """The URL of ``rule`` with ``values`` in its placeholders."""
    return PLACEHOLDER.sub(lambda m: str(values[m.group(2)]), rule)


def known_values(setup: Setup, ward_code: str = "test-survey") -> dict[str, list[Any]]:
    """Existing values for URL placeholders, by name (ids of the survey setup, words)."""
    return {
        "round_id": [setup.round_id],
        "group_id": setup.group_ids,
        "token_id": setup.token_ids,
        "response_id": [1],
        "ward_code": [ward_code],
        "audience": ["child", "resident"],
        "section_id": ["c1", "ward"],
        "token": setup.tokens[:1],
        "action": ["pause", "resume"],
        "job_id": ["no-such-job"],
    }


def fingerprint(engine: Engine) -> dict[str, str]:
    """A digest of every table's rows (counters excluded) and the audit chain head."""
    prints: dict[str, str] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in COUNTER_TABLES:
                continue
            rows = conn.execute(select(table)).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            prints[table.name] = f"{len(rows)}:{digest[:16]}"
        head = conn.execute(
            select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar_one_or_none()
    prints["audit head"] = head or "-"
    return prints


def make_role_user(make_user: Callable[..., int], role: str, setup: Setup) -> str | None:
    """A user with ``role`` in the survey's ward (leaders lead its first group); the name."""
    if role == "anon":
        return None
    extra: dict[str, Any] = {"ward_id": setup.ward_id}
    if role == "unit":
        extra["unit"] = "yte"
    if role == "leader":
        extra["group_id"] = setup.group_ids[0]
    if role == "admin":
        extra = {}  # an admin without a ward administers every ward
    username = f"routes-{role}"
    make_user(username, role=role, **extra)
    return username


def sign_in(client: FlaskClient, username: str | None) -> None:
    """Sign ``client`` in (nothing for an anonymous visitor)."""
    if username is None:
        return
    signed = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert signed.status_code in (302, 303), signed.get_data(as_text=True)[:300]


def signed_in(client: FlaskClient) -> bool:
    """True while the client's session holds a signed-in user."""
    with client.session_transaction() as session:
        return "auth" in session


def start_survey(client: FlaskClient, token: str) -> None:
    """A survey in progress in the session (scan + consent), so /s/... routes go deep."""
    assert client.get(f"/q/{token}").status_code in (200, 303)
    assert client.post("/s/child", data=CHILD_PROFILE).status_code == 303


def engine_of(app: Flask) -> Engine:
    """The app's engine."""
    return app.extensions["cfw_engine"]

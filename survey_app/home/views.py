"""The landing page, the liveness check and the readiness check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from survey_app.core.db import get_session
from survey_app.core.health import readiness
from survey_app.models import Ward

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """What this site is, each ward's public survey results, and a way in for staff."""
    wards = get_session().execute(select(Ward.code, Ward.name).order_by(Ward.name)).all()
    return render_template("home/index.html", wards=wards)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int, dict[str, str]]:
    """Liveness: 200 whenever the process answers (no database: a restart would not help)."""
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/readyz")
def readyz() -> tuple[dict[str, object], int, dict[str, str]]:
    """Readiness for load balancers: 200 when the database is reachable, writable and
    migrated and the disk has room; else 503 (take this server out of rotation)."""
    checks = readiness()
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return body, 200 if ready else 503, {"Cache-Control": "no-store"}

"""The landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from survey_app.db import get_session

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """What this site is, with a way in for staff."""
    return render_template("home.html")


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness and database reachability, for load balancers."""
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}, 200

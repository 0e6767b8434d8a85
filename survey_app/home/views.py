"""The landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select, text

from survey_app.core.db import get_session
from survey_app.models import Ward

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """What this site is, each ward's public survey results, and a way in for staff."""
    wards = get_session().execute(select(Ward.code, Ward.name).order_by(Ward.name)).all()
    return render_template("home/index.html", wards=wards)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness and database reachability, for load balancers."""
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}, 200

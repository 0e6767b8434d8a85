"""The public results of a ward's survey (no sign-in; aggregates only, small cells hidden).

URL map (blueprint "results"):
  GET  /results/<ward_code>               the ward's results once a round closed
  GET  /results/<ward_code>/<group_id>    one residential group's results beside the ward's
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from survey_app.core.db import get_session
from survey_app.core.i18n import current_language
from survey_app.core.security import MAX_ID
from survey_app.models import ResidentialGroup
from survey_app.results.comments import quotable_comments
from survey_app.results.dashboard import build_dashboard
from survey_app.results.dashboard_text import audience_name
from survey_app.results.published import public_ward_or_404, published_round

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.get("/<ward_code>")
def ward(ward_code: str) -> Any:
    """The ward's survey results (aggregates only) once a round has closed."""
    found = public_ward_or_404(ward_code)
    round_, collecting = published_round(get_session(), found, request.args.get("round", ""))
    if round_ is None:
        return render_template("results/public_pending.html", ward=found, collecting=collecting)
    view = build_dashboard(get_session(), round_.id, lang=current_language())
    return render_template(
        "results/public.html",
        view=view,
        ward=found,
        group=None,
        audience_name=audience_name,
        # Only comments a reviewer marked "may be quoted", masked, without their group.
        quotes=quotable_comments(get_session(), round_.id),
    )


@bp.get("/<ward_code>/<int:group_id>")
def group(ward_code: str, group_id: int) -> Any:
    """One residential group's results next to the ward's (aggregates only)."""
    found = public_ward_or_404(ward_code)
    row_group = get_session().get(ResidentialGroup, group_id) if 0 < group_id <= MAX_ID else None
    if row_group is None or row_group.ward_id != found.id:
        abort(404)
    round_, collecting = published_round(get_session(), found, request.args.get("round", ""))
    if round_ is None:
        return render_template(
            "results/public_pending.html", ward=found, group=row_group, collecting=collecting
        )
    view = build_dashboard(get_session(), round_.id, lang=current_language())
    row = next((g for g in view.groups if g.group_id == row_group.id), None)
    return render_template(
        "results/public.html", view=view, ward=found, group=row, audience_name=audience_name
    )

"""The combined scorecard of a round (blueprint "scorecard").

URL map:
  GET /rounds/<id>/scorecard   points per criterion against its maximum, provisional rows, total
                               against the threshold, verdict with reasons, gap steps, and the
                               change since the ward's previous round

Everything shown is computed by `services.scorecard`; this module only chooses what a role sees:
a unit officer sees only their own unit's criteria (no total, which would reveal the others).
"""

from __future__ import annotations

from flask import Blueprint, render_template

from assessment import RATE_UNITS
from survey_app.accounts.auth import can, can_read_unit, require
from survey_app.accounts.scope import me, round_or_404
from survey_app.accounts.users import UNITS
from survey_app.audit import log as audit
from survey_app.core.db import get_session
from survey_app.core.i18n import current_language
from survey_app.plan.owners import round_owners
from survey_app.workspace import scorecard as service
from survey_app.workspace.lifecycle import stage_label
from survey_app.workspace.workflow import stage

bp = Blueprint("scorecard", __name__, url_prefix="/rounds")


@bp.get("/<int:round_id>/scorecard")
@require("rounds.read")
def show(round_id: int) -> str:
    """The round's scorecard, readable on a phone and printable."""
    round_ = round_or_404(round_id)
    session = get_session()
    result = service.round_score(session, round_)
    user = me()
    owners = round_owners(session, round_, result.rules)  # the criteria entry's assignment
    card = result.card
    rows = (
        [c for c in card.criteria if can_read_unit(user, owners.get(c.id, c.unit))] if card else []
    )
    lang = current_language()
    return render_template(
        "workspace/scorecard.html",
        round=round_,
        result=result,
        rows=rows,
        full=can("criteria.read_all", user),
        stage_label=stage_label(stage(session, round_.id)),
        errors=service.error_messages(result),
        units={uid: names.get(lang, uid) for uid, names in UNITS.items()},
        owners=owners,
        rate_unit=lambda scale: RATE_UNITS[scale].get(lang) if scale in RATE_UNITS else "%",
        chain_head=audit.chain_head(session),  # printed pages carry the audit chain head
        lang=lang,
    )

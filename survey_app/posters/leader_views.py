"""The residential-group leader's page: poster, paper form, progress (counts only), share link.

URL map (blueprint "leader", prefix /staff/group):
  GET /                 a leader → their own group's page; other staff → the posters page
  GET /<group>          the group's page (?round=<id>; default: the newest open round)
Roles: leader (only their own group: 403 for any other), vhxh and admin of the same ward.
A leader never sees an answer: only how many answers count toward the group's target, with
counts below five shown as "<5".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from survey_app.accounts.auth import can, current_user, require
from survey_app.accounts.scope import current_round, group_or_404, me
from survey_app.core.config import is_loopback_url
from survey_app.core.db import get_session
from survey_app.models import AssessmentRound, ResidentialGroup
from survey_app.posters.data import LOCALES, SIZES, PosterError, short_url
from survey_app.posters.progress import group_progress
from survey_app.survey import tokens

bp = Blueprint("leader", __name__, url_prefix="/staff/group")


@bp.get("/")
@require("leader.page")
def home() -> Any:
    """Leaders go straight to their group; other staff pick a round on the posters page."""
    user = current_user()
    assert user is not None
    if not can("groups.see_all", user) and user.group_id is not None:
        return redirect(url_for("leader.group", group_id=user.group_id))
    return redirect(url_for("posters.index"))


def _round(group: ResidentialGroup) -> AssessmentRound | None:
    """The round asked for (?round=, of the group's ward) or the newest open one."""
    return current_round(me(), request.args.get("round", ""), ward_id=group.ward_id)


@bp.get("/<int:group_id>")
@require("leader.page")
def group(group_id: int) -> str:
    """Download the poster and paper form, see progress, copy the link for the group's chat."""
    group_ = group_or_404(group_id)  # another group: 403 before any lookup; another ward: 404
    round_ = _round(group_)
    url = printed = None
    progress = []
    token = None
    base = current_app.config["PUBLIC_BASE_URL"]
    if round_ is not None:
        token = tokens.current_token(get_session(), group_id, round_.id)
        progress = group_progress(get_session(), round_, group_id)
        if token is not None:
            url = tokens.survey_url(base, token.token)
            try:
                printed = short_url(base, token.token)
            except PosterError:
                printed = url
    return render_template(
        "posters/leader.html",
        group=group_,
        round=round_,
        token=token,
        url=url,
        printed=printed,
        progress=progress,
        sizes=SIZES,
        locales=LOCALES,
        loopback=token is not None and is_loopback_url(base),
        base_url=base,
    )

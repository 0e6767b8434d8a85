"""Another ward's objects stay invisible: every staff route that takes an id, for every role.

Two wards: ward A ("test-ward", one account of each role, its administrator bound to it) and
ward B ("test-survey": groups, a round, poster tokens, a flagged answer, a poster job, an
audited account, a yearly plan with an activity and its evidence), whose names carry the
marker "Zeta-B". Each role of ward A opens every route of ``app.url_map`` that takes an id
with ward B's ids (in the path, or in the query string where a route reads one there) and
the audit history of each of ward B's things. The answer must be a refusal (403, or 302 to
sign-in for an anonymous visitor), the same answer as for an id that does not exist (so ids
of other wards are never confirmed), 404 whenever the role holds the route's permission, and
nothing of ward B in the body. A route with an ``*_id`` placeholder this test has no ward-B
id for fails it. Public routes (the survey and the public results) are public by design and
not walked here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey_app.core.db import get_session, write_transaction
from survey_app.core.permissions import has
from survey_app.models import (
    AssessmentRound,
    CouncilMember,
    Evidence,
    Plan,
    PostingFeedback,
    ResidentialGroup,
    Response,
    User,
    Ward,
)
from survey_app.posters import jobs as poster_jobs
from survey_app.workspace.round_views import WARD_ENTITIES
from tests.survey_app.route_tools import fill_rule, is_public, sign_in
from tests.survey_app.stats_factories import submit
from tests.survey_app.survey_factories import make_survey
from tests.survey_app.workspace_factories import add_round

MARKER = "Zeta-B"
# Placeholders that are words, not ids (every other "*_id" placeholder must get a ward-B id).
WORDS = {
    "section_id": "c1",
    "audience": "child",
    "action": "pause",
    "filename": "css/app.css",
    "key": "preamble",
    "kind": "plan",
    "fmt": "pdf",
}
# Public by design (no sign-in), not walked: the public results and the public posting.
PUBLIC_ENDPOINTS = (
    "static",
    "results.ward",
    "results.group",
    "posting.latest",
    "posting.page",
)
ROLES = ("anonymous", "admin", "vhxh", "unit", "council", "leader", "viewer")
BASE = "http://localhost"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class TwoWards:
    """Ward A's round and leader group; ward B's ids and secrets."""

    a_round: int
    a_group: int
    b: dict[str, Any]
    b_tokens: list[str]
    b_user: int
    b_ward: int
    b_groups: list[int]
    b_token_ids: list[int]


def _two_wards(app: Flask, make_user: Any) -> TwoWards:
    survey = make_survey(app)
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(Ward, survey.ward_id).name = f"Phường {MARKER}"
        session.get(AssessmentRound, survey.round_id).name = f"Đợt {MARKER}"
        for number, group_id in enumerate(survey.group_ids, 1):
            session.get(ResidentialGroup, group_id).name = f"Tổ {MARKER} {number}"
    b_user = make_user("zeta-b-vhxh", role="vhxh", ward_id=survey.ward_id, display_name=MARKER)
    submit(app, survey.token_ids[0], "child", straight=True)  # a flagged answer in ward B
    client = app.test_client()
    sign_in(client, "zeta-b-vhxh")  # an audited change of one of ward B's tokens
    changed = client.post(
        f"/rounds/{survey.round_id}/posters/tokens/{survey.token_ids[1]}/pause",
        data={"reason": "tạm dừng để thử"},
    )
    assert changed.status_code == 303
    page = client.get(f"/rounds/{survey.round_id}/posters").get_data(as_text=True)
    assert MARKER in page  # ward B's own staff see ward B: the marker would be caught
    made = client.post("/plan/new", data={"year": 2025, "source": "template"})
    assert made.status_code == 303, made.get_data(as_text=True)[:300]
    plan_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    with app.app_context():
        activity_id = get_session().get(Plan, plan_id).activities[0].id
    upload = client.post(
        f"/plan/activities/{activity_id}/evidence",
        data={"file": (io.BytesIO(PNG), "zeta-b.png"), "caption": MARKER},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)[:300]
    with app.app_context():
        response_id = get_session().scalar(select(func.max(Response.id)))
        evidence_id = get_session().scalar(select(func.max(Evidence.id)))
        job = poster_jobs.start_job(  # no poster to draw: the job fails, its state stays
            get_session(),
            [],
            page_size="A4",
            allowed_base_url=BASE,
            ward_id=survey.ward_id,
            round_id=survey.round_id,
            actor=get_session().get(User, b_user),
        )
    poster_jobs.wait(job.id)
    assert client.get(f"/posters/jobs/{job.id}").status_code == 200  # ward B sees its job
    leader = make_user("a-leader", role="leader")
    for role in ("vhxh", "unit", "council", "viewer"):
        make_user(f"a-{role}", role=role, **({"unit": "yte"} if role == "unit" else {}))
    with app.app_context():
        a_leader = get_session().get(User, leader)
        a_ward, a_group = a_leader.ward_id, a_leader.group_id
    make_user("a-admin", role="admin", ward_id=a_ward)  # an administrator of ward A only
    with app.app_context(), write_transaction(get_session()) as session:
        member = CouncilMember(ward_id=survey.ward_id, name="Zeta-B Chủ tịch", position="Chủ tịch")
        session.add(member)
        comment = PostingFeedback(  # a resident's comment on ward B's round
            round_id=survey.round_id,
            text=f"Góp ý {MARKER}",
            received_at=dt.datetime(2026, 1, 5, 3, 0),
            status="new",
        )
        session.add(comment)
        session.flush()
        member_id, feedback_id = member.id, comment.id
    ids = {
        "ward_id": survey.ward_id,
        "user_id": b_user,
        "member_id": member_id,
        "round_id": survey.round_id,
        "group_id": survey.group_ids[0],
        "token_id": survey.token_ids[0],
        "response_id": response_id,
        "job_id": job.id,
        "plan_id": plan_id,
        "activity_id": activity_id,
        "evidence_id": evidence_id,
        "feedback_id": feedback_id,
    }
    return TwoWards(
        a_round=add_round(app, a_ward, "Năm 2024", 2024),
        a_group=a_group,
        b=ids,
        b_tokens=survey.tokens,
        b_user=b_user,
        b_ward=survey.ward_id,
        b_groups=survey.group_ids,
        b_token_ids=survey.token_ids,
    )


def _cases(app: Flask, world: TwoWards) -> list[tuple[str, str, str, str]]:
    """(endpoint, method, URL with ward B's ids, the same URL with ids that do not exist)."""
    missing = dict.fromkeys(world.b, 999999) | {"job_id": "no-such-job"}
    found = []
    for rule in app.url_map.iter_rules():
        if is_public(rule.endpoint) or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        ids = {name for name in rule.arguments if name.endswith("_id") and name not in WORDS}
        if not ids:
            continue
        unknown = ids - set(world.b)
        assert not unknown, f"{rule.rule}: give ward B a value for {sorted(unknown)} here"
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            other = fill_rule(rule.rule, WORDS | world.b)
            absent = fill_rule(rule.rule, WORDS | missing)
            found.append((rule.endpoint, method, other, absent))
    # Ids that routes read from the query string.
    b_group, b_round = world.b["group_id"], world.b["round_id"]
    a_round = world.a_round
    for endpoint, method, other, absent in (
        ("leader.group", "GET", f"/staff/group/{world.a_group}?round={b_round}", None),
        (
            "paper.entry",
            "GET",
            f"/rounds/{a_round}/paper/entry?group={b_group}&audience=child",
            None,
        ),
        ("paper.form_pdf", "GET", f"/rounds/{a_round}/paper/child.pdf?group={b_group}", None),
    ):
        found.append(
            (endpoint, method, other, absent or other.replace(str(_last_id(other)), "999999"))
        )
    for entity, entity_id in _history_targets(world):
        url = f"/audit/history?entity={entity}&id={entity_id}"
        found.append(("rounds.history", "GET", url, f"/audit/history?entity={entity}&id=999999"))
    return found


def _last_id(url: str) -> str:
    """The id of ward B in a query-string case (the value after the last '=' that is a number)."""
    values = [part.split("=")[1] for part in url.split("?")[1].split("&")]
    return next(v for v in reversed(values) if v.isdigit())


def _history_targets(world: TwoWards) -> list[tuple[str, str]]:
    round_id = world.b["round_id"]
    return [
        ("user", str(world.b_user)),
        ("ward", str(world.b_ward)),
        ("residential_group", str(world.b_groups[0])),
        ("poster_token", str(world.b["token_id"])),
        ("round", str(round_id)),
        ("assessment_round", str(round_id)),
        ("response", str(world.b["response_id"])),
        ("criterion_value", f"{round_id}:c1.x"),
    ]


def _permission(app: Flask, endpoint: str, url: str) -> str | None:
    """The permission the route needs (the history of accounts, wards… needs "audit.read")."""
    if endpoint == "rounds.history" and url.split("entity=")[1].split("&")[0] not in WARD_ENTITIES:
        return "audit.read"
    return getattr(app.view_functions[endpoint], "cfw_permission", None)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_one_ward_reaches_another_wards_objects(app, make_user, role):
    world = _two_wards(app, make_user)
    client = app.test_client()
    sign_in(client, None if role == "anonymous" else f"a-{role}")
    wrong = []
    for endpoint, method, other, absent in _cases(app, world):
        seen = client.open(other, method=method, data={"reason": "thử phạm vi phường"})
        body = seen.get_data(as_text=True)
        seen.close()
        control = client.open(absent, method=method, data={"reason": "thử phạm vi phường"})
        control.close()
        permission = _permission(app, endpoint, other)
        allowed = permission is not None and role != "anonymous" and has(role, permission)
        expected = {302} if role == "anonymous" else ({404} if allowed else {403})
        if role == "leader" and allowed and seen.status_code == 403:
            expected = {403}  # a leader is refused any group but their own before any lookup
        problems = []
        if seen.status_code not in expected:
            problems.append(f"{seen.status_code} ∉ {sorted(expected)}")
        if seen.status_code != control.status_code:
            problems.append(f"{seen.status_code} ≠ {control.status_code} for an unknown id")
        if MARKER.lower() in body.lower() or any(t in body for t in world.b_tokens):
            problems.append("shows ward B's content")
        if problems:
            wrong.append(f"{method} {other} ({endpoint}): {'; '.join(problems)}")
    assert not wrong, f"role {role} of ward A:\n" + "\n".join(wrong)


def test_an_administrator_of_every_ward_still_reads_another_wards_history(app, make_user):
    world = _two_wards(app, make_user)
    make_user("root")  # no ward: works on every ward
    client = app.test_client()
    sign_in(client, "root")
    for entity, entity_id in _history_targets(world)[:4]:
        page = client.get(f"/audit/history?entity={entity}&id={entity_id}")
        assert page.status_code == 200, (entity, page.status_code)
    page = client.get(f"/audit/history?entity=poster_token&id={world.b_token_ids[1]}")
    assert "tạm dừng để thử" in page.get_data(as_text=True)


def test_a_wards_administrator_reads_their_own_wards_history(app, make_user):
    world = _two_wards(app, make_user)
    client = app.test_client()
    sign_in(client, "a-admin")
    with app.app_context():
        a_vhxh = get_session().scalars(select(User).where(User.username == "a-vhxh")).one()
    page = client.get(f"/audit/history?entity=user&id={a_vhxh.id}")
    assert page.status_code == 200
    assert "a-vhxh" in page.get_data(as_text=True)
    assert client.get(f"/audit/history?entity=user&id={world.b_user}").status_code == 404

"""Every route × every role → the expected status.

The matrix is built from ``app.url_map``: a route nobody classified fails the test, so each new
route must get a row in EXPECTED (endpoint, method) → status per role. Statuses: 200 page,
303/302 redirect (302 for anonymous = the sign-in page), 403 forbidden, 404, 409 refused step,
422 invalid form, 400 no survey in progress.

Who is allowed is read from the permissions table (survey_app/data/permissions.toml) through
`granted`; the statuses are this test's. Every route is either public or signed-in-only by the
explicit lists below, or guarded by a named permission that its decorator records on the view.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from survey_app.core.permissions import has
from tests.survey_app.workspace_factories import make_world

DUMP = bool(os.environ.get("ROLE_MATRIX_DUMP"))  # print the statuses seen (to classify a route)
ROLES = ("anonymous", "admin", "vhxh", "congan", "yte", "council", "leader", "viewer")
# The user each role signs in as (see workspace_factories.ROLE_USERS).
LOGINS = {
    "admin": "quantri",
    "vhxh": "vhxh",
    "congan": "congan",
    "yte": "yte",
    "council": "hoidong1",
    "leader": "totruong",
    "viewer": "xem",
}


# The table's role of each test user.
TABLE_ROLE = {
    "admin": "admin",
    "vhxh": "vhxh",
    "congan": "unit",
    "yte": "unit",
    "council": "council",
    "leader": "leader",
    "viewer": "viewer",
}
# Routes anyone may open, and routes any signed-in user may open: no permission on them.
PUBLIC = frozenset(
    {
        "static",
        "home.index",
        "home.healthz",
        "home.readyz",  # a probe: nginx keeps it to the monitoring host
        "metrics",  # guarded by its caller's address or a bearer token (core/metrics.py)
        "auth.login",
        "auth.logout",
        "public.scan",
        "public.start",
        "public.profile",
        "public.questions",
        "public.sent",
        "public.another",
        "results.ward",
        "results.group",
        "posting.latest",
        "posting.page",
        "first_run.setup_page",  # only on an empty database, guarded by the one-time code
    }
)
SIGNED_IN = frozenset({"staff.index", "auth.change_password"})


def granted(permission: str) -> tuple[str, ...]:
    """The test users whose role holds ``permission`` in the table."""
    return tuple(user for user, role in TABLE_ROLE.items() if has(role, permission))


def everyone(status: int) -> dict[str, int]:
    """The same status for every role."""
    return dict.fromkeys(ROLES, status)


def staff(status: int, *, anonymous: int = 302) -> dict[str, int]:
    """Signed-in users get ``status``, anonymous visitors the sign-in redirect."""
    return everyone(status) | {"anonymous": anonymous}


def only(allowed: tuple[str, ...], status: int, *, denied: int = 403) -> dict[str, int]:
    """``allowed`` roles get ``status``; other signed-in roles ``denied``; anonymous 302."""
    return {r: status if r in allowed else denied for r in ROLES} | {"anonymous": 302}


WORKSPACE = granted("rounds.read")
DASHBOARD = granted("survey.dashboard")
POSTERS = granted("posters.manage")
PAPER = granted("paper.enter")
RULES = granted("rules.manage")
WARD_ADMIN = granted("admin.ward")
GROUPS_ADMIN = granted("admin.groups")
ROUNDS_ADMIN = granted("admin.rounds")
PEOPLE_ADMIN = granted("admin.people")
COUNCIL_ADMIN = granted("admin.council")
# Routes whose <action> is a fixed choice: the one the matrix takes.
ACTIONS = {"admin_groups.retire": "retire", "admin_rounds.set_status": "close"}
# Who may enter c7's figures (the health station's): every unit's editors, and its own unit.
EDITORS = (
    *granted("criteria.edit_all"),
    *(u for u in granted("criteria.edit_own_unit") if u == "yte"),
)

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("static", "GET"): everyone(200),
    ("home.index", "GET"): everyone(200),
    ("home.healthz", "GET"): everyone(200),
    ("home.readyz", "GET"): everyone(200),
    # the test client calls from loopback without a proxy header: the scraper's case
    ("metrics", "GET"): everyone(200),
    ("auth.login", "GET"): staff(302, anonymous=200),
    ("auth.login", "POST"): staff(302, anonymous=200),
    ("auth.change_password", "GET"): staff(200),
    ("auth.change_password", "POST"): staff(200),
    ("staff.index", "GET"): staff(200),
    # the public survey: an unknown token, and no survey in progress in this browser
    ("public.scan", "GET"): everyone(404),
    ("public.start", "GET"): everyone(400),
    ("public.profile", "GET"): everyone(400),
    ("public.profile", "POST"): everyone(400),
    ("public.questions", "GET"): everyone(400),
    ("public.questions", "POST"): everyone(400),
    ("public.sent", "GET"): everyone(400),
    ("public.another", "GET"): everyone(400),
    # criteria entry: a unit officer only their own unit (c7 is the health station's)
    ("criteria.index", "GET"): only(WORKSPACE, 200),
    ("criteria.edit", "GET"): only(WORKSPACE, 200) | {"congan": 403},
    ("criteria.edit", "POST"): only(EDITORS, 303),
    ("criteria.submit", "POST"): only(EDITORS, 422),
    ("scorecard.show", "GET"): only(WORKSPACE, 200),
    # the round's workflow (at stage "entering", with nothing submitted)
    ("rounds.index", "GET"): only(WORKSPACE, 200),
    ("rounds.show", "GET"): only(WORKSPACE, 200),
    ("rounds.consolidate", "POST"): only(granted("round.consolidate"), 409),
    ("rounds.approve", "POST"): only(granted("round.approve"), 409),
    ("rounds.lock", "POST"): only(granted("round.lock"), 409),
    ("rounds.post", "POST"): only(granted("round.post"), 409),
    ("rounds.send", "POST"): only(granted("round.send"), 409),
    ("rounds.decide", "POST"): only(granted("round.decide"), 409),
    ("rounds.reopen", "POST"): only(granted("round.reopen"), 409),
    ("rounds.open_survey", "POST"): only(granted("round.open_survey"), 409),  # already open
    ("rounds.close_survey", "POST"): only(granted("round.close_survey"), 422),  # no reason
    ("rounds.allow_provisional", "POST"): only(granted("round.allow_provisional"), 409),
    ("rounds.history", "GET"): only(WORKSPACE, 200),
    ("dossier.pdf", "GET"): only(granted("dossier.download"), 409),
    # the yearly plan: no plan exists in this world, so ids are unknown (404)
    ("plan.index", "GET"): only(granted("plan.read"), 200),
    ("plan.new", "POST"): only(granted("plan.edit"), 400),
    ("plan.show", "GET"): only(granted("plan.read"), 404),
    ("plan.header", "POST"): only(granted("plan.edit"), 404),
    ("plan.section", "GET"): only(granted("plan.edit"), 404),
    ("plan.section", "POST"): only(granted("plan.edit"), 404),
    ("plan.assignment", "GET"): only(granted("plan.edit"), 404),
    ("plan.assignment", "POST"): only(granted("plan.edit"), 404),
    ("plan.new_activity", "GET"): only(granted("plan.edit"), 404),
    ("plan.new_activity", "POST"): only(granted("plan.edit"), 404),
    ("plan.activity", "GET"): only(granted("plan.read"), 404),
    ("plan.activity", "POST"): only(granted("plan.read"), 404),
    ("plan.done", "POST"): only(granted("plan.read"), 404),
    ("plan.evidence", "POST"): only(granted("plan.read"), 404),
    ("plan.evidence_file", "GET"): only(granted("plan.read"), 404),
    ("plan_documents.plan_document", "GET"): only(granted("plan.read"), 404),
    ("dossier.scores_xlsx", "GET"): only(granted("dossier.download"), 409),
    ("dossier.docx", "GET"): only(granted("dossier.download"), 409),
    ("dossier.notice", "GET"): only(granted("dossier.download"), 409),  # not posted yet
    # the public posting (an unknown ward code → 404) and its comments for the ward's staff
    ("posting.latest", "GET"): everyone(404),
    ("posting.page", "GET"): everyone(404),
    ("posting.page", "POST"): everyone(404),
    ("posting_staff.feedback_list", "GET"): only(granted("posting.read"), 200),
    ("posting_staff.answer", "POST"): only(granted("posting.answer"), 404),
    # survey dashboard and statistics (unknown response id / ward code → 404)
    ("dashboard.latest", "GET"): only(DASHBOARD, 303),
    ("dashboard.survey", "GET"): only(DASHBOARD, 200),
    ("dashboard.flags", "GET"): only(DASHBOARD, 200),
    ("dashboard.review_action", "POST"): only(granted("survey.review"), 404),
    ("dashboard.review_bulk", "POST"): only(granted("survey.review"), 400),
    ("dashboard.aggregates_csv", "GET"): only(DASHBOARD, 200),
    ("dashboard.aggregates_xlsx", "GET"): only(DASHBOARD, 200),
    ("dashboard.responses_csv", "GET"): only(granted("survey.export_raw"), 200),
    ("dashboard.comments", "GET"): only(granted("survey.review"), 200),
    ("dashboard.comment_review", "POST"): only(granted("survey.review"), 404),
    ("results.ward", "GET"): everyone(404),
    ("results.group", "GET"): everyone(404),
    # a group leader: only their own group (the others are sent on to it, or refused)
    ("leader.home", "GET"): only(granted("leader.page"), 302),
    ("leader.group", "GET"): only(granted("leader.page"), 200),
    # paper forms (no survey token in this round yet → 400 on entry)
    ("paper.pick", "GET"): only(PAPER, 200),
    ("paper.entry", "GET"): only(PAPER, 400),
    ("paper.entry", "POST"): only(PAPER, 400),
    ("paper.form_pdf", "GET"): only(granted("paper.print"), 200),
    # posters and their tokens (no group in this round → 409/400; unknown token/job → 404)
    ("posters.index", "GET"): only(POSTERS, 200),
    ("posters.round_page", "GET"): only(POSTERS, 200),
    ("posters.group_poster", "GET"): only(granted("posters.group_poster"), 409),
    ("posters.start_all", "POST"): only(POSTERS, 409),
    ("posters.job_page", "GET"): only(POSTERS, 404),
    ("posters.job_pdf", "GET"): only(POSTERS, 404),
    ("posters.qr_images", "GET"): only(POSTERS, 409),
    ("poster_tokens.tokens_page", "GET"): only(POSTERS, 200),
    ("poster_tokens.create", "POST"): only(POSTERS, 400),
    ("poster_tokens.change", "POST"): only(POSTERS, 404),
    # rule versions (an unknown version → 404) and the audit log: administrators only
    ("rules.index", "GET"): only(RULES, 200),
    ("rules.show", "GET"): only(RULES, 404),
    ("rules.upload", "GET"): only(RULES, 200),
    ("rules.upload", "POST"): only(RULES, 400),
    ("rules.diff", "GET"): only(RULES, 404),
    ("rules.use", "POST"): only(RULES, 404),
    ("rule_review.overview", "GET"): only(RULES, 404),
    ("rule_review.row", "GET"): only(RULES, 404),
    ("rule_review.row", "POST"): only(RULES, 404),
    ("rule_review.save", "POST"): only(RULES, 404),
    ("audit_log.index", "GET"): only(granted("audit.browse"), 200),
    ("audit_log.verify", "GET"): only(granted("audit.browse"), 200),
    ("audit_log.head", "GET"): only(granted("audit.browse"), 200),
    # first run: the database has accounts, so the set-up page is closed for good
    ("first_run.setup_page", "GET"): everyone(302),
    ("first_run.setup_page", "POST"): everyone(409),
    # administration (an empty form → 422; an unknown account, group or member → 404)
    ("admin.index", "GET"): only(WARD_ADMIN, 200),
    ("admin.ward_home", "GET"): only(WARD_ADMIN, 200),
    ("admin.ward_edit", "GET"): only(WARD_ADMIN, 200),
    ("admin.ward_edit", "POST"): only(WARD_ADMIN, 422),
    ("admin_groups.index", "GET"): only(GROUPS_ADMIN, 200),
    ("admin_groups.index", "POST"): only(GROUPS_ADMIN, 422),
    ("admin_groups.edit", "GET"): only(GROUPS_ADMIN, 200),
    ("admin_groups.edit", "POST"): only(GROUPS_ADMIN, 422),
    ("admin_groups.retire", "POST"): only(GROUPS_ADMIN, 422),
    ("admin_groups.import_page", "GET"): only(GROUPS_ADMIN, 200),
    ("admin_groups.import_page", "POST"): only(GROUPS_ADMIN, 422),
    ("admin_groups.import_confirm", "POST"): only(GROUPS_ADMIN, 400),
    ("admin_rounds.index", "GET"): only(ROUNDS_ADMIN, 200),
    ("admin_rounds.index", "POST"): only(ROUNDS_ADMIN, 422),
    ("admin_rounds.set_status", "POST"): only(ROUNDS_ADMIN, 422),
    ("admin_rounds.links", "GET"): only(ROUNDS_ADMIN, 200),
    ("admin_people.index", "GET"): only(PEOPLE_ADMIN, 200),
    ("admin_people.create", "GET"): only(PEOPLE_ADMIN, 200),
    ("admin_people.create", "POST"): only(PEOPLE_ADMIN, 422),
    ("admin_people.edit", "GET"): only(PEOPLE_ADMIN, 404),
    ("admin_people.edit", "POST"): only(PEOPLE_ADMIN, 404),
    ("admin_people.account_action", "POST"): only(PEOPLE_ADMIN, 404),
    ("admin_people.council_index", "GET"): only(COUNCIL_ADMIN, 200),
    ("admin_people.council_index", "POST"): only(COUNCIL_ADMIN, 422),
    ("admin_people.council_edit", "GET"): only(COUNCIL_ADMIN, 404),
    ("admin_people.council_edit", "POST"): only(COUNCIL_ADMIN, 404),
    ("admin_people.council_remove", "POST"): only(COUNCIL_ADMIN, 404),
    # last: signing out ends the session the rows above use
    ("auth.logout", "POST"): everyone(302),
}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every route, sign-out last."""
    found = [
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda item: item[0] == "auth.logout")


def _url(app: Flask, endpoint: str, round_id: int, group_id: int, ward_id: int) -> str:
    values = {
        "round_id": round_id,
        "section_id": "c7",
        "token": "unknown-token",
        "audience": "child",
        "filename": "css/app.css",
        "group_id": group_id,  # the group leader's own group
        "token_id": 999999,
        "job_id": "unknown-job",
        "action": "pause",
        "ward_id": ward_id,  # the test ward (an admin without a ward administers it)
        "kind": "plan",
        "fmt": "pdf",
    }
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        args = {
            # An argument without a chosen value names nothing that exists: 404 expected.
            name: values.get(name, 999999 if _is_int(rule, name) else "unknown")
            for name in rule.arguments
        }
        if endpoint in ACTIONS:
            args["action"] = ACTIONS[endpoint]
        url = url_for(endpoint, **args)
    if endpoint == "rounds.history":
        url += f"?entity=round&id={round_id}"
    return url


def test_every_route_is_public_signed_in_or_guarded_by_a_permission(app):
    unguarded, wrongly_guarded = [], []
    for rule in app.url_map.iter_rules():
        permission = getattr(app.view_functions[rule.endpoint], "cfw_permission", None)
        open_route = rule.endpoint in PUBLIC | SIGNED_IN
        if permission is None and not open_route:
            unguarded.append(rule.endpoint)
        if permission is not None and open_route:
            wrongly_guarded.append(rule.endpoint)
    assert not unguarded, f"routes without a permission (use auth.require): {sorted(unguarded)}"
    assert not wrongly_guarded, f"listed as open but guarded: {sorted(wrongly_guarded)}"
    stale = (PUBLIC | SIGNED_IN) - set(app.view_functions)
    assert not stale, f"open-route names of no route: {sorted(stale)}"


def test_every_route_is_classified(app):
    missing = sorted({(e, m) for e, m, _ in _routes(app)} - set(EXPECTED))
    assert not missing, f"routes without an expectation (add them to EXPECTED): {missing}"
    stale = sorted(set(EXPECTED) - {(e, m) for e, m, _ in _routes(app)})
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, make_user, role):
    world = make_world(app, make_user)
    client = app.test_client()
    group_id = _leader_group(app, world.users["totruong"])
    if role != "anonymous":
        assert (
            client.post("/login", data={"username": LOGINS[role], "password": _pw()}).status_code
            == 302
        )
    wrong = []
    for endpoint, method, _rule in _routes(app):
        expected = EXPECTED.get((endpoint, method))
        if expected is None and not DUMP:
            continue  # reported by test_every_route_is_classified
        url = _url(app, endpoint, world.round_id, group_id, world.ward_id)
        try:
            response = client.open(url, method=method)
        except Exception as exc:  # a crash is a wrong cell too; keep checking the others
            wrong.append(f"{method} {url} ({endpoint}): raised {type(exc).__name__}: {exc}")
            continue
        response.close()  # static files hold an open file until closed
        if DUMP:
            print(f"DUMP {role} {endpoint} {method} {response.status_code}")
            continue
        if response.status_code != expected[role] and not (
            expected[role] in (302, 303) and response.status_code in (302, 303)
        ):
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code} ≠ {expected[role]}")
    assert not wrong, f"role {role}:\n" + "\n".join(wrong)


def _is_int(rule: Any, name: str) -> bool:
    return isinstance(rule._converters.get(name), IntegerConverter)


def _leader_group(app: Flask, user_id: int) -> int:
    from survey_app.core.db import get_session
    from survey_app.models import User

    with app.app_context():
        return get_session().get(User, user_id).group_id


def _pw() -> str:
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD

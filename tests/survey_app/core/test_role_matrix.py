"""Every route × every role → the expected status.

The matrix is built from ``app.url_map``: a route nobody classified fails the test, so each new
route must get a row in EXPECTED (endpoint, method) → status per role. Statuses: 200 page,
303/302 redirect (302 for anonymous = the sign-in page), 403 forbidden, 404, 409 refused step,
422 invalid form, 400 no survey in progress.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

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


def everyone(status: int) -> dict[str, int]:
    """The same status for every role."""
    return dict.fromkeys(ROLES, status)


def staff(status: int, *, anonymous: int = 302) -> dict[str, int]:
    """Signed-in users get ``status``, anonymous visitors the sign-in redirect."""
    return everyone(status) | {"anonymous": anonymous}


def only(allowed: tuple[str, ...], status: int, *, denied: int = 403) -> dict[str, int]:
    """``allowed`` roles get ``status``; other signed-in roles ``denied``; anonymous 302."""
    return {r: status if r in allowed else denied for r in ROLES} | {"anonymous": 302}


WORKSPACE = ("admin", "vhxh", "congan", "yte", "council", "viewer")
DASHBOARD = ("admin", "vhxh", "council", "viewer")

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("static", "GET"): everyone(200),
    ("home.index", "GET"): everyone(200),
    ("home.healthz", "GET"): everyone(200),
    ("home.readyz", "GET"): everyone(200),
    # the test client comes from 127.0.0.1 without X-Forwarded-For: an allowed scraper
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
    # criteria entry: a unit officer only their own unit (c7 is the health station's)
    ("criteria.index", "GET"): only(WORKSPACE, 200),
    ("criteria.edit", "GET"): only(WORKSPACE, 200) | {"congan": 403},
    ("criteria.edit", "POST"): only(("vhxh", "yte"), 303),
    ("criteria.submit", "POST"): only(("vhxh", "yte"), 422),
    ("scorecard.show", "GET"): only(WORKSPACE, 200),
    # the round's workflow (at stage "entering", with nothing submitted)
    ("rounds.index", "GET"): only(WORKSPACE, 200),
    ("rounds.show", "GET"): only(WORKSPACE, 200),
    ("rounds.consolidate", "POST"): only(("vhxh",), 409),
    ("rounds.approve", "POST"): only(("council",), 409),
    ("rounds.lock", "POST"): only(("vhxh", "council"), 409),
    ("rounds.post", "POST"): only(("vhxh",), 409),
    ("rounds.send", "POST"): only(("vhxh",), 409),
    ("rounds.decide", "POST"): only(("vhxh",), 409),
    ("rounds.reopen", "POST"): only(("vhxh", "council"), 409),
    ("rounds.history", "GET"): only(WORKSPACE, 200),
    ("dossier.pdf", "GET"): only(("admin", "vhxh", "council"), 409),
    ("dossier.scores_xlsx", "GET"): only(("admin", "vhxh", "council"), 409),
    # survey dashboard and statistics (unknown response id / ward code → 404)
    ("dashboard.latest", "GET"): only(DASHBOARD, 303),
    ("dashboard.survey", "GET"): only(DASHBOARD, 200),
    ("dashboard.flags", "GET"): only(DASHBOARD, 200),
    ("dashboard.review_action", "POST"): only(("admin", "vhxh"), 404),
    ("dashboard.aggregates_csv", "GET"): only(DASHBOARD, 200),
    ("dashboard.aggregates_xlsx", "GET"): only(DASHBOARD, 200),
    ("dashboard.responses_csv", "GET"): only(("admin", "vhxh"), 200),
    ("results.ward", "GET"): everyone(404),
    ("results.group", "GET"): everyone(404),
    # a group leader: only their own group (the others are sent on to it, or refused)
    ("leader.home", "GET"): only(("admin", "vhxh", "leader"), 302),
    ("leader.group", "GET"): only(("admin", "vhxh", "leader"), 200),
    # paper forms (no survey token in this round yet → 400 on entry)
    ("paper.pick", "GET"): only(("admin", "vhxh"), 200),
    ("paper.entry", "GET"): only(("admin", "vhxh"), 400),
    ("paper.entry", "POST"): only(("admin", "vhxh"), 400),
    ("paper.form_pdf", "GET"): only(("admin", "vhxh", "leader"), 200),
    # posters and their tokens (no group in this round → 409/400; unknown token/job → 404)
    ("posters.index", "GET"): only(("admin", "vhxh"), 200),
    ("posters.round_page", "GET"): only(("admin", "vhxh"), 200),
    ("posters.group_poster", "GET"): only(("admin", "vhxh", "leader"), 409),
    ("posters.start_all", "POST"): only(("admin", "vhxh"), 409),
    ("posters.job_page", "GET"): only(("admin", "vhxh"), 404),
    ("posters.job_pdf", "GET"): only(("admin", "vhxh"), 404),
    ("posters.qr_images", "GET"): only(("admin", "vhxh"), 409),
    ("poster_tokens.tokens_page", "GET"): only(("admin", "vhxh"), 200),
    ("poster_tokens.create", "POST"): only(("admin", "vhxh"), 400),
    ("poster_tokens.change", "POST"): only(("admin", "vhxh"), 404),
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


def _url(app: Flask, endpoint: str, round_id: int, group_id: int) -> str:
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
    }
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        args = {
            # An argument without a chosen value names nothing that exists: 404 expected.
            name: values.get(name, 999999 if _is_int(rule, name) else "unknown")
            for name in rule.arguments
        }
        url = url_for(endpoint, **args)
    if endpoint == "rounds.history":
        url += f"?entity=round&id={round_id}"
    return url


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
        url = _url(app, endpoint, world.round_id, group_id)
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

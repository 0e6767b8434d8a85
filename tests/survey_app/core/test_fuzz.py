"""Bad input, systematically: hypothesis posts hostile bodies to every POST route.

File loaders and the `cfw rules`/`cfw score` commands get theirs in test_fuzz_files.py.

Routes are enumerated from ``app.url_map``, so a POST route added later is fuzzed too, with
every staff role signed in. For every example: the answer is below 500 (a 4xx with a message
for bad input), no hostile script comes back unescaped, and nothing changes: every table's
content and the audit chain head are the same before and after, except the rate-limit and
sign-in throttling buckets. A route that *accepts* a body and changes data must have audited
the change (or be listed in ACCEPTED_UNAUDITED with the reason).
"""

from __future__ import annotations

import io
import os
import re
import string
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from werkzeug.datastructures import MultiDict

from survey_app.posters import jobs as poster_jobs
from tests.survey_app.route_tools import (
    ROLE_CASES,
    engine_of,
    fill_rule,
    fingerprint,
    is_public,
    known_values,
    make_role_user,
    placeholders,
    route_rules,
    sign_in,
    signed_in,
    start_survey,
)
from tests.survey_app.survey_factories import make_survey, varied_answers

# Routes that accept any body by design and change data without an audit entry, with why.
ACCEPTED_UNAUDITED = {
    # Sign-out ends every session of the account by bumping user_account.session_version.
    "auth.logout": frozenset({"user_account"}),
}
SCRIPT = "<script>alert(1)</script>"
# Hostile values: scripts, spreadsheet formulas, SQL, wrong types, control and odd Unicode.
CURATED = (
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://evil")',
    "'; DROP TABLE response; --",
    "1 OR 1=1",
    "",
    " ",
    "0",
    "-1",
    "3.5",
    "1e309",
    "99999999999999999999999",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "\u0301" * 500,  # combining marks only
    "e\u0301" * 2000,
    "🙂" * 2500,
    "Đ" * 10_000,
    "\ud7ff\ue000\uffff",
    "../../etc/passwd",
    "%00%ff",
    "\r\nSet-Cookie: x=1",
)
URL_TEXT = string.ascii_letters + string.digits + "-_.~"


def _hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(CURATED),
        st.text(max_size=300),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=10_000),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


# ----------------------------------------------------------------------------- routes


POST_RULES = route_rules("POST")
# A bounded total (well under a minute) however many routes and roles exist: public routes are
# fuzzed anonymously only, staff routes with every role. Each example reads every table twice,
# which costs about twice as much over PostgreSQL's network protocol: half the examples there.
_PAIRS = sum(1 if is_public(e) else len(ROLE_CASES) for e, _r in POST_RULES)
_TOTAL = 600 if os.environ.get("DATABASE_URL", "").startswith("postgresql") else 1200
EXAMPLES_PER_ROUTE = max(4, min(40, _TOTAL // max(1, _PAIRS)))


def _url_values(rule: str, known: dict[str, list[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Values for the rule's placeholders: existing ids and words, and random ones."""
    values = {}
    for converter, name in placeholders(rule):
        existing = known.get(name) or [1, "x"]
        if converter == "int":
            values[name] = st.one_of(
                st.sampled_from(existing), st.integers(min_value=0, max_value=10**20)
            )
        else:
            values[name] = st.one_of(
                st.sampled_from(existing), st.text(alphabet=URL_TEXT, min_size=1, max_size=40)
            )
    return st.fixed_dictionaries(values)


_NAME = re.compile(r'name="([^"]+)"')
_OPTION = re.compile(r'name="([^"]+)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="([^"]+)"')


def _form_fields(client: FlaskClient, url: str) -> tuple[list[str], dict[str, list[str]]]:
    """Field names and offered values of the form the GET page shows (if it has one).

    Hidden values are never offered back (one-time keys, ids): the fuzz must stay bad input.
    """
    page = client.get(url)
    html = page.get_data(as_text=True) if page.status_code == 200 else ""
    names = sorted(set(_NAME.findall(html)) - {"csrf_token"})
    options: dict[str, list[str]] = {}
    for tag in re.findall(r"<(?:input|option|button)[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        match = _OPTION.search(tag)
        if match:
            name = match.group(1) or match.group(4)
            value = match.group(2) if match.group(1) else match.group(3)
            options.setdefault(name, []).append(value)
    return names, options


def _bodies(names: list[str], options: dict[str, list[str]]) -> st.SearchStrategy[dict]:
    """Keyword arguments for ``client.post``: many shapes of bad body."""
    field_name = st.one_of(
        st.sampled_from(names or ["x"]),
        st.sampled_from(["group_id", "round_id", "token_id", "ward_id", "role", "csrf_token"]),
        st.text(max_size=40),
    )
    value = st.one_of(
        *([st.sampled_from(sorted({v for vs in options.values() for v in vs}))] if options else []),
        _hostile_text(),
    )
    pairs = st.lists(st.tuples(field_name, value), max_size=30)
    # The form's own fields, each with an offered or a hostile value, some left out.
    own = st.fixed_dictionaries(
        {},
        optional={n: st.one_of(st.sampled_from(options.get(n) or [""]), value) for n in names},
    )
    form = st.tuples(own, pairs).map(lambda t: MultiDict([*t[0].items(), *t[1]]))
    encoded = st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda s: s.encode("latin-1", "replace")),
        st.just(b"q_safety=%ff%fe%00&key=\xff\xfe&comment=\xc3\x28"),
    )
    return st.one_of(
        form.map(lambda d: {"data": d}),
        # Every field repeated: radio groups must refuse two values.
        form.map(lambda d: {"data": MultiDict([*d.items(multi=True), *d.items(multi=True)])}),
        encoded.map(lambda b: {"data": b, "content_type": "application/x-www-form-urlencoded"}),
        st.one_of(
            st.dictionaries(st.text(max_size=20), st.text(max_size=50), max_size=10),
            st.lists(st.integers(), max_size=5),
            st.none(),
        ).map(lambda j: {"json": j}),
        form.map(
            lambda d: {
                "data": {**d.to_dict(), "upload": (io.BytesIO(b"=1+1,\x00" * 50), "a.csv")},
                "content_type": "multipart/form-data",
            }
        ),
        st.integers(min_value=1001, max_value=3000).map(
            lambda n: {"data": MultiDict((f"f{i}", "1") for i in range(n))}
        ),
        st.integers(min_value=70_000, max_value=200_000).map(
            lambda n: {"data": {"comment": "x" * n}}  # past MAX_CONTENT_LENGTH
        ),
        st.binary(max_size=500).map(lambda b: {"data": b, "content_type": "text/plain"}),
    )


@pytest.mark.parametrize("role", ROLE_CASES)
def test_every_post_route_refuses_bad_input_without_a_500_or_a_change(app, client, make_user, role):
    setup = make_survey(app, groups=2, cap=50)
    username = make_role_user(make_user, role, setup)
    sign_in(client, username)
    start_survey(client, setup.tokens[0])
    known = known_values(setup)
    routes = [(e, r) for e, r in POST_RULES if role == "anon" or not is_public(e)]
    assert routes
    for endpoint, rule in routes:
        if username and not signed_in(client):
            sign_in(client, username)  # the previous route signed us out (logout)
        _fuzz_route(client, engine_of(app), endpoint, rule, known)


def _fuzz_route(
    client: FlaskClient, engine: Engine, endpoint: str, rule: str, known: dict[str, list[Any]]
) -> None:
    """EXAMPLES_PER_ROUTE hostile POSTs to one route, each checked for a 500 and for changes."""
    fields_cache: dict[str, tuple[list[str], dict[str, list[str]]]] = {}

    @settings(max_examples=EXAMPLES_PER_ROUTE)
    @given(data=st.data())
    def post_bad_input(data: st.DataObject) -> None:
        url = fill_rule(rule, data.draw(_url_values(rule, known), label="url values"))
        if url not in fields_cache:
            fields_cache[url] = _form_fields(client, url)
        kwargs = data.draw(_bodies(*fields_cache[url]), label="body")
        before = fingerprint(engine)
        response = client.post(url, **kwargs)
        poster_jobs.wait_all()  # a job's thread writes after the answer: let it end first
        after = fingerprint(engine)
        body = response.get_data(as_text=True)

        assert response.status_code < 500, (url, response.status_code, body[:500])
        assert SCRIPT not in body, f"{url} reflected a script unescaped"
        changed = {name for name in before if before[name] != after[name]}
        if response.status_code >= 400:
            assert body.strip(), f"{url}: {response.status_code} without a message"
            assert not changed, f"{url} refused ({response.status_code}) but changed {changed}"
        elif changed:
            allowed = ACCEPTED_UNAUDITED.get(endpoint, frozenset())
            assert "audit head" in changed or changed <= allowed, (
                f"{endpoint} accepted a fuzzed body and changed {sorted(changed)} without an "
                "audit entry: tighten its validation, audit the change, or list it in "
                "ACCEPTED_UNAUDITED with the reason"
            )

    post_bad_input()


def test_hostile_comment_in_a_valid_submission_is_stored_once_cleaned(app, client):
    """The deepest path: a valid questionnaire whose free-text comment is hostile."""
    setup = make_survey(app, groups=1, cap=1000)
    start_survey(client, setup.tokens[0])
    engine = engine_of(app)
    sent = iter(range(10**6))

    @settings(max_examples=40)
    @given(comment=_hostile_text().map(lambda c: c[:300]))
    def submit(comment: str) -> None:
        n = next(sent)
        key = f"fuzz-comment-key-{n:012d}"
        data = {**varied_answers("child"), "key": key, "comment": comment}
        response = client.post(
            "/s/child/questions",
            data=data,
            environ_base={"REMOTE_ADDR": f"10.9.{n // 250}.{n % 250}"},
        )
        body = response.get_data(as_text=True)
        assert response.status_code in (303, 400), (response.status_code, body[:300])
        assert SCRIPT not in body
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT comment FROM response WHERE submission_key = :k"), {"k": key}
            ).all()
        assert len(rows) == (1 if response.status_code == 303 else 0)
        if rows and rows[0][0] is not None:
            stored = rows[0][0]
            assert len(stored) <= 300 and not any(ord(ch) < 32 for ch in stored)

    submit()


def test_the_route_list_covers_the_survey_and_sign_in():
    endpoints = {endpoint for endpoint, _rule in POST_RULES}
    assert {"public.questions", "public.profile", "auth.login"} <= endpoints


def test_fingerprint_sees_an_update_that_keeps_the_row_count(app):
    make_survey(app, groups=1)
    engine = app.extensions["cfw_engine"]
    before = fingerprint(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE poster_token SET used = used + 1"))
    assert fingerprint(engine)["poster_token"] != before["poster_token"]

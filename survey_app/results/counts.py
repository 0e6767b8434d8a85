"""Criterion-13 counts from the database, in the row shape `assessment.survey.counts` expects.

Two sources give the same rows ``(group_id, audience, question_id, value, n)``:

- :func:`count_rows` reads the ``answer_count`` counters, which `submit_response` and
  `review_response` keep current in the same transaction as the change: this is what pages,
  exports and the scorecard use (a page view never walks raw answers);
- :func:`recount_rows` recomputes the same figures from the raw answers in ONE grouped query:
  the reference the counters are checked against, and the "full recompute" of the benchmark.

THE definition of "counted" (issue 14): a response is counted unless
`Response.counts_as_flagged` (held back by the flag policy and not yet reviewed, or excluded by
a reviewer). On the raw side that is :func:`counted_sql`; on the counters' side
:func:`counted_counters`. Every screen and file that shows how many people answered (the
leader's page, the dashboard, the public results, the exports, the dossier, ``cfw stats``)
goes through :func:`count_rows_both` / :func:`counted_rows` / :func:`not_counted_responses`
here, so they cannot disagree. ``include_flagged=False`` gives the official figures. What
a frozen round's figures read besides the counters (populations, response tallies) comes
from its lock: survey_app/results/frozen.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, false, func, not_, or_, select
from sqlalchemy.orm import Session, object_session

from assessment import AnswerRow, RuleSet, SurveyFormula, counts_from_rows
from survey_app.models import Answer, AnswerCount, AssessmentRound, ResidentialGroup, Response
from survey_app.results.masking import mask_comment
from survey_app.rulesets import store as rule_store

FLAG_NAMES = ("speeder", "straightline", "burst", "repeat", "impossible")


class RoundNotFound(LookupError):
    """No assessment round has this id."""


def get_round(session: Session, round_id: int) -> AssessmentRound:
    """The round, or RoundNotFound."""
    round_ = session.get(AssessmentRound, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    return round_


def formula_for(round_: AssessmentRound) -> SurveyFormula:
    """The criterion-13 formula of the round's rule version."""
    return rule_store.load(round_.rule_version, session=object_session(round_)).survey


def _any_flag():
    return or_(*(getattr(Response, f"flag_{name}") for name in FLAG_NAMES))


def counts_as_flagged_sql():
    """SQL twin of `Response.counts_as_flagged` (kept next to the Python one in review tests)."""
    return or_(Response.review == "excluded", and_(Response.review == "pending", Response.held))


def counted_sql():
    """A response that counts toward the official figures (SQL, on `Response`)."""
    return not_(counts_as_flagged_sql())


def counted_counters():
    """The half of the ``answer_count`` counters that counts toward the official figures."""
    return AnswerCount.flagged == false()


def counted_rows(
    session: Session, round_id: int, *, group_id: int | None = None, question_id: str | None = None
) -> list[AnswerRow]:
    """The counted rows of a round, optionally of one group and one question (one query).

    The leader's page reads only its own group's overall question through this, so it shows
    exactly what the dashboard's cell for that group shows.
    """
    keys = (AnswerCount.group_id, AnswerCount.audience, AnswerCount.question_id, AnswerCount.value)
    query = (
        select(*keys, func.sum(AnswerCount.n))
        .where(AnswerCount.round_id == round_id, counted_counters())
        .group_by(*keys)
        .order_by(*keys)
    )
    if group_id is not None:
        query = query.where(AnswerCount.group_id == group_id)
    if question_id is not None:
        query = query.where(AnswerCount.question_id == question_id)
    return [(g, a, qid, int(v), int(n)) for g, a, qid, v, n in session.execute(query) if n]


def not_counted_responses(session: Session, round_id: int) -> int:
    """How many responses of a round are left out of the official figures."""
    return session.execute(
        select(func.count())
        .select_from(Response)
        .where(Response.round_id == round_id, counts_as_flagged_sql())
    ).scalar_one()


def count_rows(session: Session, round_id: int, *, include_flagged: bool) -> list[AnswerRow]:
    """The round's grouped answer counts from the kept-current counters (one query)."""
    clean, everything = count_rows_both(session, round_id)
    return everything if include_flagged else clean


def count_rows_both(session: Session, round_id: int) -> tuple[list[AnswerRow], list[AnswerRow]]:
    """(without flagged, with flagged) rows from ONE grouped read of the counters.

    The dashboard shows both; one query summing both halves halves the database work, and
    Core execution (no ORM row processing) keeps 10,000 counter rows cheap.
    """
    clean_n = func.sum(case((counted_counters(), AnswerCount.n), else_=0))
    keys = (AnswerCount.group_id, AnswerCount.audience, AnswerCount.question_id, AnswerCount.value)
    query = (
        select(*keys, clean_n.label("clean"), func.sum(AnswerCount.n).label("n"))
        .where(AnswerCount.round_id == round_id)
        .group_by(*keys)
        .order_by(*keys)
    )
    clean: list[AnswerRow] = []
    everything: list[AnswerRow] = []
    for group_id, audience, question_id, value, n_clean, n_all in (
        session.connection().execute(query).all()  # one fetchall, not a fetch per row
    ):
        if n_clean:
            clean.append((group_id, audience, question_id, int(value), int(n_clean)))
        if n_all:
            everything.append((group_id, audience, question_id, int(value), int(n_all)))
    return clean, everything


def recount_rows(session: Session, round_id: int, *, include_flagged: bool) -> list[AnswerRow]:
    """The same rows as :func:`count_rows`, recomputed from raw answers in one grouped query."""
    count = func.count().label("n")
    query = (
        select(Response.group_id, Response.audience, Answer.question_id, Answer.value, count)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == round_id)
        .group_by(Response.group_id, Response.audience, Answer.question_id, Answer.value)
        .order_by(Response.group_id, Response.audience, Answer.question_id, Answer.value)
    )
    if not include_flagged:
        query = query.where(counted_sql())
    return [(g, a, q, int(v), int(n)) for g, a, q, v, n in session.execute(query)]


def _input_keys(rules: RuleSet) -> dict[str, tuple[str, str]]:
    """audience -> (satisfied key, valid key), from the rule file's survey indicator."""
    for criterion in rules.criteria:
        for indicator in criterion.indicators:
            if indicator.scale == "survey" and indicator.satisfied:
                valid = dict(indicator.valid)
                return {a: (key, valid[a]) for a, key in indicator.satisfied}
    return {a: (f"c13.{a}_satisfied", f"c13.{a}_valid") for a in rules.survey.audiences}


def c13_inputs(session: Session, round_id: int, *, include_flagged: bool = False) -> dict[str, int]:
    """Criterion 13's scoring inputs of a round, from the counters.

    Returns e.g. ``{"c13.child_satisfied": 120, "c13.child_valid": 140,
    "c13.resident_satisfied": 300, "c13.resident_valid": 380}``; the key names come from the
    rule file's survey indicator, the satisfied/don't-know codes and the overall question from
    its ``[survey]`` formula. Raises RoundNotFound for an unknown round.
    """
    rules = rule_store.load(get_round(session, round_id).rule_version, session)
    rows = count_rows(session, round_id, include_flagged=include_flagged)
    totals = counts_from_rows(rows, rules.survey).totals()
    result: dict[str, int] = {}
    for audience, (satisfied_key, valid_key) in _input_keys(rules).items():
        total = totals.get(audience)
        result[satisfied_key] = total.satisfied if total else 0
        result[valid_key] = total.valid if total else 0
    return result


@dataclass(frozen=True, slots=True)
class FlaggedResponse:
    """One response on the review list: nothing that identifies a person (none is stored)."""

    id: int
    group_id: int
    group_name: str
    audience: str
    age_band: str
    day: dt.date
    channel: str
    duration_s: int | None
    flags: tuple[str, ...]
    review: str
    counts_as_flagged: bool
    answers: tuple[tuple[str, int], ...]
    comment: str | None  # masked (survey_app.results.masking), on the way in and out


@dataclass(frozen=True, slots=True)
class FlaggedPage:
    """A page of the review list and the totals for paging and the headline."""

    items: tuple[FlaggedResponse, ...]
    total: int
    pending: int
    limit: int
    offset: int


def _review_filter(round_id: int):
    # On the list: anything with a flag, and anything a reviewer decided on (an unflagged
    # response can be excluded too, e.g. after a complaint), so every decision can be undone.
    return and_(Response.round_id == round_id, or_(_any_flag(), Response.review != "pending"))


# The review list's "show" filter: which responses, by the policy's decision or the review.
REVIEW_VIEWS = ("all", "held", "marked", "kept", "excluded")


def _view_filter(view: str):
    return {
        "held": and_(Response.held, Response.review == "pending"),
        "marked": and_(not_(Response.held), Response.review == "pending"),
        "kept": Response.review == "kept",
        "excluded": Response.review == "excluded",
    }.get(view)


def flagged_responses(
    session: Session,
    round_id: int,
    *,
    limit: int = 50,
    offset: int = 0,
    flag: str | None = None,
    view: str = "all",
) -> FlaggedPage:
    """Flagged or reviewed responses of a round, held first, with their answers.

    ``flag`` keeps those with one signal (a name of FLAG_NAMES), ``view`` one of
    REVIEW_VIEWS; unknown values are ignored (the whole list).
    """
    limit, offset = max(1, min(int(limit), 200)), max(0, int(offset))
    where = _review_filter(round_id)
    if flag in FLAG_NAMES:
        where = and_(where, getattr(Response, f"flag_{flag}"))
    if _view_filter(view) is not None:
        where = and_(where, _view_filter(view))
    total = session.execute(select(func.count()).select_from(Response).where(where)).scalar_one()
    pending = session.execute(
        select(func.count())
        .select_from(Response)
        .where(where, Response.review == "pending", Response.held)
    ).scalar_one()
    pending_first = (Response.review != "pending") | not_(Response.held)
    rows = session.execute(
        select(Response, ResidentialGroup.name)
        .join(ResidentialGroup, ResidentialGroup.id == Response.group_id)
        .where(where)
        .order_by(pending_first, Response.id)
        .limit(limit)
        .offset(offset)
    ).all()
    ids = [r.id for r, _name in rows]
    answers: dict[int, list[tuple[str, int]]] = {i: [] for i in ids}
    if ids:
        for response_id, question_id, value in session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value).where(
                Answer.response_id.in_(ids)
            )
        ):
            answers[response_id].append((question_id, int(value)))
    items = tuple(
        FlaggedResponse(
            id=r.id,
            group_id=r.group_id,
            group_name=name,
            audience=r.audience,
            age_band=r.age_band,
            day=r.day,
            channel=r.channel,
            duration_s=r.duration_s,
            flags=tuple(f for f in FLAG_NAMES if getattr(r, f"flag_{f}")),
            review=r.review,
            counts_as_flagged=r.counts_as_flagged,
            answers=tuple(answers[r.id]),
            comment=mask_comment(r.comment),
        )
        for r, name in rows
    )
    return FlaggedPage(items, int(total), int(pending), limit, offset)


def rule_counts(session: Session, round_id: int) -> dict[str, int]:
    """How many responses each signal marked, how many the policy held, how many are out.

    Keys: every name of FLAG_NAMES, "marked" (any signal), "held" (held and not yet
    reviewed), "excluded" (by a reviewer) and "not_counted" (the two together). One query.
    """
    columns = [
        func.sum(case((getattr(Response, f"flag_{name}"), 1), else_=0)).label(name)
        for name in FLAG_NAMES
    ]
    columns += [
        func.sum(case((_any_flag(), 1), else_=0)).label("marked"),
        func.sum(case((and_(Response.held, Response.review == "pending"), 1), else_=0)).label(
            "held"
        ),
        func.sum(case((Response.review == "excluded", 1), else_=0)).label("excluded"),
        func.sum(case((counts_as_flagged_sql(), 1), else_=0)).label("not_counted"),
    ]
    row = session.execute(select(*columns).where(Response.round_id == round_id)).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def response_rows(session: Session, round_id: int) -> Sequence:
    """Every response of a round with its group name, for the anonymised raw export."""
    return session.execute(
        select(Response, ResidentialGroup.name)
        .join(ResidentialGroup, ResidentialGroup.id == Response.group_id)
        .where(Response.round_id == round_id)
        .order_by(Response.id)
    ).all()


def answers_by_response(session: Session, round_id: int) -> dict[int, dict[str, int]]:
    """question -> value per response of a round (one query), for the raw export."""
    result: dict[int, dict[str, int]] = {}
    query = (
        select(Answer.response_id, Answer.question_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == round_id)
    )
    for response_id, question_id, value in session.execute(query):
        result.setdefault(response_id, {})[question_id] = int(value)
    return result


__all__ = [
    "FlaggedPage",
    "FlaggedResponse",
    "RoundNotFound",
    "c13_inputs",
    "count_rows",
    "count_rows_both",
    "counted_counters",
    "counted_rows",
    "counted_sql",
    "counts_as_flagged_sql",
    "flagged_responses",
    "formula_for",
    "get_round",
    "not_counted_responses",
    "recount_rows",
    "rule_counts",
]

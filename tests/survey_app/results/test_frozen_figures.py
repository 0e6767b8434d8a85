"""A locked round's survey figures (dashboard, exports, leader page) come from its lock: an
administrator correcting a group's populations afterwards changes none of them. An unlocked
round follows the groups as they are."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.admin import groups
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, ResidentialGroup
from survey_app.posters.progress import group_progress
from survey_app.results import frozen
from survey_app.results.dashboard import build_dashboard, counts_for
from tests.survey_app.survey_factories import demo_round, locked_demo_round


def _figures(app, round_id: int) -> tuple:
    """Everything the staff see that the populations feed: targets, rates, intervals."""
    with app.test_request_context():
        session = get_session()
        view = build_dashboard(session, round_id)
        _round, _formula, counts = counts_for(session, round_id)
        group_id = session.scalars(select(ResidentialGroup.id)).first()
        leader = group_progress(session, session.get(AssessmentRound, round_id), group_id)
        return view.groups, view.clean.rates, view.clean.targets, counts, leader


def _times_ten(app) -> None:
    """The administrator's group edit (the same use case as /admin/wards/<w>/groups/<g>/edit)."""
    with app.app_context():
        session = get_session()
        for group in session.scalars(select(ResidentialGroup)).all():
            with write_transaction(session) as tx:
                groups.update_group(
                    tx,
                    group.ward_id,
                    group.id,
                    name=group.name,
                    children=group.children * 10,
                    residents=group.residents * 10,
                    actor=None,
                )


def test_a_locked_rounds_dashboard_keeps_the_populations_of_the_lock(app):
    round_id = locked_demo_round(app)
    before = _figures(app, round_id)
    with app.app_context():
        recorded = frozen.populations(get_session(), round_id)
    _times_ten(app)
    assert _figures(app, round_id) == before
    with app.app_context():
        session = get_session()
        assert frozen.populations(session, round_id) == recorded
        ward_id = session.get(AssessmentRound, round_id).ward_id
        live = frozen.live_populations(session, ward_id)
    assert live == {key: 10 * n for key, n in recorded.items()}


def test_an_unlocked_rounds_dashboard_follows_the_groups(app):
    with app.test_request_context():
        round_id = demo_round(get_session(), answers=40).id
    groups_before, _rates, targets_before, counts_before, _leader = _figures(app, round_id)
    _times_ten(app)
    groups_after, _rates, targets_after, counts_after, _leader = _figures(app, round_id)
    population = [c.population for row in groups_before for c in row.cells]
    assert [c.population for row in groups_after for c in row.cells] == [
        None if n is None else 10 * n for n in population
    ]
    assert targets_after != targets_before
    assert counts_after != counts_before

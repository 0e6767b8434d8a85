"""The dossier built from a real round carries the criterion-13 survey figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from survey_app.db import get_session
from survey_app.demo import build_demo
from survey_app.models import AssessmentRound, Response
from survey_app.services.dossier_source import build_dossier_data


def test_dossier_survey_section_matches_the_stored_answers(app):
    with app.test_request_context():
        session = get_session()
        result = build_demo(
            session,
            base_url="http://survey.test",
            secret="s" * 40,
            answers=60,
            seed=7,
            today=dt.date(2026, 6, 1),
        )
        round_ = session.get(AssessmentRound, result.round_id)
        data = build_dossier_data(session, round_, "vi")
        stored = session.execute(
            select(func.count()).select_from(Response).where(Response.round_id == round_.id)
        ).scalar_one()
    survey = data.survey
    assert survey is not None
    assert survey.qr_responses + survey.paper_responses == stored == 60
    assert survey.flagged_excluded == result.flagged
    # Valid answers counted per audience never exceed the responses kept after flags.
    assert sum(a.respondents for a in survey.audiences) <= stored - result.flagged
    assert {a.audience for a in survey.audiences} == {"child", "resident"}
    assert data.scorecard.criteria[-1].points == survey.points

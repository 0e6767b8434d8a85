"""The landing page: what the site is, published results, the way in for staff."""

from __future__ import annotations


def test_home_links_to_staff_sign_in_and_each_wards_results(app, client):
    from survey_app.core.db import get_session, write_transaction
    from survey_app.models import Ward

    with app.app_context():
        session = get_session()
        with write_transaction(session):
            session.add(Ward(code="thu", name="Phường Thử", locality_type="other"))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in page
    assert 'href="/results/thu"' in page and "Phường Thử" in page

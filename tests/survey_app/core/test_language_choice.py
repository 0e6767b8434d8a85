"""`?lang=` is remembered on every request, also on one that only redirects; a poster's or a
paper form's `?lang=` chooses the document's language and leaves the user's alone."""

from __future__ import annotations

import pytest

from tests.survey_app.survey_factories import Setup, make_survey

ENGLISH = '<html lang="en">'
VIETNAMESE = '<html lang="vi">'


@pytest.fixture
def signed_in(app, make_user, login):
    """A factory: a ward with a round, and the client signed in with ``role`` there."""

    def _sign_in(role: str) -> Setup:
        setup = make_survey(app)
        make_user(f"{role}-test", role=role, ward_id=setup.ward_id)
        assert login(f"{role}-test").status_code == 302
        return setup

    return _sign_in


def _follow(client, url: str, expected: str):
    """GET ``url``, check it only redirects (to ``expected``), then open where it leads."""
    first = client.get(url)
    assert first.status_code in (302, 303), first.status_code
    assert first.headers["Location"].split("?")[0].endswith(expected), first.headers["Location"]
    return client.get(first.headers["Location"])


def test_the_survey_redirect_keeps_english(client, signed_in):
    setup = signed_in("vhxh")
    page = _follow(client, "/survey?lang=en", f"/rounds/{setup.round_id}/survey")
    assert page.status_code == 200
    assert ENGLISH in page.get_data(as_text=True)
    assert ENGLISH in client.get("/staff/").get_data(as_text=True)  # and it stays


def test_the_admin_redirect_to_the_ward_keeps_english(client, signed_in):
    setup = signed_in("admin")
    page = _follow(client, "/admin/?lang=en", f"/admin/wards/{setup.ward_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ENGLISH in text and "Ward details" in text


def test_an_english_poster_or_paper_form_keeps_vietnamese_pages(client, signed_in):
    setup = signed_in("vhxh")
    for url in (
        f"/rounds/{setup.round_id}/posters/{setup.group_ids[0]}.pdf?size=A4&lang=en",
        f"/rounds/{setup.round_id}/paper/child.pdf?lang=en",
    ):
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), url
        assert VIETNAMESE in client.get("/staff/").get_data(as_text=True), url


def test_an_unknown_lang_changes_nothing(client, signed_in):
    signed_in("vhxh")
    client.get("/survey?lang=en")
    client.get("/survey?lang=xx")
    assert ENGLISH in client.get("/staff/").get_data(as_text=True)

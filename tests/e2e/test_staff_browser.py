"""Staff flows in a real browser: poster download, criteria entry, scorecard and dossier.

Each test needs a feature's routes; it is skipped, saying which, until that blueprint is in the
app's url_map, so it starts running as soon as the feature lands. Staff sign in with the demo's
one-time passwords (read from `cfw demo`'s output by the live_server fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import LiveServer, shoot, sign_in

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}


def need(server: LiveServer, *endpoints: str) -> None:
    """Skip unless every endpoint is routed (a feature that has not landed yet)."""
    missing = [e for e in endpoints if e not in server.endpoints()]
    if missing:
        pytest.skip(f"route not in the app's url_map yet: {', '.join(missing)}")


def round_id(server: LiveServer) -> int:
    """The demo's open round."""
    return server.groups[0]["round_id"]


def test_group_leader_downloads_the_poster(live_server: LiveServer, phone) -> None:
    need(live_server, "leader.home", "posters.group_poster")
    page = phone()
    sign_in(page, live_server, "totruong1")
    page.goto(live_server.url_for("leader.home"))
    shoot(page, "staff-leader-group")
    link = page.locator("a[href*='.pdf']").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    assert download.suggested_filename.endswith(".pdf")


def test_unit_officer_enters_criteria(live_server: LiveServer, browser) -> None:
    need(live_server, "criteria.index", "criteria.edit")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "yte")
    page.goto(live_server.url_for("criteria.index", round_id=round_id(live_server)))
    shoot(page, "staff-unit-criteria-list")
    links = page.locator("main a[href*='/criteria/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:  # the first criterion this unit may edit (others are read-only)
        page.goto(live_server.base_url + href)
        if page.locator("form.criterion-form").count():
            break
    else:
        pytest.fail(f"no editable criterion for the health unit among {hrefs}")
    form = page.locator("form.criterion-form")
    # The same count everywhere keeps every part within its whole (numerator ≤ denominator).
    for field in form.locator("input[type=number], input[inputmode=numeric]").all():
        field.fill("12")
    for block in form.locator(".yes-no").all():
        block.locator("input[type=radio]").first.check()
    for note in form.locator("textarea, input[type=text]").all():
        if not note.input_value():
            note.fill("Sổ theo dõi của trạm y tế, 2024")
    shoot(page, "staff-unit-criteria-form")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    shoot(page, "staff-unit-criteria-saved")
    assert page.locator(".flash-success").count() == 1, page.inner_text("main")
    # Saving a changed figure returns the section to draft; the unit sends it on again.
    page.locator("form.submit-form button[type=submit]").click()
    page.wait_for_load_state()
    shoot(page, "staff-unit-criteria-submitted")
    assert page.locator("form.submit-form button[type=submit]").count() == 0
    context.close()


def test_culture_social_officer_sees_the_scorecard(live_server: LiveServer, browser) -> None:
    need(live_server, "scorecard.show")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "vhxh")
    response = page.goto(live_server.url_for("scorecard.show", round_id=round_id(live_server)))
    assert response is not None and response.status == 200
    shoot(page, "staff-vhxh-scorecard")
    text = page.inner_text("main")
    assert "13" in text and page.locator("table").count() >= 1
    context.close()


def test_culture_social_officer_consolidates_and_downloads_the_dossier(
    live_server: LiveServer, browser
) -> None:
    need(live_server, "dossier.pdf", "rounds.consolidate", "rounds.show")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "vhxh")
    rid = round_id(live_server)
    url = live_server.url_for("dossier.pdf", round_id=rid)
    # Before consolidation the dossier is refused with a page that says why, not a broken PDF.
    early = page.request.get(url)
    if early.status == 409:
        assert "text/html" in early.headers["content-type"]
        # The demo's units have submitted their criteria: the officer consolidates the round
        # with the button on the round's page (a CSRF-protected POST).
        page.goto(live_server.url_for("rounds.show", round_id=rid))
        page.get_by_role("button", name="Tổng hợp số liệu").click()
        page.wait_for_load_state()
        shoot(page, "staff-vhxh-round-consolidated")
    answer = page.request.get(url)
    assert answer.status == 200, answer.status
    assert answer.body().startswith(b"%PDF")
    context.close()

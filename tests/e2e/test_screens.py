"""Every survey screen and the dashboard at 320 and 360 px, in Vietnamese and English.

For each screen × width × language: a full-page screenshot into artifacts/screenshots/
(``screen-<name>-<lang>-<width>px.png``), no horizontal overflow (the document is no wider
than the phone), and axe-core finds no serious or critical violation. The screens: the start
page, the notice and consent of a child and of a resident, their questions, their thank-you
pages, "already sent" (Back after sending), a paused poster, an unknown poster, and the staff
survey dashboard and comments page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_accessibility import (
    BLOCKING,
    _consent,
    _questions,
    _start,
    _thanks,
    axe_violations,
    describe,
)

pytestmark = pytest.mark.e2e

WIDTHS = (320, 360)
LANGS = ("vi", "en")


def _with_lang(url: str, lang: str) -> str:
    if lang == "vi":
        return url
    return url + ("&" if "?" in url else "?") + "lang=en"


def _flow(audience: str, until: str) -> Callable[[object, LiveServer, str], None]:
    """Start → consent → questions → thanks → Back, stopping at ``until``."""

    def run(page, server: LiveServer, lang: str) -> None:
        _start(page, server, lang=lang)
        if until == "start":
            return
        _consent(page, audience)
        if until == "consent":
            return
        _questions(page, audience)
        if until == "questions":
            return
        _thanks(page)
        if until == "thanks":
            return
        page.go_back()  # Back after sending: "already sent", never the filled form
        page.wait_for_load_state()

    return run


SURVEY: dict[str, Callable[[object, LiveServer, str], None]] = {
    "start": _flow("child", "start"),
    "consent-child": _flow("child", "consent"),
    "consent-resident": _flow("resident", "consent"),
    "questions-child": _flow("child", "questions"),
    "questions-resident": _flow("resident", "questions"),
    "thanks-child": _flow("child", "thanks"),
    "thanks-resident": _flow("resident", "thanks"),
    "already-sent": _flow("resident", "back"),
    "paused": lambda page, s, lang: page.goto(_with_lang(s.paused_url, lang)),
    "unknown-token": lambda page, s, lang: page.goto(
        _with_lang(s.base_url + "/q/this-poster-does-not-exist", lang)
    ),
}

STAFF: dict[str, Callable[[LiveServer], str]] = {
    "dashboard": lambda s: s.url_for("dashboard.survey", round_id=1),
    "comments": lambda s: s.url_for("dashboard.comments", round_id=1),
}


@pytest.fixture(scope="module")
def staff_state(live_server: LiveServer, browser, tmp_path_factory) -> str:
    """The culture-social officer signed in once; each screen's context reuses the cookie."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server, "vhxh")
    path = tmp_path_factory.mktemp("staff") / "state.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


def _page(browser, width: int, *, state: str | None = None):
    context = browser.new_context(
        viewport={"width": width, "height": 640 if width == 320 else 740},
        device_scale_factor=1,
        bypass_csp=True,  # only for the injected axe script; the app's pages carry none
        locale="vi-VN",
        storage_state=state,
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _check(page, name: str, width: int) -> None:
    shoot(page, f"screen-{name}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: the page is {scroll} px wide on a {width} px phone"
    found = axe_violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {name} ({page.url}):\n{describe(blocking)}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("screen", list(SURVEY))
def test_survey_screen_fits_and_passes_axe(live_server, browser, screen, width, lang) -> None:
    context, page = _page(browser, width)
    try:
        SURVEY[screen](page, live_server, lang)
        if lang == "en":
            assert page.locator("html").get_attribute("lang") == "en", page.url
        _check(page, f"{screen}-{lang}-{width}px", width)
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("screen", list(STAFF))
def test_staff_survey_screen_fits_and_passes_axe(
    live_server, browser, staff_state, screen, width, lang
) -> None:
    context, page = _page(browser, width, state=staff_state)
    try:
        page.goto(_with_lang(STAFF[screen](live_server), lang))
        assert "/login" not in page.url
        if lang == "en":
            assert page.locator("html").get_attribute("lang") == "en"
        _check(page, f"{screen}-{lang}-{width}px", width)
    finally:
        context.close()


def test_already_sent_never_shows_the_filled_form(live_server, browser) -> None:
    context, page = _page(browser, 360)
    try:
        _flow("child", "back")(page, live_server, "vi")
        assert page.locator("fieldset.q").count() == 0
    finally:
        context.close()

"""The public survey in a real browser at a phone's size: scan, consent, answer, thank-you.

A resident and a child, in Vietnamese and in English, with JavaScript on and off: every
combination must reach the thank-you page (the survey works without scripts) and store exactly
one new row with the poster's group. Screenshots of each screen go to artifacts/screenshots/.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, LiveServer, shoot

pytestmark = pytest.mark.e2e

THANKS = {
    ("child", "vi"): ("Đã gửi xong!", "Cảm ơn em!"),
    ("child", "en"): ("Sent!", "Thank you!"),
    ("resident", "vi"): ("Đã gửi xong!", "Cảm ơn ông/bà!"),
    ("resident", "en"): ("Sent!", "Thank you!"),
}
DOCS_SHOTS = ROOT / "docs" / "screenshots"


def save_docs_copy(png: bytes, name: str) -> None:
    """A small palette PNG for the README (only when CFW_DOCS_SCREENSHOTS=1 asks for it)."""
    if os.environ.get("CFW_DOCS_SCREENSHOTS") != "1":
        return
    from PIL import Image

    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # 64 colours keep the faces and text crisp at a fraction of the size of a full-colour PNG.
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(
        DOCS_SHOTS / f"{name}.png", optimize=True
    )


def reach_start(page, url: str) -> None:
    """Open the poster link; its landing page moves on to /s by itself (meta refresh)."""
    page.goto(url)
    if not page.url.rstrip("/").endswith("/s"):
        try:
            page.wait_for_url("**/s", timeout=5_000)
        except Exception:  # a browser that ignores meta refresh: the page has a Start link
            page.click("a.go")
            page.wait_for_url("**/s")


def answer_survey(page, server: LiveServer, audience: str, lang: str, name: str) -> None:
    """Walk the whole survey from the poster link to the thank-you page, with screenshots."""
    group = 0 if audience == "child" else 1
    url = server.survey_url(group) + ("?lang=en" if lang == "en" else "")
    reach_start(page, url)
    shoot(page, f"{name}-1-start")
    page.click(f"a.who-tile[href$='/s/{audience}']")
    page.wait_for_url(f"**/s/{audience}")
    for box in page.locator("fieldset.consent input[type=checkbox]").all():
        page.click(f"label[for='{box.get_attribute('id')}']")
    page.click("fieldset#age_band .chips label >> nth=0")
    shoot(page, f"{name}-2-consent")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/s/{audience}/questions")
    if name == "child-vi-js":
        save_docs_copy(page.screenshot(), "survey-child-questions-vi")
    # One answer per question, varied (4, 5, 3, ...) like a real respondent.
    for number, fieldset in enumerate(page.locator("fieldset.q").all()):
        fieldset.locator("label").nth([3, 4, 2][number % 3]).click()
    shoot(page, f"{name}-3-questions")
    page.click("form button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("audience", ["child", "resident"])
def test_phone_survey_reaches_thank_you_and_stores_one_row(
    live_server: LiveServer, phone, audience: str, lang: str, js: bool
) -> None:
    name = f"{audience}-{lang}-{'js' if js else 'nojs'}"
    group_id = live_server.groups[0 if audience == "child" else 1]["group_id"]
    sql = "SELECT count(*) FROM response WHERE audience = ? AND group_id = ?"
    before = live_server.count(sql, audience, group_id)
    page = phone(js=js)

    answer_survey(page, live_server, audience, lang, name)

    text = page.inner_text("main")
    title, thanks = THANKS[(audience, lang)]
    assert title in text and thanks in text, text
    if audience == "child":
        assert "111" in text
        assert page.locator("a.call[href='tel:111']").count() == 1
    else:
        assert "111" not in text  # the hotline belongs on the children's page
    path = shoot(page, f"{name}-4-thanks")
    if name == "child-vi-js":
        save_docs_copy(Path(path).read_bytes(), "survey-child-thanks-vi")
    assert live_server.count(sql, audience, group_id) == before + 1


def test_the_page_is_readable_at_320_px(live_server: LiveServer, browser) -> None:
    """No sideways scrolling on the smallest phones (QUALITY.md: readable at 320 px)."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    reach_start(page, live_server.survey_url(2))
    page.click("a.who-tile[href$='/s/child']")
    for box in page.locator("fieldset.consent input[type=checkbox]").all():
        page.click(f"label[for='{box.get_attribute('id')}']")
    page.click("fieldset#age_band .chips label >> nth=0")
    page.click("form button[type=submit]")
    page.wait_for_url("**/s/child/questions")
    width = page.evaluate("document.documentElement.scrollWidth")
    shoot(page, "child-vi-320px-questions")
    context.close()
    assert width <= 320

"""The ward's yearly plan in a real browser, at 360 px and 1280 px: the plan page with its
timeline, an activity with its evidence, and the youth-union officer's home with its duties."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LiveServer, shoot, sign_in

pytestmark = pytest.mark.e2e

SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_plan_pages_fit_the_screen(live_server: LiveServer, browser, size: str) -> None:
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, "vhxh")
    page.goto(live_server.url_for("plan.index"))
    shoot(page, f"plan-index-{size}")
    page.locator("main a[href*='/plan/']").first.click()
    page.wait_for_load_state()
    assert page.locator("svg.timeline").count() == 1
    assert "Phân công trách nhiệm" in page.inner_text("main")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"the plan page is {width} px wide"
    shoot(page, f"plan-show-{size}")
    page.locator("ol.activities a").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    shoot(page, f"plan-activity-{size}")
    context.close()


def test_youth_union_sees_its_duties_on_its_home(live_server: LiveServer, phone) -> None:
    page = phone()
    sign_in(page, live_server, "doan")
    page.goto(live_server.url_for("staff.index"))
    shoot(page, "plan-unit-home-360")
    assert "Kế hoạch năm của phường" in page.inner_text("main")

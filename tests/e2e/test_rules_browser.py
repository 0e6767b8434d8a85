"""Rule versions and the audit log in a real browser (administrator), shot at 360 and 1280 px.

The administrator reviews two provisional rows (one confirmed, one corrected), saves them as a
new version, uploads a broken file (every error listed), compares the new version with the
round's, and browses, verifies and prints the audit log.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.e2e.test_staff_browser import DESKTOP, need

pytestmark = pytest.mark.e2e

R2 = "qd06-2019-r2"


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url} scrolls sideways ({width}px)"


def test_admin_reviews_rules_and_reads_the_audit_log(live_server: LiveServer, browser) -> None:
    need(live_server, "rules.index", "rule_review.row", "audit_log.index")
    shots: list[tuple[str, str]] = []
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, "admin")

    page.goto(live_server.url_for("rules.index"))
    assert R2 in page.content()
    shots.append(("rules-list", page.url))
    page.goto(live_server.url_for("rules.show", version=R2))
    assert page.locator(".row-provisional").count() > 10
    shots.append(("rules-table", page.url))

    # row 1: confirm as printed; the page moves on to the next undecided row
    page.goto(live_server.url_for("rule_review.row", version=R2, n=1))
    shots.append(("rules-review-row", page.url))
    page.check("input[value=confirmed]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/review/2" in page.url
    # row 2: correct it without changing anything → a clear 422 on the same page
    page.check("input[value=corrected]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Chưa sửa ô nào" in page.content()
    shots.append(("rules-review-row-error", None))
    shoot(page, "rules-review-row-error-360")
    page.check("input[value=confirmed]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    page.goto(live_server.url_for("rule_review.overview", version=R2))
    assert "2 / " in page.content()
    shots.append(("rules-review", page.url))
    page.click("form[action$='/review/save'] button")
    page.wait_for_load_state()
    new_version = page.url.rstrip("/").rsplit("/", 1)[1]
    assert new_version.startswith(f"{R2}-") and new_version.endswith("-1"), page.url
    shots.append(("rules-new-version", page.url))

    page.goto(live_server.url_for("rules.diff", version=new_version))
    assert "Đã đối chiếu" in page.content()
    shots.append(("rules-diff", page.url))

    page.goto(live_server.url_for("rules.upload"))
    shots.append(("rules-upload", page.url))
    broken = b'[meta]\nid = "x"\nversion = "ward-x"\n'
    page.set_input_files(
        "input[type=file]", {"name": "sai.toml", "mimeType": "text/plain", "buffer": broken}
    )
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "sai.toml" in page.content() and "missing 'title'" in page.content()
    shoot(page, "rules-upload-errors-360")

    page.goto(live_server.url_for("audit_log.index"))
    assert "rule_review.save" in page.content()
    shots.append(("audit-log", page.url))
    page.goto(live_server.url_for("audit_log.verify"))
    assert "OK" in page.content()
    shots.append(("audit-verify", page.url))
    page.goto(live_server.url_for("audit_log.head"))
    shots.append(("audit-head", page.url))

    wide = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
    sign_in(wide, live_server, "admin")
    for name, url in shots:
        if url is None:
            continue
        page.goto(url)
        _no_sideways_scroll(page)
        shoot(page, f"{name}-360")
        wide.goto(url)
        shoot(wide, f"{name}-1280")
    context.close()
    wide.context.close()

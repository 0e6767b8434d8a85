"""axe-core on every public page and the main staff pages: no serious or critical violations.

axe.min.js comes from the axe-playwright-python wheel (installed by `make e2e`), injected from
disk: nothing is fetched at run time. The pages' CSP forbids inline scripts, so the checking
context bypasses CSP (only for the injected checker; the app's own pages carry no script).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

import pytest

from tests.e2e.conftest import LiveServer, shoot, sign_in

pytestmark = pytest.mark.e2e

BLOCKING = ("serious", "critical")


def axe_source() -> str:
    """The axe-core script shipped inside the axe-playwright-python package."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now (WCAG 2.x A/AA and best practices)."""
    page.add_script_tag(content=axe_source())
    return page.evaluate("async () => (await axe.run(document)).violations")


def describe(violations: list[dict]) -> str:
    """One line per violation: impact, rule, help, first offending elements."""
    lines = []
    for v in violations:
        targets = [json.dumps(node["target"]) for node in v["nodes"][:3]]
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(targets)}")
    return "\n".join(lines)


def check(page, name: str) -> None:
    """Screenshot, then assert axe finds nothing serious or critical."""
    shoot(page, f"axe-{name}")
    found = axe_violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    if found:
        print(f"\naxe {name}:\n{describe(found)}")
    assert not blocking, f"axe on {name} ({page.url}):\n{describe(blocking)}"


def _start(page, server: LiveServer, group: int = 2, lang: str = "vi") -> None:
    page.goto(server.survey_url(group) + ("?lang=en" if lang == "en" else ""))
    page.wait_for_url("**/s")


def _consent(page, audience: str) -> None:
    page.click(f"a.who-tile[href$='/s/{audience}']")
    page.wait_for_url(f"**/s/{audience}")


def _questions(page, audience: str) -> None:
    for box in page.locator("fieldset.consent input[type=checkbox]").all():
        page.click(f"label[for='{box.get_attribute('id')}']")
    page.click("fieldset#age_band .chips label >> nth=0")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/s/{audience}/questions")


def _thanks(page) -> None:
    for number, fieldset in enumerate(page.locator("fieldset.q").all()):
        fieldset.locator("label").nth([3, 4, 2][number % 3]).click()
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _errors(page, audience: str) -> None:
    """The consent form sent empty (browser checks off): the list of what to fix, 400."""
    _consent(page, audience)
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.click("form button[type=submit]")
    page.wait_for_selector("#problems")


PAGES: dict[str, Callable[[object, LiveServer], None]] = {
    "home": lambda page, s: page.goto(s.base_url + "/"),
    "start": lambda page, s: _start(page, s),
    "start-en": lambda page, s: _start(page, s, lang="en"),
    "consent-child": lambda page, s: (_start(page, s), _consent(page, "child")),
    "consent-resident": lambda page, s: (_start(page, s), _consent(page, "resident")),
    "consent-child-errors": lambda page, s: (_start(page, s), _errors(page, "child")),
    "questions-child": lambda page, s: (
        _start(page, s),
        _consent(page, "child"),
        _questions(page, "child"),
    ),
    "questions-resident-en": lambda page, s: (
        _start(page, s, lang="en"),
        _consent(page, "resident"),
        _questions(page, "resident"),
    ),
    "thanks-child": lambda page, s: (
        _start(page, s),
        _consent(page, "child"),
        _questions(page, "child"),
        _thanks(page),
    ),
    "thanks-resident": lambda page, s: (
        _start(page, s),
        _consent(page, "resident"),
        _questions(page, "resident"),
        _thanks(page),
    ),
    "unknown-token": lambda page, s: page.goto(s.base_url + "/q/this-poster-does-not-exist"),
    "paused-token": lambda page, s: page.goto(s.paused_url),
    "no-survey": lambda page, s: page.goto(s.base_url + "/s"),
    "login": lambda page, s: page.goto(s.url_for("auth.login")),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_has_no_serious_axe_violations(live_server: LiveServer, phone, name) -> None:
    page = phone(bypass_csp=True)
    PAGES[name](page, live_server)
    check(page, name)


def test_unknown_and_paused_tokens_answer_with_their_codes(live_server: LiveServer, phone) -> None:
    page = phone()
    assert page.goto(live_server.base_url + "/q/this-poster-does-not-exist").status == 404
    assert page.goto(live_server.paused_url).status == 423


@pytest.mark.parametrize("username", ["vhxh", "yte", "totruong1"])
def test_staff_landing_has_no_serious_axe_violations(
    live_server: LiveServer, phone, username: str
) -> None:
    page = phone(bypass_csp=True)
    sign_in(page, live_server, username)
    page.goto(live_server.url_for("staff.index"))
    check(page, f"staff-{username}")

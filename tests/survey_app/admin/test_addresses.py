"""Addresses: PUBLIC_BASE_URL follows HOST/PORT; loopback posters warn loudly or are refused."""

from __future__ import annotations

import pytest

from survey_app.core.config import default_base_url, is_loopback_url
from tests.survey_app.survey_factories import make_survey


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        (None, None, "http://127.0.0.1:5000"),
        (None, "5055", "http://127.0.0.1:5055"),
        ("0.0.0.0", "8000", "http://127.0.0.1:8000"),
        ("192.168.1.20", "5000", "http://192.168.1.20:5000"),
    ],
)
def test_the_default_base_url_follows_host_and_port(monkeypatch, host, port, expected):
    for name, value in (("HOST", host), ("PORT", port)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert default_base_url() == expected


def test_the_app_uses_it_when_public_base_url_is_not_set(monkeypatch, tmp_path):
    from survey_app.app import create_app

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5055")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5055"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://127.8.0.1", True),
        ("http://localhost:5000", True),
        ("http://[::1]:5000", True),
        ("http://192.168.1.20:5000", False),
        ("https://dinhke.example.vn", False),
    ],
)
def test_loopback_addresses_are_recognised(url, loopback):
    assert is_loopback_url(url) is loopback


def test_loopback_posters_show_a_banner_and_the_batch_needs_a_confirmation(
    app, client, make_user, login
):
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    setup = make_survey(app, groups=2)
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")
    page = client.get(f"/rounds/{setup.round_id}/posters").get_data(as_text=True)
    assert "warn-banner" in page and "confirm_loopback" in page
    paper = client.get(f"/rounds/{setup.round_id}/paper").get_data(as_text=True)
    assert "warn-banner" in paper
    refused = client.post(f"/rounds/{setup.round_id}/posters/all?size=A4&lang=vi")
    assert refused.status_code == 409
    assert "PUBLIC_BASE_URL" in refused.get_data(as_text=True)
    confirmed = client.post(
        f"/rounds/{setup.round_id}/posters/all?size=A4&lang=vi", data={"confirm_loopback": "yes"}
    )
    assert confirmed.status_code == 303


def test_a_reachable_address_shows_no_banner(app, client, make_user, login):
    setup = make_survey(app, groups=1)  # PUBLIC_BASE_URL is http://survey.test in tests
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")
    assert "warn-banner" not in client.get(f"/rounds/{setup.round_id}/posters").get_data(
        as_text=True
    )


def test_the_leaders_page_and_cfw_posters_warn_about_a_loopback_address(
    app, client, make_user, login, runner, tmp_path
):
    from survey_app.commands.posters import posters

    setup = make_survey(app, groups=1)
    make_user("leader1", role="leader", ward_id=setup.ward_id, group_id=setup.group_ids[0])
    login("leader1")
    page = f"/staff/group/{setup.group_ids[0]}"
    assert "warn-banner" not in client.get(page).get_data(as_text=True)
    out = tmp_path / "posters.pdf"
    quiet = runner.invoke(posters, ["--out", str(out)])
    assert quiet.exit_code == 0 and "Warning" not in quiet.output

    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    assert "warn-banner" in client.get(page).get_data(as_text=True)
    loud = runner.invoke(posters, ["--out", str(out)])
    assert loud.exit_code == 0 and out.stat().st_size > 0
    assert "Warning: PUBLIC_BASE_URL is http://127.0.0.1:5000" in loud.output


def test_cfw_serve_prints_links_on_the_port_it_listens_on(monkeypatch, tmp_path):
    from survey_app.app import create_app
    from survey_app.commands.server import listen_on

    monkeypatch.setenv("PORT", "5000")  # both restored after the test
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    listen_on("127.0.0.1", 5301)  # what `cfw serve --port 5301` does before the app is made
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5301"

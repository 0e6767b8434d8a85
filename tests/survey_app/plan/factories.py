"""A plan made through the browser, for the plan tests."""

from __future__ import annotations

from flask.testing import FlaskClient


def new_plan(client: FlaskClient, year: int, source: str = "template") -> int:
    """The plan of ``year`` that the signed-in ``client`` makes at /plan/new; its id."""
    response = client.post("/plan/new", data={"year": year, "source": source})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

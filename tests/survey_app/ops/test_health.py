"""/healthz, /readyz, the JSON request log and the Prometheus metrics."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from survey_app.app import create_app
from survey_app.core import metrics

OUTSIDER = {"REMOTE_ADDR": "203.0.113.5"}


def _metric(client, name: str, **labels) -> float:
    """One sample's value from /metrics (0 when absent)."""
    body = client.get("/metrics").get_data(as_text=True)
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in body.splitlines():
        if line.startswith(f"{name}{{{wanted}}} ") or (not labels and line.startswith(name + " ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_healthz_answers_without_the_database(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/none.sqlite3",
        }
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"] is False
    app.extensions["cfw_engine"].dispose()


def test_readyz_is_200_when_everything_holds(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": True, "writable": True, "migrations": True, "disk": True},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_on_a_read_only_database(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a read-only SQLite file; not replayed on PostgreSQL (same INSERT probe)")
    path = database_url.removeprefix("sqlite:///")
    readonly = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true",
        }
    )
    response = readonly.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] is True and checks["writable"] is False
    readonly.extensions["cfw_engine"].dispose()


def test_readyz_is_503_when_migrations_are_behind(app, client):
    with app.app_context():
        from survey_app.core import migrate
        from survey_app.core.db import engine

        def stamp(revision: str) -> None:
            with engine().begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})

        stamp("0005")
        try:
            response = client.get("/readyz")
        finally:
            stamp(migrate.head_revision())  # PostgreSQL test databases are reused
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] is False


def test_readyz_is_503_below_the_disk_floor(app, client):
    app.config["READY_MIN_FREE_MB"] = 10**12  # an exabyte
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": True,
        "writable": True,
        "migrations": True,
        "disk": False,
    }


def test_readyz_leaves_nothing_behind(app, client):
    client.get("/readyz")
    with app.app_context():
        from survey_app.core.db import get_session

        rows = get_session().execute(text("SELECT count(*) FROM rate_bucket")).scalar()
    assert rows == 0


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_one_json_line_per_request_without_address_agent_or_token(app, client):
    handler = _Lines()
    logger = logging.getLogger("cfw.request")
    logger.addHandler(handler)
    try:
        token = "ABCDEFGHJKMNPQRSTVWXYZ2345"
        client.get(
            f"/q/{token}?lang=vi",
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
            headers={"User-Agent": "Mozilla/5.0 test-agent"},
        )
    finally:
        logger.removeHandler(handler)
    assert len(handler.lines) == 1
    (line,) = handler.lines
    entry = json.loads(line)
    assert set(entry) == {"ts", "method", "endpoint", "route", "status", "duration_ms"}
    assert entry["method"] == "GET" and entry["endpoint"] == "public.scan"
    assert entry["route"] == "/q/<token>" and entry["status"] == 404
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    for secret in ("203.0.113.77", "Mozilla", token, "lang="):
        assert secret not in line


def test_metrics_are_closed_to_the_public(app, client):
    assert client.get("/metrics").status_code == 200  # loopback, straight to the app
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 404
    relayed = client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.1"})
    assert relayed.status_code == 404  # nginx on this machine relaying a visitor
    app.config["METRICS_TOKEN"] = "scrape-token-0123456789abcdef"
    good = {"Authorization": "Bearer scrape-token-0123456789abcdef"}
    bad = {"Authorization": "Bearer wrong"}
    assert client.get("/metrics", environ_base=OUTSIDER, headers=good).status_code == 200
    assert client.get("/metrics", environ_base=OUTSIDER, headers=bad).status_code == 404
    app.config["METRICS_ALLOWED_ADDRESSES"] = ("10.0.0.0/8",)
    inside = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", environ_base=inside).status_code == 200
    assert client.get("/metrics").status_code == 404


def test_requests_are_counted_by_endpoint_not_path(client):
    before = _metric(
        client, "cfw_http_requests_total", endpoint="public.scan", method="GET", status="404"
    )
    for token in ("AAAAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBBBB"):
        client.get(f"/q/{token}")
    body = client.get("/metrics").get_data(as_text=True)
    assert "AAAAAAAA" not in body and "/q/" not in body
    after = _metric(
        client, "cfw_http_requests_total", endpoint="public.scan", method="GET", status="404"
    )
    assert after == before + 2
    assert "cfw_http_request_duration_seconds_bucket" in body


def test_503_answers_and_submissions_are_counted(app, client):
    @app.get("/test-only/busy")
    def busy() -> str:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    before = _metric(client, "cfw_http_unavailable_total", endpoint="busy")
    assert client.get("/test-only/busy").status_code == 503
    assert _metric(client, "cfw_http_unavailable_total", endpoint="busy") == before + 1

    online = _metric(client, "cfw_survey_submissions_total", channel="online")
    metrics.observe("public.questions", "POST", 303, 0.02)  # what a stored answer reports
    metrics.observe("public.questions", "POST", 400, 0.02)  # a refused one: not counted
    assert _metric(client, "cfw_survey_submissions_total", channel="online") == online + 1


SCRIPT = """
import sys
from survey_app.app import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": sys.argv[1]})
client = app.test_client()
for _ in range(int(sys.argv[2])):
    client.get("/healthz")
if sys.argv[3] == "scrape":
    print(client.get("/metrics").get_data(as_text=True))
"""


def test_metrics_sum_every_worker_in_multiprocess_mode(database_url, tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(folder))
    root = Path(__file__).resolve().parents[3]

    def run(count: int, mode: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, database_url, str(count), mode],
            env=env, cwd=root, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout

    run(3, "count")  # two "workers", then a third process scrapes
    run(4, "count")
    scraped = run(0, "scrape")
    wanted = 'cfw_http_requests_total{endpoint="home.healthz",method="GET",status="200"} 7.0'
    assert wanted in scraped

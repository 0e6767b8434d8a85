"""Shared fixtures: an app on a fresh, migrated database (SQLite by default, or DATABASE_URL)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from survey_app import migrate
from survey_app.app import create_app
from survey_app.db import Base, make_engine

PG_URL = os.environ.get("DATABASE_URL", "")


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database made once per test session (a file copied per test on SQLite)."""
    if PG_URL:
        _reset_postgres(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(template_db: str, tmp_path: Path) -> str:
    """A clean database for one test."""
    if PG_URL:
        engine = make_engine(PG_URL)
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    target = tmp_path / "test.sqlite3"
    with sqlite3.connect(template_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{target}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on its own clean database; CSRF off unless a test turns it on."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "PUBLIC_BASE_URL": "http://survey.test",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["cfw_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """A click runner for `cfw` commands inside the app context."""
    from click.testing import CliRunner

    class _Runner:
        def invoke(self, command, args=None, **kwargs):
            with app.app_context():
                return CliRunner().invoke(command, args or [], catch_exceptions=False, **kwargs)

    return _Runner()


@pytest.fixture
def db_session(app: Flask):
    """The session of an app context, for arranging and checking data."""
    from survey_app.db import get_session

    with app.app_context():
        yield get_session()

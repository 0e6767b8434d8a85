"""The database layer: migrations match the models, SQLite runs with durable settings."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from survey_app.core import migrate
from survey_app.core.db import Base, engine, get_session


def test_migrations_match_models(app):
    with app.app_context(), engine().connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_database_is_at_head(app):
    with app.app_context():
        assert migrate.current_revision(engine()) == migrate.head_revision()


def test_sqlite_durability_pragmas(app):
    with app.app_context():
        if engine().dialect.name != "sqlite":
            return
        session = get_session()
        pragma = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}

"""Alembic environment: runs migrations on the connection `survey_app.core.migrate` hands over."""

from __future__ import annotations

from alembic import context

import survey_app.models  # noqa: F401  (registers every table on the metadata)
from survey_app.core.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate on the given connection (SQLite needs batch mode for ALTER TABLE)."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run `cfw init`.")
run_migrations_online()

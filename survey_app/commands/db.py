"""`cfw db copy`: move a ward's SQLite database to PostgreSQL (checked, all or nothing)."""

from __future__ import annotations

import click

from survey_app.ops import dbcopy


@click.group("db")
def db() -> None:
    """Database tools (copy to PostgreSQL)."""


@db.command("copy")
@click.argument("source")
@click.argument("target")
@click.option("--force", is_flag=True, help="Replace the tables of a target that holds data.")
def copy(source: str, target: str, force: bool) -> None:
    """Copy SOURCE (a SQLite URL or file) into the PostgreSQL database TARGET.

    The schema is made by the migrations, rows are copied table by table in dependency
    order, sequences are reset, and before committing the row counts, per-table checksums
    and the audit chain are checked in the target. Stop the app first.

    Example: cfw db copy instance/cfw.sqlite3 postgresql+psycopg://cfw_owner@10.0.0.5/cfw
    """
    try:
        source_url, target_url = dbcopy.database_url(source), dbcopy.database_url(target)
        report = dbcopy.copy_database(source_url, target_url, force=force, progress=click.echo)
    except dbcopy.CopyError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t.rows for t in report.tables)
    click.echo(
        f"Copied {rows} rows in {len(report.tables)} tables from {report.source} to "
        f"{report.target} (schema {report.revision}); counts, checksums and the audit chain "
        f"({report.audit_rows} rows) verified."
    )
    click.echo("Next: set DATABASE_URL to the target on every app server and start them.")

"""`cfw backup` and `cfw restore`: checked SQLite backups with manifests and retention.

Restore with the app stopped (`systemctl stop cfw`): running workers would keep
writing into the database being replaced. PostgreSQL is backed up with pg_dump.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import Engine

from survey_app.commands.appctx import with_app
from survey_app.ops import backup as svc
from survey_app.ops import restore as restore_svc

EXIT_POSTGRES = 2


def backup_dir(option: Path | None = None) -> Path:
    """The backup folder: --dir, else BACKUP_DIR from the config, else instance/backups."""
    if option is not None:
        return option
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def _busy_timeout_s() -> float:
    # Wait for a running writer at least as long as the app itself would.
    return max(30.0, current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000) / 1000)


def _refuse_postgres(engine: Engine, what: str) -> None:
    """On PostgreSQL, say how to use pg_dump/pg_restore instead and exit 2."""
    if engine.dialect.name == "sqlite":
        return
    url = engine.url.render_as_string(hide_password=True)
    click.echo(
        f"`cfw {what}` works on SQLite only; this database is PostgreSQL ({url}).\n"
        "Back it up with pg_dump (password from ~/.pgpass or PGPASSWORD):\n"
        f"  {svc.pg_dump_command(url)}\n"
        "Restore into an empty database with:\n"
        "  pg_restore --clean --if-exists --no-owner --dbname=<database> <file>.dump",
        err=True,
    )
    sys.exit(EXIT_POSTGRES)


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {n}" for table, n in sorted(counts.items()) if n)


@click.command("backup")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for backups [default: BACKUP_DIR or instance/backups].",
)
@click.option(
    "--keep",
    default=svc.DEFAULT_KEEP,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many of the newest backups to keep; older ones are deleted.",
)
@with_app
def backup(directory: Path | None, keep: int) -> None:
    """Back up the SQLite database (backup API), check it and write its manifest."""
    from survey_app.core import db

    engine = db.engine()
    _refuse_postgres(engine, "backup")
    try:
        result = svc.create_backup(
            engine, backup_dir(directory), keep=keep, busy_timeout_s=_busy_timeout_s()
        )
    except svc.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    click.echo(f"Backup written: {result.path} ({manifest['size']} bytes)")
    click.echo(f"  integrity_check ok, schema revision {manifest['schema_revision']}")
    click.echo(f"  sha256 {manifest['sha256']}")
    click.echo(f"  rows: {_counts_line(manifest['row_counts'])}")
    head = manifest["audit_head"]
    click.echo(f"  audit head #{head['id']} {head['hash']}")
    for path in result.pruned:
        click.echo(f"  deleted old backup {path.name} (keeping the newest {keep})")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the backup and report; change nothing.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the safety backup of the current database [default: as cfw backup].",
)
@click.option("--force", is_flag=True, help="Restore even if other connections are seen.")
@with_app
def restore(file: Path, dry_run: bool, directory: Path | None, force: bool) -> None:
    """Replace the SQLite database with a checked backup. Stop the app first."""
    from survey_app.core import db, migrate

    engine = db.engine()
    _refuse_postgres(engine, "restore")
    try:
        if dry_run:
            plan = restore_svc.plan_restore(engine, file)
        else:
            plan = restore_svc.restore_backup(
                engine, file, backup_dir(directory), force=force, busy_timeout_s=_busy_timeout_s()
            )
    except svc.BackupError as exc:
        raise click.ClickException(str(exc)) from exc

    manifest = plan.manifest
    click.echo(
        f"Backup {plan.backup.name}: sha256 and integrity_check ok, made "
        f"{manifest.get('created_at', '?')} at schema revision {manifest.get('schema_revision')}"
    )
    tables = sorted(set(plan.live_counts) | set(manifest.get("row_counts", {})))
    changes = [
        f"  {t}: {plan.live_counts.get(t, 0)} → {manifest['row_counts'].get(t, 0)}"
        for t in tables
        if plan.live_counts.get(t, 0) != manifest.get("row_counts", {}).get(t, 0)
    ]
    for warning in plan.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if dry_run:
        click.echo(f"Dry run: would replace {plan.live_path} (nothing changed).")
        if plan.live_exists:
            click.echo("  a safety backup of the current database would be taken first")
        click.echo("  row changes:" if changes else "  no row count would change")
    else:
        if plan.safety_backup:
            click.echo(f"Safety backup of the previous database: {plan.safety_backup}")
        click.echo(f"Restored into {plan.live_path}; integrity_check ok.")
        _anchor_restored(engine, plan.live_path)
        click.echo("  row changes:" if changes else "  row counts unchanged")
    for line in changes:
        click.echo(line)
    if manifest.get("schema_revision") != migrate.head_revision():
        click.echo("The backup is at an older schema: run `cfw init` to migrate it.")


def _anchor_restored(engine: Engine, live: Path) -> None:
    """The restored database goes back in time: its head becomes the audit anchor."""
    from survey_app.audit import anchor

    head = svc.audit_head(live, readonly=False)
    path = anchor.anchor_path(current_app)
    anchor.advance(path, anchor.database_key(engine), anchor.Head(**head), force=True)
    click.echo(f"  audit anchor set to the restored head #{head['id']} ({path})")


def backup_before_migration(engine: Engine) -> None:
    """Called by `cfw init` before it changes the schema revision of an existing database.

    SQLite: a checked backup (never pruned automatically); a failure stops the migration.
    PostgreSQL: a reminder, since pg_dump runs outside the app.
    """
    if engine.dialect.name != "sqlite":
        url = engine.url.render_as_string(hide_password=True)
        click.echo("Migrating PostgreSQL: first make sure a fresh dump exists:")
        click.echo(f"  {svc.pg_dump_command(url)}")
        return
    try:
        result = svc.create_backup(
            engine, backup_dir(), kind="pre-migration", busy_timeout_s=_busy_timeout_s()
        )
    except svc.BackupError as exc:
        raise click.ClickException(
            f"backup before migration failed, nothing migrated: {exc}"
        ) from exc
    click.echo(f"Backup before migration: {result.path}")

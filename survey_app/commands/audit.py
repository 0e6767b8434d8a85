"""`cfw audit verify` and `cfw audit show`: check the hash chain, read recent changes."""

from __future__ import annotations

import click

from survey_app.commands.appctx import with_app


@click.group("audit")
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("verify")
@with_app
def verify() -> None:
    """Recompute the chain; exit 1 naming the first bad row, 0 when intact."""
    from survey_app.audit import log as audit_log
    from survey_app.core.db import get_session

    session = get_session()
    result = audit_log.verify(session)
    if not result.ok:
        click.echo(
            f"Audit chain BROKEN at row {result.first_bad_id} "
            f"(after {result.checked} good rows): {result.problem}",
            err=True,
        )
        raise SystemExit(1)
    head_id, head_hash = audit_log.chain_head(session)
    click.echo(f"Audit chain OK: {result.checked} rows; head #{head_id} {head_hash}")


@audit.command("show")
@click.option("--entity", help="Only this kind of thing (user, criterion_value, token, ...).")
@click.option("--id", "entity_id", help="Only this id of --entity.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
@with_app
def show(entity: str | None, entity_id: str | None, limit: int) -> None:
    """The newest changes first: when, who (role/unit), what, old → new, why."""
    from survey_app.audit import log as audit_log
    from survey_app.core.db import get_session

    if entity_id is not None and not entity:
        raise click.UsageError("--id needs --entity.")
    rows = audit_log.recent(get_session(), limit=limit, entity=entity, entity_id=entity_id)
    for row in rows:
        who = row.actor_name or "-"
        if row.actor_role:
            who += f" ({row.actor_role}{'/' + row.actor_unit if row.actor_unit else ''})"
        click.echo(
            f"#{row.id} {row.at:%Y-%m-%d %H:%M:%S} UTC {who} {row.action} "
            f"{row.entity}#{row.entity_id}"
        )
        if row.old:
            click.echo(f"    old: {row.old}")
        if row.new:
            click.echo(f"    new: {row.new}")
        if row.reason:
            click.echo(f"    reason: {row.reason}")
    if not rows:
        click.echo("No audit rows.")

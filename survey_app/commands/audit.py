"""`cfw audit verify` and `cfw audit show`: check the hash chain, read recent changes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from survey_app.commands.appctx import with_app


@click.group("audit")
def audit() -> None:
    """The append-only, hash-chained audit log."""


def _parse_head(value: str) -> tuple[int, str]:
    head_id, _sep, head_hash = value.partition(":")
    if not head_id.isdigit() or len(head_hash) != 64:
        raise click.BadParameter("expected ID:HASH, e.g. 124:3f5a… (64 hex characters)")
    return int(head_id), head_hash.lower()


def _expected_heads(expect_head: str | None, manifests: tuple[Path, ...]) -> list[tuple]:
    """(where it came from, Head) for each head to check the table against."""
    from flask import current_app

    from survey_app.audit import anchor
    from survey_app.core import db

    heads = []
    path = anchor.anchor_path(current_app)
    try:
        found = anchor.read_head(path, anchor.database_key(db.engine()))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if found is not None:
        heads.append((f"anchor {path}", found))
    else:
        click.echo(f"Note: no anchor for this database in {path} yet.")
    if expect_head:
        heads.append(("--expect-head", anchor.Head(*_parse_head(expect_head))))
    for manifest in manifests:
        try:
            data = json.loads(manifest.read_text("utf-8"))
            head = data["audit_head"]
            heads.append((f"manifest {manifest}", anchor.Head(int(head["id"]), head["hash"])))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise click.ClickException(f"{manifest}: no audit head in it ({exc})") from None
    return heads


@audit.command("verify")
@click.option("--expect-head", help="A head ID:HASH printed earlier (dossier, manifest).")
@click.option(
    "--manifest",
    "manifests",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A backup manifest (.json) whose audit head must still be in the table.",
)
@with_app
def verify(expect_head: str | None, manifests: tuple[Path, ...]) -> None:
    """Recompute the chain and compare its end with the anchors; exit 1 naming bad rows."""
    from survey_app.audit import log as audit_log
    from survey_app.core.db import get_session

    session = get_session()
    heads = _expected_heads(expect_head, manifests)
    result = audit_log.verify(session)
    if not result.ok:
        click.echo(
            f"Audit chain BROKEN at row {result.first_bad_id} "
            f"(after {result.checked} good rows): {result.problem}",
            err=True,
        )
        raise SystemExit(1)
    failed = False
    for source, head in heads:
        tail = audit_log.verify_tail(session, head)
        if tail.ok:
            continue
        failed = True
        if tail.missing:
            ids = tail.missing
            span = f"#{ids[0]}" if len(ids) == 1 else f"#{ids[0]}–#{ids[-1]}"
            click.echo(
                f"Audit chain BROKEN: {len(ids)} row(s) missing, {span} ({tail.problem}); "
                f"the {source} says head #{head.id} {head.hash}, the table ends at "
                f"#{tail.table_max_id}",
                err=True,
            )
        else:
            click.echo(f"Audit chain BROKEN against the {source}: {tail.problem}", err=True)
    if failed:
        raise SystemExit(1)
    head_id, head_hash = audit_log.chain_head(session)
    checked = f"; matches {len(heads)} anchor(s)" if heads else ""
    click.echo(f"Audit chain OK: {result.checked} rows; head #{head_id} {head_hash}{checked}")


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

"""`cfw purge`: delete raw survey answers of closed rounds after the retention period."""

from __future__ import annotations

import datetime as dt

import click

from survey_app.commands.appctx import with_app


@click.command("purge")
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Purge closed rounds whose period ended before this day (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="Only report what would be deleted.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_app
def purge(before: dt.datetime, dry_run: bool, yes: bool) -> None:
    """Delete raw answers and comments of CLOSED rounds; aggregates and audit log stay."""
    from survey_app.core.db import get_session
    from survey_app.ops import retention

    day = before.date()
    session = get_session()
    try:
        plan = retention.plan_purge(session, day)
    except retention.PurgeRefused as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        session.rollback()  # the count was a read: end it before any write transaction

    if not plan.rounds:
        click.echo(f"Nothing to purge: no closed round ended before {day} still has raw answers.")
        if not dry_run:
            _say_pruned(retention.prune_counters(session))
        return
    verb = "Would delete" if dry_run else "Will delete"
    for item in plan.rounds:
        click.echo(
            f"{verb} from round #{item.round_id} {item.name!r} (ward {item.ward_id}, ended "
            f"{item.period_end}): {item.responses} responses, {item.answers} answers, "
            f"{item.comments} comments, {item.browser_marks} browser marks"
        )
    click.echo("Aggregated counts (answer_count) and the audit log are kept.")
    if dry_run:
        click.echo("Dry run: nothing deleted.")
        return
    if not yes and not click.confirm("Delete these raw answers for good?", default=False):
        raise click.ClickException("aborted: nothing deleted (pass --yes to skip this question)")
    try:
        done = retention.purge(session, day, reason=f"cfw purge --before {day}")
    except retention.PurgeRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Deleted {done.responses} responses and {done.answers} answers from "
        f"{len(done.rounds)} round(s); audited."
    )
    _say_pruned(retention.prune_counters(session))  # stale counters go with every purge run


def _say_pruned(pruned) -> None:
    click.echo(
        f"Forgot {pruned.login_throttles} stale sign-in throttle(s) and "
        f"{pruned.rate_buckets} old rate-limit window(s)."
    )

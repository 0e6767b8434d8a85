"""`cfw rounds list` and `cfw score verify ROUND_ID` (recompute a locked score and compare).

`cfw score` stays the file scorer (`cfw score INPUT.json`); `score_group` adds the `verify`
subcommand in front of it, so both spellings work from one command name.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from survey_app.commands.appctx import with_app
from survey_app.commands.score import score as score_file


class _ScoreGroup(click.Group):
    """A group whose unknown first argument is an input file for the `file` command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_ScoreGroup, name="score")
def score_group() -> None:
    """Score an input file (`cfw score INPUT.json`) or verify a locked round (`verify ID`)."""


score_group.add_command(score_file, name="file")


@score_group.command("verify")
@click.argument("round_id", type=int)
@with_app
def verify(round_id: int) -> None:
    """Recompute ROUND_ID's locked score from its stored inputs and rule version; compare."""
    from survey_app.core.db import get_session
    from survey_app.models import AssessmentRound
    from survey_app.workspace.workflow import verify_locked

    session = get_session()
    round_ = session.get(AssessmentRound, round_id)
    if round_ is None:
        click.echo(f"round {round_id} not found / không có đợt đánh giá {round_id}", err=True)
        sys.exit(1)
    outcome = verify_locked(session, round_)
    if not outcome.ok:
        click.echo(f"round {round_id}: NOT verified / không khớp", err=True)
        for problem in outcome.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    lock = outcome.lock
    assert lock is not None
    click.echo(
        f"round {round_id}: verified · total {lock.total} · recognised {lock.recognised} · "
        f"rules {lock.rule_version} · inputs sha256 {lock.inputs_sha256}"
    )


@click.group()
def rounds() -> None:
    """Assessment rounds and their workflow stage."""


@rounds.command("list")
@with_app
def list_rounds() -> None:
    """Every round: id, ward, name, period, rule version, stage and locked total."""
    from sqlalchemy import select

    from survey_app.core.db import get_session
    from survey_app.models import AssessmentRound
    from survey_app.workspace.scorecard import active_lock
    from survey_app.workspace.workflow import stage

    session = get_session()
    found: list[Any] = list(session.scalars(select(AssessmentRound).order_by(AssessmentRound.id)))
    if not found:
        click.echo("no rounds / chưa có đợt đánh giá")
        return
    for r in found:
        lock = active_lock(session, r.id)
        total = f"locked {lock.total}" if lock else "-"
        click.echo(
            f"{r.id:>4}  {r.ward.code:<16} {r.name:<20} {r.period_start}..{r.period_end}  "
            f"{r.rule_version:<12} {stage(session, r.id):<13} {total}"
        )

"""`cfw stats`: the criterion-13 survey statistics of a round, as a table or JSON.

Per residential group and audience: answers (n), target, rate and 95 % interval (small cells
read "<5", exactly as on the dashboard); then the criterion-13 rate unweighted (official) and
weighted, its points and the probability of each points band.
"""

from __future__ import annotations

import json
from typing import Any

import click

from survey_app.commands.appctx import with_app


def stats_data(round_id: int | None, include_flagged: bool) -> dict[str, Any]:
    """The figures `cfw stats` prints, as plain JSON types (raises ClickException on bad input)."""
    from sqlalchemy import select

    from assessment import Hidden, jsonable
    from survey_app.core.db import get_session
    from survey_app.models import AssessmentRound
    from survey_app.results.dashboard import build_dashboard

    session = get_session()
    if round_id is None:
        round_id = session.execute(
            select(AssessmentRound.id).order_by(AssessmentRound.id.desc()).limit(1)
        ).scalar()
        if round_id is None:
            raise click.ClickException("No assessment round yet: create one first.")
    elif session.get(AssessmentRound, round_id) is None:
        raise click.ClickException(f"No round with id {round_id}.")
    view = build_dashboard(session, round_id, lang="en")
    figures = view.everything if include_flagged else view.clean
    targets = {(g.group_id, g.audience): g for a in figures.targets.audiences for g in a.groups}
    names = {g.group_id: g.name for g in view.groups}
    groups = []
    for r in figures.table.rows:
        target = targets.get((r.group_id, r.audience))
        groups.append(
            {
                "group_id": r.group_id,
                "group": names.get(r.group_id, ""),
                "audience": r.audience,
                "n": r.valid,
                "target": target.target if target else None,
                "rate": r.rate,
                "low": r.low,
                "high": r.high,
            }
        )
    hidden = view.combined_hidden
    sure = figures.certainty
    rates = figures.rates

    def estimate(est: Any) -> Any:
        return "<5" if hidden else {"rate": est.rate, "low": est.low, "high": est.high}

    return jsonable(
        {
            "round": {"id": view.round_id, "name": view.round_name, "status": view.status},
            "ward": view.ward_name,
            "include_flagged": include_flagged,
            "groups": groups,
            "audiences": [
                {
                    "audience": a.audience,
                    "n": dict(figures.table.audience_totals).get(a.audience),
                    "unweighted": estimate(a.unweighted),
                    "weighted": estimate(a.weighted),
                }
                for a in rates.audiences
            ],
            "criterion13": {
                "unweighted": estimate(rates.combined),
                "weighted": estimate(rates.combined_weighted),
                "points": Hidden(5) if hidden else rates.points,
                "points_weighted": Hidden(5) if hidden else rates.points_weighted,
                "bands": [] if hidden else sure.bands,
                "settled": sure.settled,
                "more_per_audience": sure.more_per_audience,
            },
            "not_counted": view.not_counted,
        }
    )


def _pct(value: Any) -> str:
    return f"{value:5.1f}%" if isinstance(value, int | float) else f"{value or '-':>6}"


def _interval(row: dict[str, Any]) -> str:
    low, high = row.get("low"), row.get("high")
    if isinstance(low, int | float) and isinstance(high, int | float):
        return f"{low:5.1f}-{high:5.1f}"
    return f"{low or '-':>11}"


@click.command("stats")
@click.option("--round", "round_id", type=click.IntRange(min=1), help="Round id (default: newest).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--include-flagged", is_flag=True, help="Count flagged and excluded answers too.")
@with_app
def stats(round_id: int | None, fmt: str, include_flagged: bool) -> None:
    """Criterion-13 survey statistics: per group n, target, rate, interval; points and bands."""
    data = stats_data(round_id, include_flagged)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    which = "with flagged answers" if include_flagged else "without flagged answers (official)"
    click.echo(f"{data['ward']} · {data['round']['name']} ({data['round']['status']}) · {which}")
    click.echo(f"{'group':<28} {'audience':<9} {'n':>5} {'target':>6} {'rate':>7} {'95% CI':>11}")
    for row in data["groups"]:
        target = "-" if row["target"] is None else row["target"]
        click.echo(
            f"{row['group'][:28]:<28} {row['audience']:<9} {row['n']!s:>5} {target!s:>6} "
            f"{_pct(row['rate']):>7} {_interval(row):>11}"
        )
    c13 = data["criterion13"]
    for label, key in (("unweighted (official)", "unweighted"), ("weighted", "weighted")):
        est = c13[key]
        if isinstance(est, dict):
            click.echo(f"Criterion 13 rate, {label}: {_pct(est['rate'])} ({_interval(est)})")
        else:
            click.echo(f"Criterion 13 rate, {label}: {est}")
    click.echo(f"Points: {c13['points']} (weighted: {c13['points_weighted']})")
    for band in c13["bands"]:
        low = "-inf" if band["low"] is None else f"{band['low']:g}%"
        high = "" if band["high"] is None else f"{band['high']:g}%"
        click.echo(
            f"  {band['points']:>4} points [{low}, {high or '+inf'}): "
            f"{100 * band['probability']:5.1f}%"
        )
    if not c13["settled"] and c13["more_per_audience"]:
        click.echo(f"About {c13['more_per_audience']} more valid answers per audience settle it.")

"""`cfw demo` (a demo ward with answers and staff) and `cfw groups list` (survey links)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from survey_app.commands.appctx import with_app

if TYPE_CHECKING:
    from flask import Flask


def login_url(base_url: str) -> str:
    """The staff sign-in address under the public base URL."""
    from flask import current_app

    try:
        with current_app.test_request_context("/", base_url=base_url):
            from flask import url_for

            return url_for("auth.login", _external=True)
    except Exception:  # the sign-in pages are another blueprint; never fail the banner
        return f"{base_url}/login"


def banner_lines() -> list[str]:
    """Where to start: one group's survey URL and the staff sign-in (for `cfw serve` too)."""
    from flask import current_app

    from survey_app.core.db import get_session
    from survey_app.demo.ward import first_survey_link

    base_url = current_app.config["PUBLIC_BASE_URL"]
    lines = []
    first = first_survey_link(get_session(), base_url)
    if first:
        lines.append(f"Survey of {first[0]}: {first[1]}")
    lines.append(f"Staff sign-in: {login_url(base_url)}")
    return lines


def print_banner(app: Flask) -> None:
    """Print the banner at server start; a database not created yet only skips it."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with app.app_context():
            for line in banner_lines():
                click.echo(line)
    except SQLAlchemyError:
        click.echo("No database yet: run `cfw init` and `cfw demo`.")


@click.command("demo")
@click.option("--if-new", is_flag=True, help="Do nothing when the database already has a ward.")
@click.option("--answers", default=300, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--seed", default=2024, show_default=True, type=int, help="Random seed.")
@click.option(
    "--authority",
    default=None,
    help="Recognising authority (a setting: districts are gone since 1 July 2025).",
)
@with_app
def demo(if_new: bool, answers: int, seed: int, authority: str | None) -> None:
    """Create a demo ward like phường Dĩnh Kế: 12 groups, an open round, answers and staff."""
    from flask import current_app

    from survey_app.core.db import get_session
    from survey_app.demo.ward import DEFAULT_AUTHORITY, build_demo, demo_exists

    session = get_session()
    if if_new and demo_exists(session):
        click.echo("A ward already exists: demo data not added.")
        for line in banner_lines():
            click.echo(line)
        return
    config = current_app.config
    try:
        result = build_demo(
            session,
            base_url=config["PUBLIC_BASE_URL"],
            secret=config["CLIENT_HASH_KEY"],
            answers=answers,
            seed=seed,
            authority=authority or DEFAULT_AUTHORITY,
        )
    except ValueError as exc:
        raise click.ClickException(f"{exc}: the demo was already created") from exc
    click.echo(
        f"Demo ward created: Phường Dĩnh Kế, {len(result.links)} residential groups, "
        f"{result.answers} answers ({result.flagged} flagged for review)."
    )
    for line in banner_lines():
        click.echo(line)
    table = ["Staff accounts (passwords are shown ONCE: write them down):"]
    table += [f"  {user:<10} {role:<8} {password}" for user, role, password in result.accounts]
    for line in table:
        click.echo(line)
    if config.get("DEMO_PASSWORDS_FILE"):
        path = Path(config["DEMO_PASSWORDS_FILE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(table) + "\n")


@click.group("groups")
def groups() -> None:
    """Residential groups and their survey links."""


@groups.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--round", "round_id", type=int, help="Round id (default: every open round).")
@with_app
def list_groups(fmt: str, round_id: int | None) -> None:
    """Each group with its survey URL (PUBLIC_BASE_URL/q/<token>) and answer counts."""
    from flask import current_app

    from survey_app.core.db import get_session
    from survey_app.demo.ward import survey_links

    rows = survey_links(get_session(), current_app.config["PUBLIC_BASE_URL"], round_id)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No groups in an open round.")
        return
    click.echo(f"{'id':>4}  {'group':<28} {'child':>5} {'adult':>5} {'used/cap':>9}  survey URL")
    for row in rows:
        used = f"{row['used']}/{row['cap']}"
        url = row["survey_url"] or "(no live poster)"
        click.echo(
            f"{row['group_id']:>4}  {row['group']:<28} {row['responses']['child']:>5} "
            f"{row['responses']['resident']:>5} {used:>9}  {url}"
        )

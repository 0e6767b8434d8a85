"""`cfw ward create|update|list`, `cfw groups import` and `cfw rounds create|open|close`.

Setting up a real ward from the command line. `groups` and `rounds` already exist (in
`commands.survey` and `commands.rounds`): this module adds its subcommands to those same
groups, so `cfw groups list` and `cfw rounds list` keep working beside the new ones.

Bad input never shows a traceback: every problem is listed on stderr, nothing is written,
and the exit status is 2 (as for a usage error).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from survey_app.commands.appctx import with_app
from survey_app.commands.rounds import rounds
from survey_app.commands.survey import groups

Command = Callable[..., Any]


def _fail(errors: list[str], heading: str = "nothing was written") -> NoReturn:
    """Print every problem on stderr and exit 2."""
    click.echo(f"Error: {heading}; {len(errors)} problem(s):", err=True)
    for error in errors:
        click.echo(f"  - {error}", err=True)
    sys.exit(2)


@contextmanager
def _reported(heading: str = "nothing was written") -> Iterator[None]:
    """Turn a SetupError from a service into the listed errors and exit 2."""
    from sqlalchemy.exc import IntegrityError

    from survey_app.admin.setup import SetupError

    try:
        yield
    except SetupError as exc:
        _fail(exc.errors, heading)
    except IntegrityError:
        # Only a concurrent change gets here (every rule is checked first): say so plainly.
        _fail(["another change to the same ward was saved meanwhile: run the command again"])


# ----------------------------------------------------------------------------- CSV


# ----------------------------------------------------------------------------- ward


def _signatory_options(default: str | None) -> Callable[[Command], Command]:
    """The dossier's signatory options (``default`` "" on create, None = keep on update)."""
    options = (
        click.option("--parent-body", default=default, help='e.g. "UBND THÀNH PHỐ BẮC GIANG".'),
        click.option("--chair-name", default=default, help="Chair of the assessment council."),
        click.option("--chair-title", default=default, help='e.g. "Phó Chủ tịch UBND phường".'),
        click.option("--signer-name", default=default, help="Who signs the dossier."),
        click.option(
            "--signer-role",
            default=None if default is None else "chair",
            help="chair (CHỦ TỊCH) or vice (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH).",
        ),
    )

    def decorate(command: Command) -> Command:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@click.group("ward")
def ward() -> None:
    """Wards (phường, xã, thị trấn): create, update their details, list them."""


@ward.command("create")
@click.argument("code")
@click.option("--name", required=True, help='Full name, e.g. "Phường Dĩnh Kế".')
@click.option("--province", default="", help="Province or centrally-run city.")
@click.option(
    "--locality-type", required=True, help="A locality id of the rule file (see `cfw rules`)."
)
@click.option("--basis", "locality_basis", default="", help="Legal basis of the locality type.")
@click.option("--authority", "recognising_authority", default="", help="Recognising authority.")
@_signatory_options("")
@with_app
def create_ward(code: str, **fields: str) -> None:
    """Register the ward CODE (a permanent slug such as dinh-ke)."""
    from survey_app.admin import setup
    from survey_app.core.db import get_session

    with _reported():
        created = setup.create_ward(get_session(), code=code, **fields)
    click.echo(
        f"Ward {created.code} created (id {created.id}): {created.name}, "
        f"locality type {created.locality_type}. Next: cfw groups import {created.code} FILE.csv"
    )


@ward.command("update")
@click.argument("code")
@click.option("--name", default=None)
@click.option("--province", default=None)
@click.option("--locality-type", default=None, help="A locality id of the rule file.")
@click.option("--basis", "locality_basis", default=None, help="Legal basis of the locality type.")
@click.option("--authority", "recognising_authority", default=None)
@_signatory_options(None)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@with_app
def update_ward(code: str, reason: str, **fields: str | None) -> None:
    """Change the details of ward CODE; only the options given change."""
    from survey_app.admin import setup
    from survey_app.core.db import get_session

    with _reported():
        updated = setup.update_ward(get_session(), code, reason=reason, **fields)
    click.echo(f"Ward {updated.code} updated:")
    for key, value in setup.snapshot(updated).items():
        if fields.get(key) is not None:
            click.echo(f"  {key}: {value}")


@ward.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@with_app
def list_wards(fmt: str) -> None:
    """Every ward with its locality type and its numbers of groups and rounds."""
    from survey_app.admin import setup
    from survey_app.core.db import get_session

    rows = [
        {"id": w.id, **setup.snapshot(w), "groups": len(w.groups), "rounds": len(w.rounds)}
        for w in setup.list_wards(get_session())
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No wards yet: cfw ward create CODE --name ... --locality-type ...")
    for row in rows:
        click.echo(
            f"{row['id']:>4}  {row['code']:<16} {row['name']:<28} {row['locality_type']:<26} "
            f"{row['groups']:>3} groups {row['rounds']:>2} rounds"
        )


# ----------------------------------------------------------------------------- groups


@groups.command("import")
@click.argument("ward_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show the changes only.")
@with_app
def import_groups(ward_code: str, file: Path, dry_run: bool) -> None:
    """Add or update WARD_CODE's groups from a UTF-8 CSV with header name,children,residents.

    All rows or none: every problem is listed by row number. A group already there gets the
    new populations; groups missing from the file are kept.
    """
    from survey_app.admin import group_import
    from survey_app.core.db import get_session

    limit = group_import.MAX_CSV_BYTES
    if file.stat().st_size > limit:
        _fail([f"{file} is larger than {limit // 1024 // 1024} MB"])
    with _reported(f"{file.name} was not imported, nothing was written"):
        rows = group_import.parse_groups_csv(file.read_bytes())
        result = group_import.import_groups(get_session(), ward_code, rows, dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{ward_code}: {len(result.created)} groups {verb} added, {len(result.updated)} "
        f"updated, {len(result.unchanged)} unchanged."
    )
    for row in result.created:
        click.echo(f"  + {row.name} (children {row.children}, residents {row.residents})")
    for name, (old_c, old_r), (new_c, new_r) in result.updated:
        click.echo(f"  ~ {name}: children {old_c} → {new_c}, residents {old_r} → {new_r}")
    for name in result.not_in_file:
        click.echo(f"  = {name}: not in the file, kept")
    if result.tokens_issued:
        click.echo(f"{result.tokens_issued} poster token(s) issued in the open round(s).")
    if dry_run:
        click.echo("Dry run: nothing was written.")


# ----------------------------------------------------------------------------- rounds


def _default_rules() -> str:
    from assessment import default_rules

    return default_rules().version


@rounds.command("create")
@click.argument("ward_code")
@click.option("--name", required=True, help='e.g. "Năm 2026" (unique within the ward).')
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="YYYY-MM-DD.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="YYYY-MM-DD.")
@click.option("--rules", "rule_version", default=None, help="Rule version (default: newest).")
@click.option("--instrument", "instrument_version", default=None, help="Survey instrument.")
@click.option("--cap", type=int, default=None, help="Answers per poster (default: by group).")
@with_app
def create_round(
    ward_code: str,
    name: str,
    start: dt.datetime,
    end: dt.datetime,
    rule_version: str | None,
    instrument_version: str | None,
    cap: int | None,
) -> None:
    """Open an assessment round for WARD_CODE and issue one poster token per group."""
    from flask import current_app

    from assessment import instrument
    from survey_app.admin import rounds as round_setup
    from survey_app.core.db import get_session
    from survey_app.survey import tokens

    instrument_version = instrument_version or round_setup.default_instrument_version()
    if instrument_version is None:
        known = ", ".join(instrument.available_versions())
        _fail([f"several instruments are shipped: choose one with --instrument ({known})"])
    with _reported():
        round_, issued = round_setup.create_round(
            get_session(),
            ward_code=ward_code,
            name=name,
            period_start=start.date(),
            period_end=end.date(),
            rule_version=rule_version or _default_rules(),
            instrument_version=instrument_version,
            cap=cap,
        )
    click.echo(
        f"Round {round_.id} created for {ward_code}: {round_.name}, {round_.period_start}.."
        f"{round_.period_end}, rules {round_.rule_version}, instrument "
        f"{round_.instrument_version}; {len(issued)} poster token(s):"
    )
    base = current_app.config["PUBLIC_BASE_URL"]
    for group, token in issued:
        click.echo(f"  {group.name:<28} cap {token.cap:>5}  {tokens.survey_url(base, token.token)}")
    if not issued:
        click.echo("  (no groups yet: groups imported while the round is open get a poster)")


def _set_status(round_id: int, status: str, reason: str) -> None:
    from survey_app.admin.rounds import set_round_status
    from survey_app.core.db import get_session

    with _reported():
        round_ = set_round_status(get_session(), round_id, status, reason=reason)
    click.echo(f"Round {round_.id} ({round_.ward.code}, {round_.name}) is now {round_.status}.")


@rounds.command("open")
@click.argument("round_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@with_app
def open_round(round_id: int, reason: str) -> None:
    """Let ROUND_ID's survey take answers again."""
    _set_status(round_id, "open", reason)


@rounds.command("close")
@click.argument("round_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@with_app
def close_round(round_id: int, reason: str) -> None:
    """Stop ROUND_ID's survey taking answers (posters then show the results page)."""
    _set_status(round_id, "closed", reason)

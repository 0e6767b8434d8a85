"""`cfw council list|add|remove`: the ward's assessment council, as on the council page."""

from __future__ import annotations

import getpass

import click

from survey_app.commands.appctx import with_app
from survey_app.models.council import COUNCIL_PLACES


def _reason(reason: str) -> str:
    who = f"cfw (os user {getpass.getuser()})"
    return f"{who}: {reason}" if reason else who


def _ward_id(code: str) -> int:
    from survey_app.admin.setup import SetupError, get_ward
    from survey_app.core.db import get_session

    try:
        return get_ward(get_session(), code).id
    except SetupError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("council")
def council() -> None:
    """The assessment council (people printed in the minutes; linked accounts approve)."""


@council.command("list")
@click.argument("ward_code")
@with_app
def list_members(ward_code: str) -> None:
    """Every member of WARD_CODE's council, chair first."""
    from survey_app.admin.council import members_of
    from survey_app.core.db import get_session

    for row in members_of(get_session(), _ward_id(ward_code)):
        click.echo(f"{row.id:>4}  {row.council_role:<10} {row.name} — {row.position}")


@council.command("add")
@click.argument("ward_code")
@click.option("--name", required=True, help="Full name as printed in the minutes.")
@click.option("--position", default="", help='e.g. "Trưởng Trạm Y tế phường".')
@click.option("--role", "council_role", type=click.Choice(COUNCIL_PLACES), default="member")
@click.option("--order", type=int, default=0, help="Print order.")
@click.option("--user", "username", default=None, help="Council account that approves.")
@click.option("--reason", default="", help="Why (kept in the audit log).")
@with_app
def add(ward_code: str, username: str | None, reason: str, **fields: object) -> None:
    """Add a person to WARD_CODE's council (the same service as the council page)."""
    from survey_app.accounts.users import get_by_username
    from survey_app.admin import council as service
    from survey_app.admin.setup import SetupError
    from survey_app.core.db import get_session

    session = get_session()
    ward_id = _ward_id(ward_code)
    user_id = None
    if username:
        account = get_by_username(session, username)
        if account is None:
            raise click.ClickException(f"No user named {username!r}.")
        user_id = account.id
    try:
        row = service.add_member(
            session, ward_id, actor=None, reason=_reason(reason), user_id=user_id, **fields
        )
    except SetupError as exc:
        raise click.ClickException("; ".join(exc.errors)) from exc
    click.echo(f"Added council member {row.id}: {row.name}.")


@council.command("remove")
@click.argument("ward_code")
@click.argument("member_id", type=int)
@click.option("--reason", default="", help="Why (kept in the audit log).")
@with_app
def remove(ward_code: str, member_id: int, reason: str) -> None:
    """Take member MEMBER_ID off WARD_CODE's council list."""
    from survey_app.admin import council as service
    from survey_app.core.db import get_session

    try:
        service.remove_member(
            get_session(), _ward_id(ward_code), member_id, actor=None, reason=_reason(reason)
        )
    except LookupError:
        raise click.ClickException(f"No council member {member_id} in {ward_code}.") from None
    click.echo(f"Removed council member {member_id}.")

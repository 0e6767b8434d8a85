"""`cfw user ...`: create, list, disable, enable and reset staff accounts from the shell."""

from __future__ import annotations

import getpass

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.commands.appctx import with_app
from survey_app.models.accounts import ROLES, User

reason_option = click.option("--reason", default="", help="Why (kept in the audit log).")


def _cli_reason(reason: str) -> str:
    # Commands run without a signed-in actor: record which shell account ran them.
    who = f"cfw (os user {getpass.getuser()})"
    return f"{who}: {reason}" if reason else who


def _find_user(session: Session, username: str) -> User:
    from survey_app.accounts.users import get_by_username

    user = get_by_username(session, username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    return user


@click.group("user")
def user() -> None:
    """Staff accounts."""


@user.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option("--ward", "ward_code", help="Ward code (every role but admin needs one).")
@click.option("--unit", help="Unit id, for unit officers (vhxh, tuphap, congan, yte, ...).")
@click.option("--group", "group_id", type=int, help="Residential group id, for group leaders.")
@click.option("--name", "display_name", default="", help="Full name shown on pages.")
@click.option("--position", default="", help='Job title, e.g. "Trưởng Công an phường".')
@with_app
def create(
    username: str,
    role: str,
    ward_code: str | None,
    unit: str | None,
    group_id: int | None,
    display_name: str,
    position: str,
) -> None:
    """Create an account and print its one-time password (changed at first sign-in)."""
    from survey_app.admin import people
    from survey_app.core.db import get_session
    from survey_app.models import Ward

    session = get_session()
    ward_id = None
    if ward_code:
        ward = session.scalars(select(Ward).where(Ward.code == ward_code)).first()
        if ward is None:
            raise click.ClickException(f"No ward with code {ward_code!r}.")
        ward_id = ward.id
    try:
        account, password = people.create_account(
            session,
            username=username,
            role=role,
            display_name=display_name,
            position=position,
            ward_id=ward_id,
            unit=unit,
            group_id=group_id,
            actor=None,
            reason=_cli_reason("user create"),
        )
    except people.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {account.username} ({account.role}).")
    click.echo(f"One-time password (shown once, must be changed at first sign-in): {password}")


@user.command("list")
@with_app
def list_users() -> None:
    """Every account with its role, scope and state."""
    from survey_app.core.db import get_session
    from survey_app.models import User, Ward

    session = get_session()
    wards = {row.id: row.code for row in session.execute(select(Ward.id, Ward.code))}
    rows = session.scalars(select(User).order_by(User.username)).all()
    click.echo(f"{'username':<24} {'role':<8} {'ward':<16} {'unit':<10} {'group':<6} state")
    for row in rows:
        state = "active" if row.active else "disabled"
        if row.must_change_password:
            state += ", must change password"
        click.echo(
            f"{row.username:<24} {row.role:<8} {wards.get(row.ward_id, '-'):<16} "
            f"{row.unit or '-':<10} {row.group_id or '-'!s:<6} {state}"
        )


def _set_active(username: str, active: bool, reason: str) -> None:
    from survey_app.admin import people
    from survey_app.core.db import get_session

    session = get_session()
    account = _find_user(session, username)
    try:
        people.set_account_active(
            session, None, account.id, active, actor=None, reason=_cli_reason(reason)
        )
    except people.AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@user.command("disable")
@click.argument("username")
@reason_option
@with_app
def disable(username: str, reason: str) -> None:
    """Disable an account; its open sessions end at their next request."""
    _set_active(username, False, reason)
    click.echo(f"Disabled {username}.")


@user.command("enable")
@click.argument("username")
@reason_option
@with_app
def enable(username: str, reason: str) -> None:
    """Enable a disabled account again."""
    _set_active(username, True, reason)
    click.echo(f"Enabled {username}.")


@user.command("reset-password")
@click.argument("username")
@reason_option
@with_app
def reset_password(username: str, reason: str) -> None:
    """Give an account a new one-time password (printed once); its sessions end."""
    from survey_app.admin import people
    from survey_app.core.db import get_session

    session = get_session()
    account = _find_user(session, username)
    _user, password = people.reset_account_password(
        session, None, account.id, actor=None, reason=_cli_reason(reason)
    )
    click.echo(f"One-time password for {username} (shown once, must be changed): {password}")


@user.command("update")
@click.argument("username")
@click.option("--name", "display_name", default=None, help="Full name shown on pages.")
@click.option("--position", default=None, help="Job title.")
@click.option("--role", default=None, type=click.Choice(ROLES), help="A new role.")
@click.option("--unit", default=None, help="Unit id, for unit officers.")
@click.option("--group", "group_id", type=int, default=None, help="Group id, for leaders.")
@reason_option
@with_app
def update(username: str, reason: str, **changes: object) -> None:
    """Change an account's name, position, role, unit or group (as on the accounts page)."""
    from survey_app.admin import people
    from survey_app.core.db import get_session

    session = get_session()
    account = _find_user(session, username)
    role = changes["role"] or account.role
    keep_scope = changes["role"] is None
    try:
        people.update_account(
            session,
            None,
            account.id,
            display_name=changes["display_name"]
            if changes["display_name"] is not None
            else account.display_name,
            position=changes["position"] if changes["position"] is not None else account.position,
            role=role,
            unit=changes["unit"] or (account.unit if keep_scope else None),
            group_id=changes["group_id"] or (account.group_id if keep_scope else None),
            actor=None,
            reason=_cli_reason(reason),
        )
    except people.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Updated {account.username}.")

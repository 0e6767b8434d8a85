"""First run: a set-up page, guarded by a one-time code, creates the ward and its first admin.

`cfw init` calls `issue_setup_code` on an empty database (no ward, no account) and prints
the code; only its SHA-256 is stored (the code is 100 random bits, so a fast hash is enough
and the comparison is constant-time). The code works once: `complete_setup` marks it used in
the same transaction that creates the ward and the administrator, and a database that has a
ward or an account shows no set-up page at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.accounts import users as accounts
from survey_app.admin import setup
from survey_app.admin.setup import SetupError
from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.models import SetupCode, User, Ward

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I/L)
CODE_LENGTH = 20  # 20 × log2(31) ≈ 99 bits
CODE_VALID_FOR = dt.timedelta(days=7)


def _hash(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def needs_setup(session: Session) -> bool:
    """True on an empty database: no ward and no account yet."""
    wards = session.scalar(select(func.count(Ward.id)))
    return not wards and not session.scalar(select(func.count(User.id)))


def setup_pending(session: Session) -> bool:
    """True on an empty database for which `cfw init` has printed a code still valid."""
    if not needs_setup(session):
        return False
    since = _now() - CODE_VALID_FOR
    query = select(SetupCode.id).where(SetupCode.used_at.is_(None), SetupCode.created_at >= since)
    return session.execute(query).first() is not None


def issue_setup_code(session: Session) -> str | None:
    """A new one-time code for the set-up page (older unused codes expire); None if set up."""
    with write_transaction(session):
        if not needs_setup(session):
            return None
        now = _now()
        for old in session.scalars(select(SetupCode).where(SetupCode.used_at.is_(None))):
            old.used_at = now  # one valid code at a time: the newest printed
        chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code = "-".join(chars[i : i + 5] for i in range(0, CODE_LENGTH, 5))
        row = SetupCode(code_hash=_hash(code), created_at=now)
        session.add(row)
        session.flush()
        audit.record(
            session,
            action="setup.code_issued",
            entity="setup_code",
            entity_id=row.id,
            old=None,
            new={"expires": (now + CODE_VALID_FOR).isoformat(timespec="seconds")},
            reason="cli: init",
        )
        return code


def _valid_code(session: Session, code: str) -> SetupCode | None:
    wanted = _hash(code or "")
    since = _now() - CODE_VALID_FOR
    query = select(SetupCode).where(SetupCode.used_at.is_(None), SetupCode.created_at >= since)
    for row in session.scalars(query):
        if hmac.compare_digest(row.code_hash, wanted):
            return row
    return None


def complete_setup(
    session: Session,
    *,
    code: str,
    username: str,
    password: str,
    display_name: str = "",
    position: str = "",
    ward: dict[str, Any],
) -> tuple[User, Ward]:
    """Use case: create the ward and its first administrator, spending the one-time code.

    ``ward`` holds the fields of `setup.create_ward`. Raises SetupError (nothing written) for
    a wrong, used or expired code, a database already set up, or invalid ward/account fields.
    """
    values = setup._valid_ward_fields(**ward)
    with write_transaction(session):
        if not needs_setup(session):
            raise SetupError(_("Hệ thống đã được thiết lập: hãy đăng nhập."))
        row = _valid_code(session, code)
        if row is None:
            raise SetupError(
                _("Mã thiết lập không đúng, đã dùng hoặc đã hết hạn: chạy lại `cfw init`.")
            )
        row.used_at = _now()
        new_ward = Ward(**values)
        session.add(new_ward)
        setup._audit(session, "ward.create", new_ward, None, reason="first run", actor=None)
        try:
            admin, _password = accounts.create_user(
                session,
                username=username,
                role="admin",
                display_name=display_name,
                ward_id=new_ward.id,
                password=password,
                must_change_password=False,
                reason="first run",
            )
        except accounts.AccountError as exc:
            raise SetupError(str(exc)) from None
        admin.position = setup.clean_text(position)[: setup.NAME_MAX]
        return admin, new_ward

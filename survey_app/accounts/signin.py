"""Sign-in as one use case: throttle, check the password in constant-ish time, record the outcome.

Failures are counted in the database per account and per client (an HMAC of the address,
rotated daily), so the limits hold across workers, servers and restarts. The password is
checked *outside* the write transaction: an argon2 verification must not hold SQLite's
write lock while survey answers wait for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey_app.accounts import ratelimit
from survey_app.accounts import users as accounts
from survey_app.core.db import write_transaction
from survey_app.models import User


@dataclass(frozen=True)
class Limits:
    """How many failures one account and one client may make in one window."""

    window_s: int
    per_account: int
    per_client: int


@dataclass(frozen=True)
class SignInResult:
    """``user`` on success; ``retry_after_s`` when throttled; both None for a plain failure."""

    user: User | None = None
    retry_after_s: int | None = None


def account_key(username: str) -> str:
    """The rate-limit key of a username (hashed: any typed text, of any length, fits)."""
    digest = hashlib.sha256(accounts.normalise_username(username).encode("utf-8"))
    return f"login-user:{digest.hexdigest()[:40]}"


def seconds_left_in_window(window_s: int, now: dt.datetime | None = None) -> int:
    """Seconds until the current fixed window (as counted by `ratelimit`) ends."""
    now = now or dt.datetime.now(dt.UTC)
    return max(1, int(window_s - now.timestamp() % window_s))


def attempt(
    session: Session, *, username: str, password: str, client: str, limits: Limits
) -> SignInResult:
    """Try to sign in; commits the failure counts or the successful sign-in itself.

    ``client`` is a `ratelimit.client_key(...)`, never a raw address. Unknown, disabled and
    wrong-password accounts all fail the same way and take the same time.
    """
    user_key = account_key(username)
    if (
        ratelimit.count(session, user_key, window_s=limits.window_s) >= limits.per_account
        or ratelimit.count(session, client, window_s=limits.window_s) >= limits.per_client
    ):
        session.rollback()  # end the read so no snapshot is held while the user waits
        return SignInResult(retry_after_s=seconds_left_in_window(limits.window_s))

    user = accounts.get_by_username(session, username)
    if user is None:
        accounts.burn_verify_time(password)
        ok = False
    else:
        ok = accounts.verify_password(user.password_hash, password) and user.active
    old_hash = user.password_hash if user is not None else ""
    # Computed before the write lock is taken (argon2 is deliberately slow).
    new_hash = accounts.hash_password(password) if ok and accounts.needs_rehash(old_hash) else None
    user_id = user.id if user is not None else None

    with write_transaction(session):
        if not ok:
            ratelimit.hit(session, user_key, limit=limits.per_account, window_s=limits.window_s)
            ratelimit.hit(session, client, limit=limits.per_client, window_s=limits.window_s)
            return SignInResult()
        user = session.get(User, user_id)
        if user is None or not user.active:  # disabled between the check and now
            return SignInResult()
        ratelimit.reset(session, user_key)
        if new_hash and user.password_hash == old_hash:
            user.password_hash = new_hash  # same password, current parameters
        user.last_login_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return SignInResult(user=user)


__all__ = ["Limits", "SignInResult", "account_key", "attempt", "seconds_left_in_window"]

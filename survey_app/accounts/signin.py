"""Sign-in as one use case: take a try, check the password, record the outcome.

Failures are counted in the database for each (account, source) pair and for each source
(an HMAC of the address, rotated daily), so the limits hold across workers, servers and
restarts. There is no account-wide lock: a stranger's wrong passwords slow down only the
stranger's own source, and the owner signing in from elsewhere still gets in.

Each key has some free tries (``per_account`` for a pair, ``per_client`` for a source);
after those, each failure doubles the wait before the next try (``delay_base_s``, 2x, 4x,
... capped at ``delay_max_s``). A key left alone for ``window_s`` *after its wait ended*
starts the count again: a guesser who retries as soon as each wait ends never gets new free
tries, however long the waits have grown.

The try is *taken before* the slow password check, in one short write transaction that
locks the counters (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL): so
20 parallel guesses get exactly the free tries, never one more. A right password then
gives the try back. The argon2 check itself runs outside any write transaction, so it
never holds SQLite's write lock while survey answers wait.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey_app.accounts import users as accounts
from survey_app.core.db import write_transaction
from survey_app.models import LoginThrottle, User

NEVER = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Limits:
    """Free failures per (account, source) and per source, and the growing wait after them."""

    window_s: int
    per_account: int
    per_client: int
    delay_base_s: int = 2
    delay_max_s: int = 15 * 60


@dataclass(frozen=True)
class SignInResult:
    """``user`` on success; ``retry_after_s`` when throttled; both None for a plain failure."""

    user: User | None = None
    retry_after_s: int | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def keyed_hash(secret: str, value: str) -> str:
    """An HMAC-SHA256 of ``value`` with ``secret`` (USERNAME_HASH_KEY), 40 hex characters."""
    return hmac.new(secret.encode(), value.encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def account_key(secret: str, username: str) -> str:
    """The throttle key of a typed username: keyed, so the table can't be read back."""
    return f"login-user:{keyed_hash(secret, accounts.normalise_username(username))}"


def pair_key(secret: str, username: str, client: str) -> str:
    """The throttle key of one account tried from one source (``client`` is already keyed)."""
    name = accounts.normalise_username(username)
    return f"login-pair:{keyed_hash(secret, name + chr(10) + client)}"


def wait_after(failures: int, free: int, limits: Limits) -> int:
    """Seconds to wait after ``failures`` failures of a key with ``free`` free tries."""
    if failures < free:
        return 0
    return min(limits.delay_max_s, limits.delay_base_s * 2 ** min(failures - free, 30))


def _ensure_rows(session: Session, names: list[str], now: dt.datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = [
        {"key": k, "failures": 0, "last_failure_at": now, "blocked_until": NEVER} for k in names
    ]
    session.execute(insert(LoginThrottle).values(rows).on_conflict_do_nothing())


def take_try(session: Session, free_by_key: dict[str, int], limits: Limits) -> int | None:
    """Count a failure in advance on every key, or return the seconds left to wait.

    One write transaction: the rows are created if missing, locked, checked and updated
    together, so parallel tries are counted one after the other.
    """
    names = sorted(free_by_key)
    with write_transaction(session):
        _ensure_rows(session, names, _now())
        rows = session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.key.in_(names))
            .order_by(LoginThrottle.key)
            .with_for_update()
        ).all()
        # The clock is read once the rows are locked: a try that waited for the lock must
        # not see the previous try's "no wait" as a wait still running.
        now = _now()
        quiet = now - dt.timedelta(seconds=limits.window_s)
        blocked = max((r.blocked_until for r in rows), default=NEVER)
        if blocked > now:
            return max(1, math.ceil((blocked - now).total_seconds()))
        for row in rows:
            quiet_since = max(row.last_failure_at, row.blocked_until)
            failures = 0 if quiet_since < quiet else row.failures
            row.failures = failures + 1
            row.last_failure_at = now
            wait = wait_after(row.failures, free_by_key[row.key], limits)
            row.blocked_until = now + dt.timedelta(seconds=wait)
    return None


def _give_back(session: Session, pair: str, client: str, free: int, limits: Limits) -> None:
    """A right password: forget the pair's failures and return the source's advance count."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == pair))
    row = session.get(LoginThrottle, client, with_for_update=True)
    if row is not None and row.failures > 0:
        row.failures -= 1
        wait = wait_after(row.failures, free, limits)
        row.blocked_until = row.last_failure_at + dt.timedelta(seconds=wait)


def attempt(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    limits: Limits,
    hash_key: str,
) -> SignInResult:
    """Try to sign in; commits the counts and the successful sign-in itself.

    ``client`` is a `ratelimit.client_key(...)`, never a raw address; ``hash_key`` is the
    USERNAME_HASH_KEY. Unknown, disabled and wrong-password accounts all fail the same way
    and take the same time.
    """
    pair = pair_key(hash_key, username, client)
    free = {pair: limits.per_account, client: limits.per_client}
    retry_after = take_try(session, free, limits)
    if retry_after is not None:
        return SignInResult(retry_after_s=retry_after)

    user = accounts.get_by_username(session, username)
    if user is None:
        accounts.burn_verify_time(password)
        ok, old_hash, user_id = False, "", None
    else:
        ok = accounts.verify_password(user.password_hash, password) and user.active
        old_hash, user_id = user.password_hash, user.id
    session.rollback()  # end the read: no snapshot held, the write below starts fresh
    if not ok:
        return SignInResult()  # the failure was counted in advance
    # Computed before the write lock is taken (argon2 is deliberately slow).
    new_hash = accounts.hash_password(password) if accounts.needs_rehash(old_hash) else None

    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None or not user.active:  # disabled between the check and now
            return SignInResult()
        _give_back(session, pair, client, limits.per_client, limits)
        if new_hash and user.password_hash == old_hash:
            user.password_hash = new_hash  # same password, current parameters
        user.last_login_at = _now()
    return SignInResult(user=user)


def prune(session: Session, older_than_s: int = 86400) -> int:
    """Delete counters quiet for ``older_than_s`` and no longer waiting; how many went."""
    cutoff = _now() - dt.timedelta(seconds=older_than_s)
    result = session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < cutoff, LoginThrottle.blocked_until < cutoff
        )
    )
    return result.rowcount or 0


__all__ = [
    "Limits",
    "SignInResult",
    "account_key",
    "attempt",
    "keyed_hash",
    "pair_key",
    "prune",
    "take_try",
    "wait_after",
]

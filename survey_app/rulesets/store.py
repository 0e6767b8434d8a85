"""Where rule versions come from: shipped files (``assessment``) and versions kept by wards.

`load` is what the app's rounds call instead of ``assessment.load_rules``: a shipped name loads
the file; any other name loads the immutable text a ward saved in the ``rule_version`` table,
parsed by the same validator (``load_rules_text``), so every app server sees the same version.
`store_version` is the one way a version enters the table (validated, audited).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

from flask import has_app_context
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assessment import RuleError, RuleSet, RuleSetError, load_rules, load_rules_text
from assessment import available_rule_versions as shipped_versions
from survey_app.audit import log as audit
from survey_app.core.db import get_session
from survey_app.core.permissions import has
from survey_app.models import RuleVersion, User
from survey_app.models.rules import RULE_ORIGINS

# A version id as a round stores it (assessment_round.rule_version is 64 characters wide).
VERSION_PATTERN = re.compile(r"[a-z0-9][a-z0-9.-]{1,63}")
_CACHE_SIZE = 32
_cache: dict[tuple[str, str], RuleSet] = {}
_cache_lock = threading.Lock()

__all__ = [
    "VERSION_PATTERN",
    "all_wards",
    "is_shipped",
    "load",
    "may_use",
    "rule_error",
    "shipped_versions",
    "store_version",
    "stored_version",
    "text_of",
    "visible_versions",
]


def is_shipped(version: str) -> bool:
    """True for a version shipped in ``assessment/rules``."""
    return version in shipped_versions()


def rule_error(origin: str, path: str, message: str) -> RuleSetError:
    """A RuleSetError of one problem, in the same shape as the validator's."""
    return RuleSetError([RuleError(origin, path, message)])


def _parse(version: str, text: str, sha256: str) -> RuleSet:
    """Parse a stored text once per (version, hash): stored rows never change."""
    key = (version, sha256)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    rules = load_rules_text(text, f"db:{version}")
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = rules
    return rules


def load(version: str, session: Session | None = None) -> RuleSet:
    """The rule set of ``version``: a shipped file, else the ward version stored in the database.

    Raises ``RuleSetError`` for an unknown version (or, should it ever happen, a stored text that
    no longer validates). Outside an app context only shipped versions exist.
    """
    if is_shipped(version):
        return load_rules(version)
    if session is None and has_app_context():
        session = get_session()
    row = session.get(RuleVersion, version) if session is not None else None
    if row is None:
        known = ", ".join(shipped_versions())
        raise rule_error(version, "-", f"unknown rule version (available: {known}, or a ward's)")
    return _parse(row.id, row.toml, row.sha256)


def text_of(version: str, session: Session) -> str:
    """The exact text of a shipped or stored version (RuleSetError when unknown)."""
    if is_shipped(version):
        return Path(load_rules(version).source_path).read_text(encoding="utf-8")
    row = session.get(RuleVersion, version)
    if row is None:
        raise rule_error(version, "-", "unknown rule version")
    return row.toml


def stored_version(session: Session, version: str) -> RuleVersion | None:
    """The stored row of a ward version (None for shipped or unknown names)."""
    return session.get(RuleVersion, version)


def may_use(ward_id: int | None, row: RuleVersion | None, *, all_wards: bool = False) -> bool:
    """A ward uses shipped versions, versions made for every ward, and its own."""
    if row is None:
        return False
    return all_wards or row.ward_id is None or row.ward_id == ward_id


def all_wards(user: User) -> bool:
    """True for an account of no ward that works on every ward (permission "wards.all")."""
    return user.ward_id is None and has(user.role, "wards.all")


def visible_versions(session: Session, user: User) -> list[RuleVersion]:
    """The stored versions ``user`` may see: every one for an administrator of every ward."""
    query = select(RuleVersion).order_by(RuleVersion.created_at, RuleVersion.id)
    if not all_wards(user):
        query = query.where(or_(RuleVersion.ward_id.is_(None), RuleVersion.ward_id == user.ward_id))
    return list(session.scalars(query))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def store_version(
    session: Session,
    text: str,
    *,
    origin: str,
    based_on: str,
    actor: User,
    origin_name: str,
    reason: str = "",
) -> RuleVersion:
    """Validate a rule file's text and keep it as a new immutable version (in the caller's
    transaction, with its audit row). ``origin_name`` names the file in every error.

    Raises ``RuleSetError`` listing every problem: the validator's, an id that is not a plain
    version name, or one that exists already (shipped or stored). Nothing is written then.
    """
    if origin not in RULE_ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    rules = load_rules_text(text, origin_name)
    if not VERSION_PATTERN.fullmatch(rules.version):
        raise rule_error(
            origin_name,
            "meta.version",
            "must be 2-64 lower-case letters, digits, dots or hyphens, e.g. qd06-2019-r3",
        )
    if is_shipped(rules.version) or session.get(RuleVersion, rules.version) is not None:
        raise rule_error(
            origin_name,
            "meta.version",
            f"version '{rules.version}' exists already: a new version needs a new name",
        )
    row = RuleVersion(
        id=rules.version,
        ward_id=actor.ward_id,
        toml=text,
        sha256=rules.sha256,
        based_on=based_on,
        origin=origin,
        created_by_id=actor.id,
        created_by_name=actor.display_name or actor.username,
        created_at=_now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action=f"rule_version.{origin}",
        entity="rule_version",
        entity_id=row.id,
        old=None,
        new={"id": row.id, "sha256": row.sha256, "based_on": based_on, "ward_id": row.ward_id},
        reason=reason,
        actor=actor,
        ward_id=row.ward_id,
    )
    return row

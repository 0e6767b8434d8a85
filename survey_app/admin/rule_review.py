"""Review a version's provisional rows against the printed decision, and save a new version.

The ward holds the official text (Decision 06/QĐ-TTg, Art. 2(2)). For each provisional row an
administrator confirms it as printed or corrects it (points, bands, wording); each decision is
kept, with who made it and when, in a draft (``rule_review``) until the review is saved as a
NEW immutable version: the base file's text with each decided row marked ``verified = true``
and ``source = "confirmed by <name> on <date> against the printed decision"``. Released files
and stored versions are never edited. Every step is one transaction with its audit row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import tomlkit
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import RuleSet, RuleSetError
from survey_app.admin.rule_table import EDITABLE, Row, provisional
from survey_app.audit import log as audit
from survey_app.models import RuleReview, RuleReviewRow, RuleVersion, User, Ward
from survey_app.models.rules import ROW_DECISIONS
from survey_app.rulesets import store as rule_store

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TEXT_MAX = 500
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class ReviewError(ValueError):
    """A decision or a save that cannot be stored; ``errors`` maps a field ("" = form) → text."""

    def __init__(self, errors: dict[str, str], status: int = 422) -> None:
        self.errors = errors
        self.status = status
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A provisional row of the base version and the decision taken on it so far (or None)."""

    index: int
    row: Row
    decision: RuleReviewRow | None

    @property
    def changes(self) -> dict[str, Any]:
        """The corrected fields of the decision ({} when confirmed or undecided)."""
        return json.loads(self.decision.changes) if self.decision and self.decision.changes else {}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def vietnam_date(at: dt.datetime) -> str:
    """A stored UTC time as the Vietnamese calendar date (dd/mm/yyyy)."""
    return at.replace(tzinfo=dt.UTC).astimezone(VIETNAM).strftime("%d/%m/%Y")


def draft(session: Session, based_on: str, user: User) -> RuleReview | None:
    """The user's ward's draft review of ``based_on`` (None when none is open)."""
    query = select(RuleReview).where(
        RuleReview.based_on == based_on,
        RuleReview.status == "draft",
        RuleReview.ward_id.is_(None)
        if user.ward_id is None
        else RuleReview.ward_id == user.ward_id,
    )
    return session.scalars(query.order_by(RuleReview.id.desc())).first()


def items(rules: RuleSet, review: RuleReview | None) -> list[ReviewItem]:
    """Every provisional row of ``rules`` with its decision in ``review``, numbered from 1."""
    decided = {r.path: r for r in review.rows} if review else {}
    return [
        ReviewItem(n, row, decided.get(row.path)) for n, row in enumerate(provisional(rules), 1)
    ]


def start_review(session: Session, based_on: str, actor: User) -> RuleReview:
    """The open draft of ``based_on`` for the actor's ward, created (and audited) when none."""
    rules = rule_store.load(based_on, session)
    found = draft(session, based_on, actor)
    if found is not None:
        return found
    review = RuleReview(
        ward_id=actor.ward_id,
        based_on=based_on,
        based_on_sha256=rules.sha256,
        status="draft",
        created_by_id=actor.id,
        created_at=_now(),
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        action="rule_review.start",
        entity="rule_review",
        entity_id=review.id,
        old=None,
        new={"based_on": based_on, "sha256": rules.sha256},
        actor=actor,
        ward_id=actor.ward_id,
    )
    return review


def _parse_value(kind: str, raw: str) -> object:
    text = " ".join(raw.split())
    if kind == "text":
        if not text or len(text) > TEXT_MAX:
            raise ValueError(f"1-{TEXT_MAX}")
        return text
    value = float(text.replace(",", "."))
    if value < 0 or value > 1_000_000:
        raise ValueError("range")
    if kind == "int":
        if value != int(value):
            raise ValueError("int")
        return int(value)
    return int(value) if value == int(value) else value


def check_changes(row: Row, form: dict[str, str]) -> dict[str, object]:
    """The fields of ``row`` the form changes, parsed; ReviewError names each bad field."""
    errors: dict[str, str] = {}
    changes: dict[str, object] = {}
    for field, kind in EDITABLE[row.kind]:
        raw = form.get(field)
        if raw is None:
            continue
        try:
            value = _parse_value(kind, raw)
        except ValueError:
            errors[field] = "text" if kind == "text" else ("whole" if kind == "int" else "number")
            continue
        if value != row.values.get(field):
            changes[field] = value
    if errors:
        raise ReviewError(errors)
    return changes


def decide_row(
    session: Session,
    review: RuleReview,
    row: Row,
    decision: str,
    changes: dict[str, object],
    actor: User,
) -> RuleReviewRow:
    """Record (or replace) the decision on one provisional row of a draft, audited."""
    if review.status != "draft":
        raise ReviewError({"": "saved"}, 409)
    if decision not in ROW_DECISIONS:
        raise ReviewError({"decision": "decision"})
    if decision == "corrected" and not changes:
        raise ReviewError({"decision": "nothing"})
    if decision == "confirmed":
        changes = {}
    existing = session.scalars(
        select(RuleReviewRow).where(
            RuleReviewRow.review_id == review.id, RuleReviewRow.path == row.path
        )
    ).first()
    old = None
    if existing is not None:
        old = {"decision": existing.decision, "changes": audit.decode(existing.changes)}
        session.delete(existing)
        session.flush()
    entry = RuleReviewRow(
        review_id=review.id,
        path=row.path,
        decision=decision,
        changes=audit.canonical_json(changes) if changes else "",
        confirmed_by_id=actor.id,
        confirmed_by_name=actor.display_name or actor.username,
        confirmed_at=_now(),
    )
    session.add(entry)
    session.flush()
    session.expire(review, ["rows"])
    audit.record(
        session,
        action=f"rule_review.{decision}",
        entity="rule_review",
        entity_id=review.id,
        old=old,
        new={"path": row.path, "decision": decision, "changes": changes, "was": row.values},
        reason="against the printed Decision 06/QĐ-TTg, Art. 2(2)",
        actor=actor,
        ward_id=review.ward_id,
    )
    return entry


def _node(doc: Any, path: str) -> Any:
    node = doc
    for name, index in _SEGMENT.findall(path):
        node = node[int(index)] if index else node[name]
    return node


def _set(node: Any, field: str, value: object) -> None:
    if "." in field:
        table, lang = field.split(".")
        node[table][lang] = value
    else:
        node[field] = value


def next_version_id(session: Session, review: RuleReview, ward: Ward | None) -> str:
    """ "<base>-<ward code>-<n>": the first free n; a base that is itself a ward's version
    contributes its own base, so corrections of corrections stay short."""
    base = review.based_on
    stored = session.get(RuleVersion, base)
    while stored is not None and stored.based_on:
        base = stored.based_on
        stored = session.get(RuleVersion, base)
    prefix = f"{base}-{ward.code if ward is not None else 'all'}-"
    n = 1
    while rule_store.is_shipped(f"{prefix}{n}") or session.get(RuleVersion, f"{prefix}{n}"):
        n += 1
    return f"{prefix}{n}"[:64]


def build_text(base_text: str, review: RuleReview, version: str) -> str:
    """The base file's text with each decided row confirmed (and corrected), as ``version``."""
    doc = tomlkit.parse(base_text)
    for decided in review.rows:
        node = _node(doc, decided.path)
        for field, value in (json.loads(decided.changes) if decided.changes else {}).items():
            _set(node, field, value)
        node["verified"] = True
        node["source"] = (
            f"confirmed by {decided.confirmed_by_name} on "
            f"{vietnam_date(decided.confirmed_at)} against the printed decision"
        )
        if "note" in node:
            del node["note"]
    doc["meta"]["version"] = version
    doc["meta"]["supersedes"] = review.based_on
    header = (
        f"Ward version {version}: {review.based_on} reviewed row by row against the printed",
        "Decision 06/QĐ-TTg, Art. 2(2). Never edit it: a correction is a new version.",
    )
    for line in reversed(header):
        doc.body.insert(0, (None, tomlkit.comment(line)))
    return tomlkit.dumps(doc)


def save_review(session: Session, review: RuleReview, actor: User) -> RuleVersion:
    """Save a draft as a new immutable version (``RuleSetError`` when a correction makes the
    file invalid: the draft is kept for another correction, nothing is stored)."""
    if review.status != "draft":
        raise ReviewError({"": "saved"}, 409)
    if not review.rows:
        raise ReviewError({"": "empty"})
    if rule_store.load(review.based_on, session).sha256 != review.based_on_sha256:
        raise ReviewError({"": "changed"}, 409)
    ward = session.get(Ward, review.ward_id) if review.ward_id is not None else None
    version = next_version_id(session, review, ward)
    text = build_text(rule_store.text_of(review.based_on, session), review, version)
    row = rule_store.store_version(
        session,
        text,
        origin="review",
        based_on=review.based_on,
        actor=actor,
        origin_name=f"{version}.toml",
        reason=f"{len(review.rows)} row(s) checked against the printed decision",
    )
    review.status = "saved"
    review.saved_version = row.id
    audit.record(
        session,
        action="rule_review.save",
        entity="rule_review",
        entity_id=review.id,
        old={"status": "draft"},
        new={"status": "saved", "version": row.id},
        actor=actor,
        ward_id=review.ward_id,
    )
    return row


__all__ = [
    "ReviewError",
    "ReviewItem",
    "RuleSetError",
    "build_text",
    "check_changes",
    "decide_row",
    "draft",
    "items",
    "save_review",
    "start_review",
    "vietnam_date",
]

"""Criterion values entered by the owner units, their submission state, and the round workflow.

A value is stored as an integer with a ``kind``: counts as themselves, yes/no facts as 1/0, so
one column holds both without text encodings. The round's workflow lives in its own table
(the survey's ``AssessmentRound.status`` says only whether the survey takes answers).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core import lifecycle
from survey_app.core.db import Base
from survey_app.models.wards import AssessmentRound

VALUE_KINDS = ("count", "yes_no")
ENTRY_STATES = ("draft", "submitted")
# The round's stages in order come from the lifecycle table (survey_app/data/round-lifecycle.toml).
STAGES = lifecycle.STAGES
SOURCE_NOTE_MAX = 300


class CriterionValue(Base):
    """One raw input of a round (e.g. "c2.births"), with where the figure comes from."""

    __tablename__ = "criterion_value"
    __table_args__ = (
        UniqueConstraint("round_id", "key"),
        CheckConstraint(f"kind IN {VALUE_KINDS!r}", name="kind"),
        CheckConstraint("value IS NULL OR value >= 0", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    # NULL = not entered (missing), never read as 0.
    value: Mapped[int | None]
    source_note: Mapped[str] = mapped_column(String(SOURCE_NOTE_MAX), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime]

    @property
    def plain(self) -> int | bool | None:
        """The value as the scoring library expects it (bool for yes/no facts)."""
        if self.value is None:
            return None
        return bool(self.value) if self.kind == "yes_no" else self.value


class CriterionEntry(Base):
    """The entry state of one criterion in one round ("ward" holds the shared inputs)."""

    __tablename__ = "criterion_entry"
    __table_args__ = (
        UniqueConstraint("round_id", "criterion"),
        CheckConstraint(f"state IN {ENTRY_STATES!r}", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    # The unit in charge of the criterion when its figures last changed or were sent: once
    # entry closes, the unit the round actually used (printed in its dossier).
    unit: Mapped[str | None] = mapped_column(String(32))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[dt.datetime | None]


class RoundWorkflow(Base):
    """Where a round stands between data entry and the recognising authority's decision."""

    __tablename__ = "round_workflow"
    __table_args__ = (
        CheckConstraint(f"stage IN {STAGES!r}", name="stage"),
        CheckConstraint("posting_days IS NULL OR posting_days > 0", name="posting_days"),
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), default="entering")
    consolidated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    consolidated_at: Mapped[dt.datetime | None]
    first_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    first_approved_at: Mapped[dt.datetime | None]
    second_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    second_approved_at: Mapped[dt.datetime | None]
    posting_start: Mapped[dt.date | None]
    posting_days: Mapped[int | None]
    sent_on: Mapped[dt.date | None]
    letter_number: Mapped[str] = mapped_column(String(100), default="")
    decision_number: Mapped[str] = mapped_column(String(100), default="")
    decision_date: Mapped[dt.date | None]
    decision_authority: Mapped[str] = mapped_column(String(300), default="")
    decision_recognised: Mapped[bool | None]
    # An administrator's permission to send although the locked score used provisional rule
    # rows: the reason, who (their name as printed) and when; "" / None = not given.
    provisional_override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    provisional_override_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    provisional_override_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime]

    round: Mapped[AssessmentRound] = relationship()


class LockedScore(Base):
    """A round's final score, frozen with the exact inputs and rule version it came from.

    ``survey_json`` records what the criterion-13 figures read besides the answer counters,
    as it was at the lock: the groups' populations and the raw responses' tallies
    (survey_app/results/frozen.py), so editing a group or purging answers changes nothing.
    ``active`` turns False when the round is reopened: the row stays as a record.
    """

    __tablename__ = "locked_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    inputs_json: Mapped[str] = mapped_column(Text)  # canonical JSON
    rule_version: Mapped[str] = mapped_column(String(64))
    rules_sha256: Mapped[str] = mapped_column(String(64))
    locality: Mapped[str] = mapped_column(String(64))
    scorecard_json: Mapped[str] = mapped_column(Text)
    survey_json: Mapped[str] = mapped_column(Text)  # canonical JSON (results/frozen.record)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    total: Mapped[int]
    recognised: Mapped[bool]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    locked_at: Mapped[dt.datetime]
    active: Mapped[bool] = mapped_column(default=True)

"""The ward's yearly plan (Kế hoạch): its sections, activities, the units on each, and evidence.

A plan is made from a versioned template (survey_app/data/plan-templates/) and keeps that
version. An activity's status (planned, in progress, done, overdue) is never stored: it is
computed from its dates and ``done_on`` in Vietnam time (survey_app/plan/status.py).
Evidence files are stored once by their content hash, in the database, so every app server
and every backup has them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.db import Base

EVIDENCE_TYPES = ("application/pdf", "image/jpeg", "image/png")


class Plan(Base):
    """One ward's plan for one year."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("ward_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id"), index=True)
    year: Mapped[int]
    template_version: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64), default="")  # "15" of "Số: 15/KH-UBND"
    issued_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())

    sections: Mapped[list[PlanSection]] = relationship(
        back_populates="plan", order_by="PlanSection.position", cascade="all, delete-orphan"
    )
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="plan", order_by="PlanActivity.position", cascade="all, delete-orphan"
    )
    criterion_owners: Mapped[list[PlanCriterionOwner]] = relationship(
        order_by="PlanCriterionOwner.criterion", cascade="all, delete-orphan"
    )


class PlanSection(Base):
    """One section of a plan: its key in the template, its printed title and its text."""

    __tablename__ = "plan_section"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="sections")


class PlanCriterionOwner(Base):
    """The unit a plan gives a criterion to (section V): the unit that enters its figures.

    One row per criterion number; the criteria entry reads these rows (survey_app/plan/owners.py).
    """

    __tablename__ = "plan_criterion_owner"
    __table_args__ = (
        UniqueConstraint("plan_id", "criterion"),
        CheckConstraint("criterion BETWEEN 1 AND 99", name="criterion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    criterion: Mapped[int]  # the criterion's number (1-13), the same in every rule version
    unit: Mapped[str] = mapped_column(String(32))


class PlanActivity(Base):
    """An activity of the plan: who leads it, who supports it, when, and whether it is done."""

    __tablename__ = "plan_activity"
    __table_args__ = (CheckConstraint("due_on >= start_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    lead_unit: Mapped[str] = mapped_column(String(32))
    start_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    done_on: Mapped[dt.date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    # A yes/no input of the rule file this activity is evidence for ("" = none).
    indicator: Mapped[str] = mapped_column(String(64), default="")

    plan: Mapped[Plan] = relationship(back_populates="activities")
    supports: Mapped[list[PlanActivityUnit]] = relationship(
        cascade="all, delete-orphan", order_by="PlanActivityUnit.unit"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="activity", order_by="Evidence.id", cascade="all, delete-orphan"
    )

    @property
    def supporting_units(self) -> list[str]:
        """The ids of the units that support this activity."""
        return [row.unit for row in self.supports]


class PlanActivityUnit(Base):
    """A unit that supports an activity (one row each: never a comma-separated list)."""

    __tablename__ = "plan_activity_unit"
    __table_args__ = (UniqueConstraint("activity_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("plan_activity.id"), index=True)
    unit: Mapped[str] = mapped_column(String(32))


class EvidenceFile(Base):
    """The bytes of an evidence file, stored once per content (sha256)."""

    __tablename__ = "evidence_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Evidence(Base):
    """A photo or scanned document attached to an activity."""

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint(f"content_type IN {EVIDENCE_TYPES!r}", name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("plan_activity.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_file.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    caption: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())

    activity: Mapped[PlanActivity] = relationship(back_populates="evidence")

"""Wards, their residential groups, assessment rounds and poster tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.db import Base

# Allowed values are listed once, here, and enforced by CHECK constraints.
ROUND_STATUSES = ("open", "closed")
TOKEN_STATUSES = ("active", "paused", "rotated", "revoked")
# Who signs the ward's documents: the chair, or a vice-chair "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".
# Checked by the setup service (no CHECK: SQLite cannot add one without rebuilding the table).
SIGNER_ROLES = ("chair", "vice")


class Ward(Base):
    """A ward or commune (phường, xã, thị trấn); one deployment may host many."""

    __tablename__ = "ward"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(200), default="")
    # A rule-file locality type (e.g. "other"); set by an administrator, never guessed.
    locality_type: Mapped[str] = mapped_column(String(64))
    locality_basis: Mapped[str] = mapped_column(Text, default="")
    recognising_authority: Mapped[str] = mapped_column(String(300), default="")
    # Printed on the dossier; set once per ward ("" = not set, the dossier prints blanks).
    parent_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    chair_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    chair_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer_role: Mapped[str] = mapped_column(String(16), default="chair", server_default="chair")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())

    groups: Mapped[list[ResidentialGroup]] = relationship(
        back_populates="ward", order_by="ResidentialGroup.position"
    )
    rounds: Mapped[list[AssessmentRound]] = relationship(back_populates="ward")


class ResidentialGroup(Base):
    """A residential group (tổ dân phố) with the populations the survey targets use."""

    __tablename__ = "residential_group"
    __table_args__ = (
        UniqueConstraint("ward_id", "name"),
        CheckConstraint("children >= 0 AND residents >= 0", name="populations"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)  # aged 10-15, the children's audience
    residents: Mapped[int] = mapped_column(default=0)  # aged 16 and over
    # A retired group gets no new posters and is hidden from new work; its answers stay.
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())

    ward: Mapped[Ward] = relationship(back_populates="groups")
    tokens: Mapped[list[PosterToken]] = relationship(back_populates="group")


class AssessmentRound(Base):
    """One assessment period of a ward, with the rule set and instrument it uses."""

    __tablename__ = "assessment_round"
    __table_args__ = (
        UniqueConstraint("ward_id", "name"),
        CheckConstraint(f"status IN {ROUND_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    rule_version: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())

    ward: Mapped[Ward] = relationship(back_populates="rounds")

    @property
    def is_open(self) -> bool:
        """True while the survey takes answers."""
        return self.status == "open"


class PosterToken(Base):
    """The random token behind one poster's QR code, tied to one group and round.

    ``used`` counts accepted responses; the cap is enforced by a conditional
    UPDATE on this row, which holds across workers and servers.
    """

    __tablename__ = "poster_token"
    __table_args__ = (
        CheckConstraint(f"status IN {TOKEN_STATUSES!r}", name="status"),
        CheckConstraint("cap >= 0 AND used >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("residential_group.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    cap: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("poster_token.id"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())

    group: Mapped[ResidentialGroup] = relationship(back_populates="tokens")
    round: Mapped[AssessmentRound] = relationship()
    replaced_by: Mapped[PosterToken | None] = relationship(remote_side=[id])

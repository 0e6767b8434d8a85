"""the ward's yearly plan: sections, activities, supporting units and evidence files

Revision ID: 0006_plan
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_plan"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("template_version", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False
        ),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_plan_ward_id_ward")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("ward_id", "year", name=op.f("uq_plan_ward_id_year")),
    )
    op.create_index(op.f("ix_plan_ward_id"), "plan", ["ward_id"])
    op.create_table(
        "plan_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_section_plan_id_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_section")),
        sa.UniqueConstraint("plan_id", "key", name=op.f("uq_plan_section_plan_id_key")),
    )
    op.create_index(op.f("ix_plan_section_plan_id"), "plan_section", ["plan_id"])
    op.create_table(
        "plan_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead_unit", sa.String(length=32), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.CheckConstraint("due_on >= start_on", name=op.f("ck_plan_activity_dates")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_activity_plan_id_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity")),
    )
    op.create_index(op.f("ix_plan_activity_plan_id"), "plan_activity", ["plan_id"])
    op.create_table(
        "plan_activity_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["plan_activity.id"],
            name=op.f("fk_plan_activity_unit_activity_id_plan_activity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity_unit")),
        sa.UniqueConstraint(
            "activity_id", "unit", name=op.f("uq_plan_activity_unit_activity_id_unit")
        ),
    )
    op.create_index(
        op.f("ix_plan_activity_unit_activity_id"), "plan_activity_unit", ["activity_id"]
    )
    op.create_table(
        "evidence_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence_file")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column(
            "uploaded_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False
        ),
        sa.CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
            name=op.f("ck_evidence_type"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["plan_activity.id"],
            name=op.f("fk_evidence_activity_id_plan_activity"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["evidence_file.sha256"], name=op.f("fk_evidence_sha256_evidence_file")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["user_account.id"],
            name=op.f("fk_evidence_uploaded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_activity_id"), "evidence", ["activity_id"])
    op.create_index(op.f("ix_evidence_sha256"), "evidence", ["sha256"])


def downgrade() -> None:
    op.drop_table("evidence")
    op.drop_table("evidence_file")
    op.drop_table("plan_activity_unit")
    op.drop_table("plan_activity")
    op.drop_table("plan_section")
    op.drop_table("plan")

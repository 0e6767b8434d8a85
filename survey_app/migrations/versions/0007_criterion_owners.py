"""one assignment of criteria to units: the plan's rows, and the unit each entry was made for

A plan without rows reads as its template assigns (survey_app/plan/owners.py), and a round
without a plan as its rule file does, so existing plans and rounds migrate with no data step.
Plain CREATE TABLE and ADD COLUMN (nullable): nothing is rewritten.

Revision ID: 0007_criterion_owners
Revises: 0006_council
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_criterion_owners"
down_revision = "0006_council"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_criterion_owner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "criterion BETWEEN 1 AND 99", name=op.f("ck_plan_criterion_owner_criterion")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_criterion_owner_plan_id_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_criterion_owner")),
        sa.UniqueConstraint(
            "plan_id", "criterion", name=op.f("uq_plan_criterion_owner_plan_id_criterion")
        ),
    )
    op.create_index(
        op.f("ix_plan_criterion_owner_plan_id"), "plan_criterion_owner", ["plan_id"]
    )
    op.add_column("criterion_entry", sa.Column("unit", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("criterion_entry") as batch_op:
        batch_op.drop_column("unit")
    op.drop_index(op.f("ix_plan_criterion_owner_plan_id"), table_name="plan_criterion_owner")
    op.drop_table("plan_criterion_owner")

"""posting feedback: residents' comments on a publicly posted result and their answers

A new table only: existing rounds migrate in place (they have no comments).

Revision ID: 0007_posting_feedback
Revises: 0006_council
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_posting_feedback"
down_revision = "0007_criterion_owners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "posting_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('new', 'answered')", name=op.f("ck_posting_feedback_status")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_round.id"],
            name=op.f("fk_posting_feedback_round_id_assessment_round"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_posting_feedback_answered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_feedback")),
    )
    with op.batch_alter_table("posting_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_feedback_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("posting_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_feedback_round_id"))
    op.drop_table("posting_feedback")

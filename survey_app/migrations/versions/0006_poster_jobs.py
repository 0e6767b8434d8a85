"""poster jobs in the database: progress, outcome and PDF readable by every app server

A new table only (nothing existing changes). Its rows are transient: a finished job and its
PDF are deleted a day after it was started.

Revision ID: 0006_poster_jobs
Revises: 0006_signin_throttle (chained after main's 0006 migrations at rebase)
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_poster_jobs"
down_revision = "0006_signin_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poster_job",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Text(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_poster_job_status")
        ),
        sa.CheckConstraint("done >= 0 AND total >= 0", name=op.f("ck_poster_job_progress")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_round.id"],
            name=op.f("fk_poster_job_round_id_assessment_round"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_poster_job_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_poster_job_ward_id_ward")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_job")),
    )
    op.create_index(op.f("ix_poster_job_created_at"), "poster_job", ["created_at"], unique=False)
    op.create_index(op.f("ix_poster_job_ward_id"), "poster_job", ["ward_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_poster_job_ward_id"), table_name="poster_job")
    op.drop_index(op.f("ix_poster_job_created_at"), table_name="poster_job")
    op.drop_table("poster_job")

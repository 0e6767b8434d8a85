"""sign-in throttle: failures per (account, source) and per source, with a growing wait

Revision ID: 0006_signin_throttle
Revises: 0006_plan
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_signin_throttle"
down_revision = "0006_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_index(
        op.f("ix_login_throttle_blocked_until"), "login_throttle", ["blocked_until"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_login_throttle_blocked_until"), table_name="login_throttle")
    op.drop_table("login_throttle")

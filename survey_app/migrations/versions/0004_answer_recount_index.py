"""A covering index for recounting answers from raw rows.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_answer_recount", "answer", ["response_id", "question_id", "value"])


def downgrade() -> None:
    op.drop_index("ix_answer_recount", table_name="answer")

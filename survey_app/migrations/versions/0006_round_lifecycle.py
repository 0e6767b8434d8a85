"""round lifecycle: a locked round's survey is closed; the provisional-rules override

Plain ADD COLUMN with server defaults on round_workflow (who allowed sending a round scored
with provisional rule rows, when, and why), so existing rows migrate in place.

One lifecycle table (survey_app/data/round-lifecycle.toml) now says that the survey may take
answers only while the round's figures are not frozen. Rounds locked before this revision may
still have an open survey; this closes it, so existing rows obey the table. The stage list is
written out here (a migration must not change when the data file does).

Revision ID: 0006_round_lifecycle
Revises: 0006_rule_versions
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_round_lifecycle"
down_revision = "0006_rule_versions"  # chained after the other 0006 migrations
branch_labels = None
depends_on = None

FROZEN_STAGES = ("locked", "posted", "sent", "decided")


def upgrade() -> None:
    op.add_column(
        "round_workflow",
        sa.Column("provisional_override_reason", sa.Text(), server_default="", nullable=False),
    )
    op.add_column(
        "round_workflow",
        sa.Column(
            "provisional_override_by", sa.String(length=200), server_default="", nullable=False
        ),
    )
    op.add_column(
        "round_workflow", sa.Column("provisional_override_at", sa.DateTime(), nullable=True)
    )
    frozen = ", ".join(f"'{stage}'" for stage in FROZEN_STAGES)
    op.execute(
        "UPDATE assessment_round SET status = 'closed' WHERE status = 'open' AND id IN "
        f"(SELECT round_id FROM round_workflow WHERE stage IN ({frozen}))"
    )


def downgrade() -> None:
    # Which surveys were open before cannot be known; closing them was the fix, kept.
    for name in ("provisional_override_at", "provisional_override_by"):
        op.drop_column("round_workflow", name)
    op.drop_column("round_workflow", "provisional_override_reason")

"""round lifecycle: a locked round's survey is closed

One lifecycle table (survey_app/data/round-lifecycle.toml) now says that the survey may take
answers only while the round's figures are not frozen. Rounds locked before this revision may
still have an open survey; this closes it, so existing rows obey the table. The stage list is
written out here (a migration must not change when the data file does).

Revision ID: 0006_round_lifecycle
Revises: 0005
"""

from alembic import op

revision = "0006_round_lifecycle"
down_revision = "0005"
branch_labels = None
depends_on = None

FROZEN_STAGES = ("locked", "posted", "sent", "decided")


def upgrade() -> None:
    frozen = ", ".join(f"'{stage}'" for stage in FROZEN_STAGES)
    op.execute(
        "UPDATE assessment_round SET status = 'closed' WHERE status = 'open' AND id IN "
        f"(SELECT round_id FROM round_workflow WHERE stage IN ({frozen}))"
    )


def downgrade() -> None:
    # Which surveys were open before cannot be known; closing them was the fix. Nothing to undo.
    pass

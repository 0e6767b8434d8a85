"""flag policy: an "impossible timing" signal, and whether the policy held an answer back

Until now any flag held an answer out of the official figures; the flag policy
(survey_app/data/flag-policy.toml) now weighs the signals and only strong evidence holds an
answer back. ``held`` records that decision, taken when the answer arrived. Existing answers
keep the old meaning (held = any flag), so their counters stay equal to a recount.

Revision ID: 0006_flag_policy
Revises: 0006_poster_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_flag_policy"
down_revision = "0006_poster_jobs"  # re-chained after main's 0006 migrations
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "response",
        sa.Column("flag_impossible", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "response", sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(
        "UPDATE response SET held = (flag_speeder OR flag_straightline OR flag_burst"
        " OR flag_repeat)"
    )


def downgrade() -> None:
    op.drop_column("response", "held")
    op.drop_column("response", "flag_impossible")

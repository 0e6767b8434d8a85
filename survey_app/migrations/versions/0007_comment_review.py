"""comment review: a staff reviewer decides whether a masked comment may be quoted

Free-text comments are masked automatically (names, schools, classes, addresses, numbers:
survey_app/results/masking.py) whenever they are shown or exported; before any comment is
quoted (the public results page, a dossier), a reviewer marks it "quotable" (audited).
Existing comments start "unreviewed": nothing is quoted until someone has read it.

Revision ID: 0007_comment_review
Revises: 0006_council
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_comment_review"
down_revision = "0007_posting_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "response",
        sa.Column(
            "comment_review", sa.String(16), server_default="unreviewed", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("response", "comment_review")

"""ward signatories: parent body, council chair and signer printed on the dossier

Plain ADD COLUMN with server defaults, so existing wards migrate in place (no table rebuild,
which SQLite could not do under the foreign keys that point at the ward table).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TEXT_COLUMNS = ("parent_body", "chair_name", "chair_title", "signer_name")


def upgrade() -> None:
    for name in TEXT_COLUMNS:
        op.add_column(
            "ward", sa.Column(name, sa.String(length=200), server_default="", nullable=False)
        )
    op.add_column(
        "ward",
        sa.Column("signer_role", sa.String(length=16), server_default="chair", nullable=False),
    )


def downgrade() -> None:
    for name in ("signer_role", *reversed(TEXT_COLUMNS)):
        op.drop_column("ward", name)

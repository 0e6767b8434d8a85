"""council and administration: council members, set-up code, retired groups, job titles

Plain CREATE TABLE and ADD COLUMN with server defaults: existing wards, groups and accounts
migrate in place.

Revision ID: 0006_council
Revises: 0006_round_lifecycle
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_council"
down_revision = "0006_round_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("council_role", sa.String(length=16), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.CheckConstraint(
            "council_role IN ('chair', 'vice_chair', 'member', 'secretary')",
            name=op.f("ck_council_member_council_role"),
        ),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_council_member_ward_id_ward")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_council_member_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_member")),
    )
    with op.batch_alter_table("council_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_member_ward_id"), ["ward_id"], unique=False)
    op.create_table(
        "setup_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_code")),
    )
    op.add_column(
        "residential_group",
        sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "user_account",
        sa.Column("position", sa.String(length=200), server_default="", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("position")
    with op.batch_alter_table("residential_group", schema=None) as batch_op:
        batch_op.drop_column("retired")
    op.drop_table("setup_code")
    with op.batch_alter_table("council_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_member_ward_id"))
    op.drop_table("council_member")

"""rule versions saved in the browser (reviewed or uploaded) and drafts of rule reviews

A stored rule version is immutable: a trigger refuses UPDATE on ``rule_version``.

Revision ID: 0006_rule_versions
Revises: 0006_flag_policy (chained after the 0006 migrations already on main)
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_rule_versions"
down_revision = "0006_flag_policy"
branch_labels = None
depends_on = None

SQLITE_TRIGGER = """CREATE TRIGGER rule_version_no_update BEFORE UPDATE ON rule_version
    BEGIN SELECT RAISE(ABORT, 'rule_version rows are immutable'); END"""
PG_STATEMENTS = (
    """CREATE OR REPLACE FUNCTION rule_version_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'rule_version rows are immutable (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER rule_version_no_update BEFORE UPDATE ON rule_version
    FOR EACH ROW EXECUTE FUNCTION rule_version_immutable()""",
)


def upgrade() -> None:
    op.create_table(
        "rule_version",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column("toml", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("based_on", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("origin IN ('review', 'upload')", name=op.f("ck_rule_version_origin")),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["ward.id"], name=op.f("fk_rule_version_ward_id_ward")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_rule_version_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_version")),
    )
    op.create_index(op.f("ix_rule_version_ward_id"), "rule_version", ["ward_id"], unique=False)
    op.create_table(
        "rule_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column("based_on", sa.String(length=64), nullable=False),
        sa.Column("based_on_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("saved_version", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'saved')", name=op.f("ck_rule_review_status")),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_rule_review_ward_id_ward")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_rule_review_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_review")),
    )
    op.create_index(op.f("ix_rule_review_ward_id"), "rule_review", ["ward_id"], unique=False)
    op.create_table(
        "rule_review_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by_name", sa.String(length=200), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('confirmed', 'corrected')", name=op.f("ck_rule_review_row_decision")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["rule_review.id"], name=op.f("fk_rule_review_row_review_id_rule_review")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_rule_review_row_confirmed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_review_row")),
        sa.UniqueConstraint("review_id", "path", name=op.f("uq_rule_review_row_review_id_path")),
    )
    op.create_index(
        op.f("ix_rule_review_row_review_id"), "rule_review_row", ["review_id"], unique=False
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_TRIGGER)
    elif dialect == "postgresql":
        for statement in PG_STATEMENTS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS rule_version_no_update")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS rule_version_no_update ON rule_version")
        op.execute("DROP FUNCTION IF EXISTS rule_version_immutable()")
    op.drop_index(op.f("ix_rule_review_row_review_id"), table_name="rule_review_row")
    op.drop_table("rule_review_row")
    op.drop_index(op.f("ix_rule_review_ward_id"), table_name="rule_review")
    op.drop_table("rule_review")
    op.drop_index(op.f("ix_rule_version_ward_id"), table_name="rule_version")
    op.drop_table("rule_version")

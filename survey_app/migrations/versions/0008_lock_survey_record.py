"""lock survey record: a locked score keeps the populations and response tallies it read

The criterion-13 figures of a locked round read the groups' populations and the raw
responses' tallies, which stay editable (or purgeable) after the lock; the lock now records
them in ``locked_score.survey_json`` (survey_app/results/frozen.py). This migration
transforms data: a score locked before it gets the values as they are at migration time
(the best record there is: what its dossier printed until then), in the same JSON shape.

Revision ID: 0008_lock_survey_record
Revises: 0007_comment_review
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008_lock_survey_record"
down_revision = "0007_comment_review"
branch_labels = None
depends_on = None

POPULATION_COLUMNS = {"child": "children", "resident": "residents"}


def _record(conn: sa.Connection, round_id: int) -> str:
    """The record of `survey_app.results.frozen.record`, in plain SQL of this revision."""
    ward_id = conn.execute(
        sa.text("SELECT ward_id FROM assessment_round WHERE id = :r"), {"r": round_id}
    ).scalar_one()
    groups = conn.execute(
        sa.text("SELECT id, children, residents FROM residential_group WHERE ward_id = :w"),
        {"w": ward_id},
    ).mappings()
    populations = sorted(
        [int(g["id"]), audience, int(g[column])]
        for g in groups
        for audience, column in POPULATION_COLUMNS.items()
        if int(g[column] or 0) > 0
    )
    channels = conn.execute(
        sa.text("SELECT channel, COUNT(*) FROM response WHERE round_id = :r GROUP BY channel"),
        {"r": round_id},
    ).all()
    not_counted = conn.execute(
        sa.text(
            "SELECT COUNT(*) FROM response WHERE round_id = :r AND "
            "(review = 'excluded' OR (review = 'pending' AND held))"
        ),
        {"r": round_id},
    ).scalar_one()
    answered = conn.execute(
        sa.text("SELECT COUNT(DISTINCT group_id) FROM response WHERE round_id = :r"),
        {"r": round_id},
    ).scalar_one()
    return json.dumps(
        {
            "populations": populations,
            "responses": {str(c): int(n) for c, n in channels},
            "not_counted": int(not_counted),
            "groups": int(answered),
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def upgrade() -> None:
    with op.batch_alter_table("locked_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("survey_json", sa.Text(), nullable=True))
    conn = op.get_bind()
    locks = conn.execute(sa.text("SELECT id, round_id FROM locked_score ORDER BY id")).all()
    for lock_id, round_id in locks:
        conn.execute(
            sa.text("UPDATE locked_score SET survey_json = :j WHERE id = :i"),
            {"j": _record(conn, round_id), "i": lock_id},
        )
    with op.batch_alter_table("locked_score", schema=None) as batch_op:
        batch_op.alter_column("survey_json", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("locked_score", schema=None) as batch_op:
        batch_op.drop_column("survey_json")

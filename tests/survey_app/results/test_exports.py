"""Survey exports: suppression in CSV and XLSX, formula escaping, who may download raw answers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from survey_app.results.masking import mask_comment
from tests.survey_app.stats_factories import fill, submit
from tests.survey_app.survey_factories import make_survey

DANGEROUS = "=cmd|' /C calc'!A0"


@pytest.fixture
def setup(app):
    made = make_survey(app, groups=3, cap=500)
    fill(app, made.token_ids[0], "resident", [5, 4, 1])  # small cell: 66.67 %
    fill(app, made.token_ids[1], "resident", [5] * 7 + [2] * 3)
    fill(app, made.token_ids[2], "resident", [4] * 6 + [1] * 2)
    submit(app, made.token_ids[1], "resident", 4, comment=DANGEROUS)
    return made


def _login(make_user, login, setup, role):
    make_user(f"e-{role}", role=role, ward_id=setup.ward_id)
    login(f"e-{role}")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _small_group_rows(rows, group_id):
    return [r for r in rows if r[1] == "group_rate" and r[2] == str(group_id)]


def test_aggregates_csv_hides_the_small_group(client, make_user, login, setup):
    _login(make_user, login, setup, "viewer")
    response = client.get(f"/rounds/{setup.round_id}/survey/aggregates.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = _csv(response)
    assert rows[0][:3] == ["figures", "kind", "group_id"]
    small = [r for r in _small_group_rows(rows, setup.group_ids[0]) if r[4] == "resident"]
    assert small and all(r[7] == "<5" and r[9] == "<5" for r in small)
    body = response.get_data().decode("utf-8-sig")
    assert "66.67" not in body and "66.7" not in body


def test_aggregates_xlsx_hides_the_small_group(client, make_user, login, setup):
    _login(make_user, login, setup, "council")
    response = client.get(f"/rounds/{setup.round_id}/survey/aggregates.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    small = [r for r in _small_group_rows(rows, setup.group_ids[0]) if r[4] == "resident"]
    assert small and all(r[7] == "<5" and r[9] == "<5" for r in small)
    assert not any(cell.startswith("66.6") for row in rows for cell in row)


def test_raw_answers_are_escaped_and_carry_no_token_or_key(app, client, make_user, login, setup):
    _login(make_user, login, setup, "vhxh")
    response = client.get(f"/rounds/{setup.round_id}/survey/responses.csv")
    assert response.status_code == 200
    rows = _csv(response)
    header = rows[0]
    assert "token_id" not in header and "submission_key" not in header and "id" not in header
    comments = [r[header.index("comment")] for r in rows[1:]]
    assert "'" + mask_comment(DANGEROUS) in comments  # shown (masked), never evaluated
    assert not any(c.startswith(("=", "+", "-", "@")) for c in comments)
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(rows))]


@pytest.mark.parametrize("role", ["viewer", "council"])
def test_raw_answers_only_for_vhxh_and_admin(client, make_user, login, setup, role):
    _login(make_user, login, setup, role)
    assert client.get(f"/rounds/{setup.round_id}/survey/responses.csv").status_code == 403

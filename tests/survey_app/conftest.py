"""Fixtures shared by the survey_app tests of one concern (set-up of a real ward)."""

from __future__ import annotations

import pytest

from tests.survey_app.setup_factories import WARD, cfw, groups_csv, write_csv


@pytest.fixture
def ward(runner):
    result = cfw(runner, *WARD)
    assert result.exit_code == 0, result.output
    return "dinh-ke"


@pytest.fixture
def ward_with_groups(runner, ward, tmp_path):
    result = cfw(runner, "groups", "import", ward, write_csv(tmp_path, groups_csv()))
    assert result.exit_code == 0, result.output
    return ward

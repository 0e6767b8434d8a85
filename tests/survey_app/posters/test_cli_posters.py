"""`cfw posters`: posters and QR images written without the web interface."""

from __future__ import annotations

import io
import zipfile

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from survey_app.cli import main
from tests.survey_app.posters.test_posters import decode, render_page
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    return make_survey(app, groups=3)


def test_all_posters_of_the_open_round(runner, setup, tmp_path):
    out, archive = tmp_path / "all.pdf", tmp_path / "qr.zip"
    result = runner.invoke(main, ["posters", "--out", str(out), "--qr-zip", str(archive)])
    assert result.exit_code == 0, result.output
    assert "3 poster(s)" in result.output
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 3
    assert len(zipfile.ZipFile(archive).namelist()) == 6


def test_one_group_a5_english(runner, setup, tmp_path):
    out = tmp_path / "one.pdf"
    args = ["posters", "--round", str(setup.round_id), "--group", str(setup.group_ids[2])]
    result = runner.invoke(main, [*args, "--out", str(out), "--size", "A5", "--lang", "en"])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert "Survey for children" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert decode(render_page(pdf))[0].text == f"http://survey.test/q/{setup.tokens[2]}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "99999"], "no round with id 99999"),
        (["--group", "99999"], "no group with id 99999"),
        (["--size", "A3"], "Invalid value for '--size'"),
    ],
)
def test_bad_arguments_are_reported(app, setup, tmp_path, args, message):
    with app.app_context():
        result = CliRunner().invoke(main, ["posters", "--out", str(tmp_path / "x.pdf"), *args])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_no_open_round(app, tmp_path):
    with app.app_context():
        result = CliRunner().invoke(main, ["posters", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "no open round" in result.output

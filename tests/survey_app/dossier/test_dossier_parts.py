"""Number and symbol typed once and printed once; dates; Vietnam time; signer; provisional rows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from assessment import load_rules
from survey_app.demo.dossier_example import example_dossier, verified_rules
from survey_app.dossier.data import SIGNER_CHAIR, provisional_rows
from survey_app.dossier.parts import document_number, number_line, provisional_groups, signer_heads
from survey_app.dossier.texts import date_text, short_date, vietnam_time


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("15/TTr-UBND", "15/TTr-UBND"),
        ("15", "15/TTr-UBND"),
        ("Số: 15/TTr-UBND", "15/TTr-UBND"),
        ("số 15", "15/TTr-UBND"),
        (" 15 / TTr-UBND ", "15/TTr-UBND"),
        ("5", "05/TTr-UBND"),
        ("05/TTr-UBND", "05/TTr-UBND"),
        ("15/UBND-VX", "15/UBND-VX"),  # a symbol the clerk typed is kept
        ("", "....../TTr-UBND"),
        ("   ", "....../TTr-UBND"),
    ],
)
def test_document_number_accepts_either_form(typed, printed):
    assert document_number(typed, "TTr-UBND") == printed
    line = number_line(typed, "TTr-UBND", "vi")
    assert line == f"Số: {printed}"
    assert line.count("TTr-UBND") <= 1


def test_dates_follow_decree_30():
    assert date_text(dt.date(2026, 12, 2), "vi") == "ngày 02 tháng 12 năm 2026"
    assert date_text(dt.date(2026, 1, 9), "vi") == "ngày 09 tháng 01 năm 2026"
    assert date_text(None, "vi") == "ngày ...... tháng ...... năm ......"
    assert date_text(dt.date(2026, 12, 2), "en") == "2 December 2026"


def test_moments_print_in_vietnam_time():
    stored = dt.datetime(2026, 12, 1, 23, 40)  # naive UTC, as the app stores it
    assert short_date(stored, "vi") == "02/12/2026 06:40"
    assert vietnam_time(stored).utcoffset() == dt.timedelta(hours=7)
    aware = dt.datetime(2026, 12, 1, 23, 40, tzinfo=dt.UTC)
    assert short_date(aware, "en") == "2026-12-02 06:40"
    assert short_date(dt.date(2026, 12, 2), "vi") == "02/12/2026"  # a day stays a day


def test_signer_heads():
    vice = example_dossier()
    assert signer_heads(vice) == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    chair = dataclasses.replace(vice, signer_title=SIGNER_CHAIR)
    assert signer_heads(chair) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")


def test_provisional_rows_are_named_by_criterion_and_indicator():
    rules = load_rules("qd06-2019")
    rows = provisional_rows(rules)
    assert "meta" in rows and "criteria.c5.indicators[0]" in rows
    groups = dict(provisional_groups(rules, "vi"))
    c5 = next(items for name, items in groups.items() if name.startswith("5. "))
    assert "Chỉ số: Tỷ suất trẻ em bị tai nạn, thương tích trên 1.000 trẻ em" in c5
    assert not any("criteria." in item for items in groups.values() for item in items)
    assert provisional_rows(verified_rules(rules)) == ()
    assert provisional_groups(verified_rules(rules), "vi") == ()

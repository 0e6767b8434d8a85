"""Pieces every dossier document shares: number, place and date, header, signer, recipients.

All of them return plain text or content-model values (``survey_app.dossier.model``); the
wording lives in ``survey_app.dossier.texts``.
"""

from __future__ import annotations

import re
from datetime import date

from assessment import RuleSet
from survey_app.core.fonts import nfc
from survey_app.dossier.data import SIGNER_VICE, DossierData, provisional_rows
from survey_app.dossier.model import Cell, Grid, Header, cell
from survey_app.dossier.texts import date_text, lines, text

DOTS = "......"
# "Số: 15/TTr-UBND", "so 15", "No. 15": the label a clerk may type before the number.
_NUMBER_LABEL = re.compile(r"^\s*(?:số|so|no)\s*\.?\s*:?\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_PATH_CRITERION = re.compile(r"^criteria\.(c\d+)(?:\.(indicators|zero_triggers)\[(\d+)\])?")


def document_number(raw: str, symbol: str) -> str:
    """The number and symbol as printed after "Số:", whichever way the clerk typed it.

    "15", "15/TTr-UBND", "Số: 15/TTr-UBND" and " 15 / TTr-UBND " all give "15/TTr-UBND";
    a number under 10 takes a leading zero (Decree 30/2020, Appendix I); a symbol the clerk
    typed is kept as typed; "" gives dots to fill in by hand.
    """
    value = _NUMBER_LABEL.sub("", nfc(raw or "")).strip()
    number, _, typed_symbol = value.partition("/")
    number = _SPACES.sub("", number)
    typed_symbol = _SPACES.sub("", typed_symbol)
    if not number:
        return f"{DOTS}/{typed_symbol or symbol}"
    if number.isdigit() and len(number) == 1:
        number = "0" + number
    return f"{number}/{typed_symbol or symbol}"


def number_line(raw: str, symbol: str, lang: str) -> str:
    """ "Số: 15/TTr-UBND" (see :func:`document_number`)."""
    return text("number", lang, number=document_number(raw, symbol))


def place_date(data: DossierData, day: date | None) -> str:
    """ "Dĩnh Kế, ngày 02 tháng 12 năm 2026" (dots when the date is not recorded yet)."""
    return f"{data.place_name}, {date_text(day, data.language)}"


def header(data: DossierData, number: str, day: date | None, *, council: bool = False) -> Header:
    """The page-1 head of a ward document; ``council`` heads it with the assessment council."""
    return ward_header(
        data.ward_name,
        data.ward_admin_parent,
        place_date(data, day),
        number,
        data.language,
        council=council,
    )


def ward_header(
    ward_name: str,
    parent_body: str,
    place_and_date: str,
    number: str,
    lang: str,
    *,
    council: bool = False,
) -> Header:
    """The page-1 head of any document the ward's committee issues (dossier, plan, report).

    Without a parent body the issuer is the ward committee on two bold lines ("ỦY BAN NHÂN
    DÂN" / "PHƯỜNG DĨNH KẾ"); with one, the parent comes first (not bold) and the committee
    is shortened to "UBND PHƯỜNG DĨNH KẾ" as clerks write it. ``council`` heads it with the
    assessment council.
    """
    committee = text("committee", lang)
    ward = nfc(ward_name).upper()
    parent = nfc(parent_body).upper()
    short = text("committee_short", lang, ward=ward)
    if council:
        body: tuple[str, ...] = (text("council_body", lang),)
        parent = short
    elif parent:
        body = (short,)
    else:
        body = (committee, ward)
    return Header(
        parent=parent,
        body=body,
        number=number,
        place_date=place_and_date,
        nation=text("nation", lang),
        motto=text("motto", lang),
    )


def signer_heads(data: DossierData) -> tuple[str, ...]:
    """ "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH", or with "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"."""
    return committee_signer(data.signer_title == SIGNER_VICE, data.language)


def committee_signer(vice: bool, lang: str) -> tuple[str, ...]:
    """The committee's signing lines: the chair's, or a vice-chair's on the chair's behalf."""
    if vice:
        return (text("on_behalf", lang), text("for_chair", lang), text("vice_title", lang))
    return (text("on_behalf", lang), text("chair_title", lang))


def recipients(data: DossierData, key: str) -> tuple[str, ...]:
    """The "Nơi nhận" lines: the ward's own list or the usual ones, then "- Lưu: VT, VHXH."."""
    base = list(data.recipients) or lines(key, data.language, authority=data.recognising_authority)
    return (*base, text("archive", data.language, unit=data.unit_abbreviation))


def in_text(name: str, lang: str) -> str:
    """A proper name's first word in lower case inside a sentence ("phường Dĩnh Kế")."""
    name = nfc(name)
    return name[:1].lower() + name[1:] if lang != "en" else name


def sentence(typed: str) -> str:
    """Text typed by a user as a sentence: with its final full stop ("…" "!" "?" kept)."""
    typed = nfc(typed).strip()
    return typed if not typed or typed.endswith((".", "!", "?", "…")) else typed + "."


def ward_in_text(data: DossierData) -> str:
    """The ward inside a sentence: "phường Dĩnh Kế" (vi), as given in English."""
    return in_text(data.ward_name, data.language)


def body_in_text(data: DossierData) -> str:
    """The issuing body inside a sentence: "UBND phường Dĩnh Kế"."""
    if data.language == "en":
        return f"the People's Committee of {nfc(data.ward_name)}"
    return f"UBND {ward_in_text(data)}"


def round_in_text(data: DossierData) -> str:
    """The round's name inside a sentence ("năm 2024")."""
    return in_text(data.round_name, data.language)


def verdict(data: DossierData) -> str:
    """ "ĐẠT chuẩn …" or "CHƯA ĐẠT chuẩn …" in the dossier language."""
    return text("verdict_yes" if data.scorecard.recognised else "verdict_no", data.language)


def unit_name(data: DossierData, unit_id: str) -> str:
    """The owner unit's name in the dossier language; never the internal key."""
    unit = data.rules.unit(unit_id)
    return unit.name.get(data.language) if unit else ""


def provisional_groups(rules: RuleSet, lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The provisional rows of a rule version as people read them, grouped by criterion.

    Each group is (the criterion's "1. Nguồn lực …" or "Chung" for the whole table, its
    items: "Điểm tối đa", "Chỉ số: …", "Điều kiện 0 điểm: …"), in rule-file order.
    """
    groups: dict[str, list[str]] = {}
    by_id = {c.id: c for c in rules.criteria}
    general = text("shared_row", lang)
    survey_crit = next(
        (
            c
            for c in rules.criteria
            if c.indicators and all(i.scale == "survey" for i in c.indicators)
        ),
        None,
    )
    for path in provisional_rows(rules):
        match = _PATH_CRITERION.match(path)
        group, item = general, path
        if path == "meta":
            item = text("provisional_meta", lang, total=rules.total)
        elif path == "recognition":
            item = text("provisional_recognition", lang)
        elif path.startswith("localities."):
            loc = rules.locality(path.removeprefix("localities."))
            item = text("provisional_locality", lang, label=loc.label.get(lang) if loc else "")
        elif rules.procedure is not None and path == rules.procedure.path:
            item = text("provisional_posting", lang, days=rules.procedure.posting_min_days)
        elif path.startswith("survey"):
            item = text("provisional_survey", lang)
            if survey_crit is not None:
                group = f"{survey_crit.number}. {survey_crit.name.get(lang)}"
        elif match and match.group(1) in by_id:
            crit = by_id[match.group(1)]
            group = f"{crit.number}. {crit.name.get(lang)}"
            kind, index = match.group(2), match.group(3)
            if kind == "indicators":
                label = crit.indicators[int(index)].label.get(lang)
                item = text("provisional_indicator", lang, label=label)
            elif kind == "zero_triggers":
                label = crit.zero_triggers[int(index)].label.get(lang)
                item = text("provisional_trigger", lang, label=label)
            else:
                item = text("provisional_criterion", lang)
        items = groups.setdefault(group, [])
        if item not in items:
            items.append(item)
    return tuple((group, tuple(items)) for group, items in groups.items())


def score_grid(data: DossierData, *, with_units: bool = True) -> Grid:
    """The 13-criterion table with its total and threshold rows."""
    lang, card = data.language, data.scorecard
    keys = ("col_no", "col_criterion", "col_unit", "col_max", "col_points")
    if not with_units:
        keys = ("col_no", "col_criterion", "col_max", "col_points")
    rows: list[tuple[Cell, ...]] = []
    for c in card.criteria:
        unit = (cell(unit_name(data, data.owner(c.id, c.unit))),) if with_units else ()
        rows.append(
            (
                cell(c.number, "center"),
                cell(c.name.get(lang)),
                *unit,
                cell(c.max_points, "center"),
                cell(c.points, "center"),
            )
        )
    blank = (cell(""),) if with_units else ()
    total = len(rows)
    rows.append(
        (
            cell(""),
            cell(text("total_row", lang), bold=True),
            *blank,
            cell(card.max_total, "center", bold=True),
            cell(card.total, "center", bold=True),
        )
    )
    threshold = text("threshold_row", lang, locality=data.locality_label)
    rows.append((cell(""), cell(threshold), *blank, cell(""), cell(card.threshold, "center")))
    widths: tuple[float | None, ...] = (10, None, 38, 17, 17) if with_units else (10, None, 20, 20)
    spans = ((total, 1, 2), (total + 1, 1, 2)) if with_units else ()
    return Grid(
        header=tuple(text(k, lang) for k in keys),
        rows=tuple(rows),
        widths=widths,
        spans=spans,
        shaded=(total,),
    )

"""Importing a ward's residential groups (name, children 10-15, residents 16+) from rows.

All or nothing: every row is validated first and every problem is listed by row number; a
group already there (same name, compared after Unicode normalisation) gets its populations
updated rather than a twin; groups missing from the file are kept (their tokens and answers
must survive). One transaction, one audit row per change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.admin.setup import (
    MAX_GROUP_ROWS,
    MAX_POPULATION,
    MAX_POPULATION_TEXT,
    NAME_MAX,
    SetupError,
    _audit,
    _groups_of,
    _reason,
    clean_text,
    get_ward,
    snapshot,
)
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _, _l
from survey_app.models import AssessmentRound, ResidentialGroup, Ward
from survey_app.survey import tokens
from survey_app.survey.caps import poster_cap

if TYPE_CHECKING:
    from survey_app.models import User

MAX_CSV_BYTES = 5 * 1024 * 1024  # a ward's group list is a few kilobytes
GROUP_COLUMNS = ("name", "children", "residents")


# How the row messages name a column of the file.
COLUMN_LABELS = {"children": _l("Số trẻ em (children)"), "residents": _l("Số dân (residents)")}


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One validated row of a group list; ``row`` is the number used in messages."""

    row: int
    name: str
    children: int
    residents: int


@dataclass
class ImportResult:
    """What `import_groups` did (or, on a dry run, would do)."""

    created: list[GroupRow] = field(default_factory=list)
    # (name, (old children, old residents), (new children, new residents))
    updated: list[tuple[str, tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)  # kept: groups are never deleted
    tokens_issued: int = 0  # posters for new groups in the ward's open rounds
    dry_run: bool = False


def _population(value: Any) -> int | None:
    """A whole number 0..MAX_POPULATION from an int or digits-only text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit():
            return None  # "-5", "1.380", "12,5", "" and "١٢" are all refused
        number = int(text)
    return number if 0 <= number <= MAX_POPULATION else None


def validate_group_rows(rows: Iterable[Mapping[str, Any]]) -> list[GroupRow]:
    """Check every row (name, children, residents); SetupError lists each problem by row.

    A row's number is its ``"row"`` key when present (the CSV reader passes the file's
    line number), otherwise its 1-based position.
    """
    errors: list[str] = []
    valid: list[GroupRow] = []
    first_seen: dict[str, int] = {}
    for position, raw in enumerate(rows, start=1):
        number = int(raw.get("row", position))
        if position > MAX_GROUP_ROWS:
            errors.append(_("Hơn %(n)d dòng: có đúng tệp không?", n=MAX_GROUP_ROWS))
            break
        problems = []
        name = clean_text(raw.get("name"))
        if not name:
            problems.append(_("tên để trống"))
        elif len(name) > NAME_MAX:
            problems.append(_("tên dài hơn %(n)d ký tự", n=NAME_MAX))
        elif name in first_seen:
            problems.append(_("tên %(name)r trùng dòng %(row)d", name=name, row=first_seen[name]))
        else:
            first_seen[name] = number
        counts = {}
        for column in ("children", "residents"):
            counts[column] = _population(raw.get(column))
            if counts[column] is None:
                problems.append(
                    _(
                        "%(column)s phải là số nguyên từ 0 đến %(n)s (đang là %(got)r)",
                        column=COLUMN_LABELS[column],
                        n=MAX_POPULATION_TEXT,
                        got=str(raw.get(column, "")).strip(),
                    )
                )
        errors += [_("Dòng %(row)d: %(problem)s", row=number, problem=p) for p in problems]
        if not problems:
            valid.append(GroupRow(number, name, counts["children"], counts["residents"]))
    if not errors and not valid:
        errors.append(_("Không có tổ nào: tệp có dòng tiêu đề nhưng không có dòng số liệu."))
    if errors:
        raise SetupError(errors)
    return valid


def import_groups(
    session: Session,
    ward_code: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    dry_run: bool = False,
    actor: User | None = None,
    reason: str = "",
) -> ImportResult:
    """Use case: add or update a ward's residential groups, all rows or none.

    A group whose name already exists gets the new populations ("group.update") instead
    of a twin; a new name is added at the end ("group.create"). Groups missing from the
    rows are kept (their tokens and answers must survive). Each new group gets a poster
    in every open round of the ward, so no group is left without a survey link.
    ``dry_run`` validates and reports without writing.
    """
    valid = validate_group_rows(rows)
    result = ImportResult(dry_run=dry_run)
    if dry_run:
        try:
            _plan(session, get_ward(session, ward_code), valid, result)
        finally:
            session.rollback()  # end the read transaction: a dry run leaves nothing open
        return result
    with write_transaction(session):
        ward = get_ward(session, ward_code)
        existing = _plan(session, ward, valid, result)
        why = _reason(reason or "groups import", actor)
        for name, _old, new in result.updated:
            group = existing[name]
            before = snapshot(group)
            group.children, group.residents = new
            _audit(session, "group.update", group, before, reason=why, actor=actor)
        position = max((g.position for g in existing.values()), default=0)
        open_rounds = session.scalars(
            select(AssessmentRound).where(
                AssessmentRound.ward_id == ward.id, AssessmentRound.status == "open"
            )
        ).all()
        for row in result.created:
            position += 1
            group = ResidentialGroup(
                ward_id=ward.id,
                name=row.name,
                position=position,
                children=row.children,
                residents=row.residents,
            )
            session.add(group)
            _audit(session, "group.create", group, None, reason=why, actor=actor)
            for round_ in open_rounds:
                cap = poster_cap(group.children, group.residents)
                tokens.new_token(session, group, round_, cap, actor=actor, reason=why)
                result.tokens_issued += 1
    return result


def _plan(
    session: Session, ward: Ward, valid: list[GroupRow], result: ImportResult
) -> dict[str, ResidentialGroup]:
    """Sort ``valid`` rows into created/updated/unchanged; return the ward's groups by name."""
    existing = {clean_text(g.name): g for g in _groups_of(session, ward)}
    for row in valid:
        group = existing.get(row.name)
        if group is None:
            result.created.append(row)
        elif (group.children, group.residents) != (row.children, row.residents):
            old = (group.children, group.residents)
            result.updated.append((row.name, old, (row.children, row.residents)))
        else:
            result.unchanged.append(row.name)
    in_file = {row.name for row in valid}
    result.not_in_file = [name for name in existing if name not in in_file]
    return existing


def parse_groups_csv(data: bytes) -> list[dict[str, Any]]:
    """Rows of a ``name,children,residents`` CSV file, each with its line number as "row".

    Accepts UTF-8 with or without the BOM Excel writes, and ';' as the separator (Excel in
    Vietnamese and other comma-decimal locales saves CSV that way). Raises SetupError for a
    file that is not such a table; the values are checked by `validate_group_rows`.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SetupError(
            _(
                "Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí %(at)d): trong Excel chọn "
                "'Lưu thành' → 'CSV UTF-8 (Comma delimited)'.",
                at=exc.start,
            )
        ) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # reader.line_num after a record is its last line: the number a spreadsheet shows.
        records = [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        raise SetupError(
            _(
                "Dòng %(line)d: không phải tệp CSV hợp lệ (%(error)s).",
                line=reader.line_num,
                error=exc,
            )
        ) from None
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise SetupError(_("Tệp trống: cần dòng tiêu đề name,children,residents."))
    header_line, header = records[0]
    names = [clean_text(cell).lower() for cell in header]
    while names and not names[-1]:  # spreadsheets often save trailing empty columns
        names.pop()
    if sorted(names) != sorted(GROUP_COLUMNS):
        raise SetupError(
            _(
                "Dòng %(line)d: dòng tiêu đề phải là name,children,residents (đang là %(found)s).",
                line=header_line,
                found=",".join(names) or "-",
            )
        )
    rows: list[dict[str, Any]] = []
    errors = []
    for line, cells in records[1:]:
        if any(cell.strip() for cell in cells[len(names) :]):
            errors.append(
                _(
                    "Dòng %(row)d: %(got)d giá trị, cần %(want)d.",
                    row=line,
                    got=len(cells),
                    want=len(names),
                )
            )
            continue
        rows.append({**dict(zip(names, cells, strict=False)), "row": line})
    if errors:
        raise SetupError(errors)
    return rows

"""`cfw score INPUT.json`: score a ward's entered values and show what it still needs.

Exit status: 0 when scored (recognised or not), 1 for a bad rule file, 2 for invalid input
(every error listed). Plain click and the pure ``assessment`` package only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assessment import (
    RATE_UNITS,
    GapPlan,
    IndicatorResult,
    InputError,
    InvalidInputs,
    RuleSet,
    Scorecard,
    gap_analysis,
    locality_error,
    looks_like_path,
)
from assessment import score as score_inputs
from survey_app.commands.rules import fit, load_rules_or_exit, mark

# Top-level keys of an input document besides "inputs"; keys starting with "_" are comments.
_DOCUMENT_KEYS = ("ward", "period", "rules", "locality", "note")


def _fail(errors: list[str]) -> None:
    for line in errors:
        click.echo(f"error: {line}", err=True)
    sys.exit(2)


def _read_document(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail([f"{path}: cannot read JSON / không đọc được tệp JSON: {exc}"])
    if not isinstance(doc, dict):
        _fail([f"{path}: the document must be a JSON object / tệp phải là một đối tượng JSON"])
    if "inputs" not in doc:
        # A bare mapping of inputs is accepted too.
        return {"inputs": {k: v for k, v in doc.items() if not k.startswith("_")}}
    unknown = [k for k in doc if k != "inputs" and k not in _DOCUMENT_KEYS and k[:1] != "_"]
    if unknown or not isinstance(doc["inputs"], dict):
        _fail(
            [f"{path}: unknown top-level key / khóa không hợp lệ: {k}" for k in unknown]
            + ([] if isinstance(doc["inputs"], dict) else [f"{path}: 'inputs' must be an object"])
        )
    return doc


def _rules_argument(option: str | None, doc: dict[str, Any], input_path: Path) -> str | None:
    """--rules wins; otherwise the document's "rules", a path resolved next to the document."""
    if option:
        return option
    named = doc.get("rules")
    if isinstance(named, str) and looks_like_path(named):
        return str((input_path.parent / named).resolve())
    return named if isinstance(named, str) else None


def _error_lines(errors: tuple[InputError, ...] | list[InputError]) -> list[str]:
    return [f"{e.message('vi')} / {e.message('en')}" for e in errors]


@click.command()
@click.argument("input_file", type=click.Path(dir_okay=False, path_type=Path), metavar="INPUT.json")
@click.option(
    "--rules", "rules_arg", metavar="VERSION|PATH", help="Rule set (default: the file's)."
)
@click.option("--locality", metavar="TYPE", help="Locality type (default: the file's).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def score(input_file: Path, rules_arg: str | None, locality: str | None, fmt: str) -> None:
    """Score INPUT.json (entered counts and yes/no facts) and show the gap to recognition."""
    doc = _read_document(input_file)
    rs = load_rules_or_exit(_rules_argument(rules_arg, doc, input_file))
    locality = locality or doc.get("locality")
    if not isinstance(locality, str) or not locality:
        known = ", ".join(loc.id for loc in rs.localities)
        _fail(
            [
                "Chưa có loại địa bàn: dùng --locality hoặc khóa 'locality' / "
                f"locality type missing: pass --locality or set 'locality' (known: {known})"
            ]
        )
    if rs.locality(str(locality)) is None:
        _fail(_error_lines([locality_error(str(locality), rs)]))
    try:
        card = score_inputs(doc["inputs"], rs, str(locality))
    except InvalidInputs as exc:
        _fail(_error_lines(exc.errors))
    plan = gap_analysis(card, rs)
    if fmt == "json":
        out = {"ward": doc.get("ward"), "period": doc.get("period")} | card.to_dict()
        out["gaps"] = plan.to_dict() if plan else None
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _print_table(doc, rs, card, plan)


def _value_text(ind: IndicatorResult) -> str:
    if ind.missing:
        return "missing"
    if ind.empty_denominator:
        return "no cases"
    if ind.value is None:
        return "yes" if ind.points == ind.max_points else "no"
    unit = RATE_UNITS[ind.scale].get("en") if ind.scale in RATE_UNITS else "%"
    return f"{ind.value:.2f}{unit}"


def _row(width: int, num: str, name: str, value: str = "", points: Any = "", top: Any = "") -> str:
    """One line of the score table: number, name, value, points, maximum."""
    return f"{num:>3}  {fit(name, width)} {value:>10} {points!s:>6} {top!s:>5}".rstrip()


def _print_table(doc: dict[str, Any], rs: RuleSet, card: Scorecard, plan: GapPlan | None) -> None:
    echo = click.echo
    if doc.get("ward"):
        echo(f"{doc['ward']}" + (f" — {doc['period']}" if doc.get("period") else ""))
    loc = rs.locality(card.locality)
    label = loc.label.vi if loc else card.locality
    echo(f"Rules {card.rules_version} ({rs.status}) · locality {card.locality}: {label}\n")
    width = max(len(c.name.vi) for c in card.criteria)
    echo(_row(width, "#", "Tiêu chí / Indicator", "Value", "Points", "Max") + "  Verified")
    for c in card.criteria:
        zero = "  ZERO" if c.zeroed else ""
        echo(_row(width, str(c.number), c.name.vi, "", c.points, c.max_points) + "  ", nl=False)
        echo(mark(c.verified) + zero)
        for t in c.triggers:
            if t.fired:
                echo(_row(width, "!", f"  {t.label.vi}", str(t.count), "→ 0"))
        for i in c.indicators:
            line = _row(width, "", f"  {i.label.en}", _value_text(i), i.points, i.max_points)
            echo(f"{line}  {mark(i.verified)}")
    echo(_row(width, "", "Tổng điểm / Total", "", card.total, card.max_total))
    echo(_row(width, "", "Ngưỡng / Threshold", "", card.threshold))
    verdict = "ĐẠT / RECOGNISED" if card.recognised else "CHƯA ĐẠT / NOT RECOGNISED"
    echo(f"\nKết quả / Result: {verdict}")
    for reason in card.reasons:
        echo(f"  - {reason.message('vi')}\n    {reason.message('en')}")
    if plan:
        _print_plan(plan)
    if card.provisional:
        echo(
            f"\n* {len(card.provisional)} provisional rule row(s) used: scores are provisional "
            "(check against Decision 06/QĐ-TTg, Art. 2(2))"
        )
    echo(f"inputs sha256 {card.inputs_sha256} · rules sha256 {card.rules_sha256[:12]}")


def _print_plan(plan: GapPlan) -> None:
    echo = click.echo
    echo(f"\nCần cải thiện / What it takes (shortfall {plan.shortfall} points):")
    for vi, en in zip(plan.blocked_messages("vi"), plan.blocked_messages("en"), strict=True):
        echo(f"  ! {vi}\n    {en}")
    if plan.missing:
        echo(f"  ! Nhập đủ số liệu / enter the missing inputs first: {', '.join(plan.missing)}")
    for step in plan.steps:
        echo(f"  + {step.message('vi')}\n    {step.message('en')}")
    status = "reaches" if plan.reachable else "does NOT reach"
    echo(f"  = +{plan.gain} points: {status} recognition")

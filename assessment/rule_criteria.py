"""Build the criteria of a rule file: their inputs, indicators, zero triggers and references.

Each function records problems on the ``RowChecker`` it is given (never raises), so the caller,
``assessment.rule_validation.build_ruleset``, reports every problem of a file at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.rule_checker import RowChecker, check_bands, keys_of
from assessment.ruletypes import (
    RATE_FACTORS,
    SCALE_KINDS,
    Criterion,
    Indicator,
    InputSpec,
    Unit,
    ZeroTrigger,
)
from assessment.survey.formula import SurveyFormula


def build_inputs(ck: RowChecker, raw: Any, path: str, group: str) -> list[InputSpec]:
    """The input specs of the table ``raw`` at ``path``; each key becomes "<group>.<name>"."""
    out = []
    for name, row in ck.table(raw, path, (), keys_of(raw)).items():
        rpath = f"{path}.{name}"
        obj = ck.table(row, rpath, ("type", "label"), ("unit", "min", "max", "actionable"))
        kind = obj.get("type")
        if kind == "count":
            if "max" not in obj or "unit" not in obj:
                ck.error(rpath, "a count needs 'unit' and 'max' (its valid range)")
            minimum = ck.integer(obj, "min", rpath, 0)
            maximum = ck.integer(obj, "max", rpath, max(minimum, 1)) if "max" in obj else None
            unit = ck.text(obj, "unit", rpath) if "unit" in obj else None
        elif kind == "yes_no":
            if "unit" in obj or "min" in obj or "max" in obj:
                ck.error(rpath, "a yes_no input has no unit or range")
            minimum, maximum, unit = 0, None, None
        else:
            ck.error(f"{rpath}.type", f"unknown input type '{kind}' (known: count, yes_no)")
            minimum, maximum, unit = 0, None, None
        label = ck.text(obj, "label", rpath)
        actionable = ck.boolean(obj, "actionable", rpath, True)
        spec = InputSpec(
            f"{group}.{name}", group, str(kind), label, unit, minimum, maximum, actionable
        )
        out.append(spec)
    return out


_IND_REQUIRED = ("id", "label", "scale", "max", "verified", "source")
_RATE_KEYS = ("events", "population", "higher_is_better", "bands")
_IND_BY_SCALE = {
    "percent": ("numerator", "denominator", "higher_is_better", "bands"),
    **{kind: _RATE_KEYS for kind in RATE_FACTORS if kind != "percent"},
    "yes_no": ("fact",),
    "all_or_nothing": ("facts",),
    "survey": ("satisfied", "valid"),
}


def build_criterion(
    ck: RowChecker,
    cid: str,
    number: int,
    raw: Any,
    units: tuple[Unit, ...],
) -> tuple[Criterion, list[InputSpec]]:
    """The criterion ``cid`` (the ``number``-th of the file) and the inputs it declares."""
    path = f"criteria.{cid}"
    obj = ck.table(
        raw,
        path,
        ("name", "unit", "max", "verified", "source", "indicators"),
        ("note", "inputs", "zero_triggers"),
    )
    max_points = ck.integer(obj, "max", path, 0)
    unit = obj.get("unit", "")
    if "unit" in obj and not any(u.id == unit for u in units):
        ck.error(f"{path}.unit", f"unknown unit '{unit}'")
    own_inputs = build_inputs(ck, obj.get("inputs", {}), f"{path}.inputs", cid)
    indicators = _indicators(ck, obj.get("indicators", []), path)
    triggers = _triggers(ck, obj.get("zero_triggers", []), path)
    if indicators and sum(i.max_points for i in indicators) != max_points:
        ck.error(
            f"{path}.indicators",
            f"indicator maxima add up to {sum(i.max_points for i in indicators)}, "
            f"but the criterion max is {max_points}",
        )
    criterion = Criterion(
        cid,
        number,
        path,
        ck.text(obj, "name", path),
        str(unit),
        max_points,
        ck.provenance(obj, path),
        tuple(indicators),
        tuple(triggers),
    )
    return criterion, own_inputs


def _indicators(ck: RowChecker, raw: Any, cpath: str) -> list[Indicator]:
    if not isinstance(raw, list) or not raw:
        ck.error(f"{cpath}.indicators", "needs at least one indicator")
        return []
    out: list[Indicator] = []
    seen: set[str] = set()
    for i, row in enumerate(raw):
        path = f"{cpath}.indicators[{i}]"
        scale = row.get("scale") if isinstance(row, dict) else None
        if scale not in SCALE_KINDS:
            ck.error(
                f"{path}.scale", f"unknown scale kind '{scale}' (known: {', '.join(SCALE_KINDS)})"
            )
        extra = _IND_BY_SCALE.get(scale, ())
        optional = ("note", "if_denominator_zero") if scale in RATE_FACTORS else ("note",)
        if scale not in SCALE_KINDS:
            # Unknown kind: accept every kind's keys so the one real error is not buried.
            optional += tuple(k for keys in _IND_BY_SCALE.values() for k in keys)
        obj = ck.table(row, path, _IND_REQUIRED + extra, optional)
        iid = str(obj.get("id", ""))
        if iid in seen:
            ck.error(f"{path}.id", f"duplicate indicator id '{iid}'")
        seen.add(iid)
        max_points = ck.integer(obj, "max", path, 0)
        hib = ck.boolean(obj, "higher_is_better", path, True)
        empty = obj.get("if_denominator_zero", "zero")
        if empty not in ("zero", "full"):
            ck.error(f"{path}.if_denominator_zero", "must be 'zero' or 'full'")
        bands = (
            check_bands(ck, obj.get("bands"), f"{path}.bands", hib, max_points, str(scale))
            if "bands" in extra
            else ()
        )
        facts = (obj.get("fact"),) if scale == "yes_no" else tuple(obj.get("facts", ()))
        if scale == "all_or_nothing" and len(facts) < 2:
            ck.error(f"{path}.facts", "an all_or_nothing item needs at least two facts")
        out.append(
            Indicator(
                id=iid,
                path=path,
                label=ck.text(obj, "label", path),
                scale=str(scale),
                max_points=max_points,
                provenance=ck.provenance(obj, path),
                numerator=obj.get("numerator", obj.get("events")),
                denominator=obj.get("denominator", obj.get("population")),
                facts=tuple(f for f in facts if f is not None),
                satisfied=_pairs(ck, obj.get("satisfied"), f"{path}.satisfied"),
                valid=_pairs(ck, obj.get("valid"), f"{path}.valid"),
                higher_is_better=hib,
                if_denominator_zero=str(empty),
                bands=bands,
            )
        )
    return out


def _pairs(ck: RowChecker, raw: Any, path: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        ck.error(path, "must be a table audience = input key")
        return ()
    return tuple((str(k), str(v)) for k, v in raw.items())


def _triggers(ck: RowChecker, raw: Any, cpath: str) -> list[ZeroTrigger]:
    if not isinstance(raw, list):
        ck.error(f"{cpath}.zero_triggers", "must be a list of tables")
        return []
    out: list[ZeroTrigger] = []
    for i, row in enumerate(raw):
        path = f"{cpath}.zero_triggers[{i}]"
        obj = ck.table(row, path, ("id", "label", "count", "verified", "source"), ("note",))
        tid = str(obj.get("id", ""))
        if any(t.id == tid for t in out):
            ck.error(f"{path}.id", f"duplicate zero-trigger id '{tid}'")
        label = ck.text(obj, "label", path)
        out.append(
            ZeroTrigger(tid, path, label, str(obj.get("count", "")), ck.provenance(obj, path))
        )
    return out


def check_references(
    ck: RowChecker, criterion: Criterion, known: Mapping[str, InputSpec], survey: SurveyFormula
) -> None:
    """Each indicator reads existing inputs of the right type (counts for rates, yes/no facts)."""

    def expect(key: Any, path: str, kind: str) -> None:
        spec = known.get(key) if isinstance(key, str) else None
        if spec is None:
            ck.error(path, f"unknown input '{key}'")
        elif spec.type != kind:
            ck.error(path, f"input '{key}' is {spec.type}, expected {kind}")

    for trig in criterion.zero_triggers:
        expect(trig.count, f"{trig.path}.count", "count")
    for ind in criterion.indicators:
        for key in (ind.numerator, ind.denominator):
            if ind.scale in RATE_FACTORS:
                expect(key, ind.path, "count")
        for key in ind.facts:
            expect(key, f"{ind.path}.facts", "yes_no")
        if ind.scale == "survey":
            for name, pairs in (("satisfied", ind.satisfied), ("valid", ind.valid)):
                if tuple(a for a, _ in pairs) != survey.audiences:
                    ck.error(
                        f"{ind.path}.{name}",
                        f"must map exactly the audiences {list(survey.audiences)}",
                    )
                for _, key in pairs:
                    expect(key, f"{ind.path}.{name}", "count")
            if survey.bands and ind.max_points != survey.bands[0].points:
                ck.error(
                    f"{ind.path}.max", f"must equal the best survey band ({survey.bands[0].points})"
                )

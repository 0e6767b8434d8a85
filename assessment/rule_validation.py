"""Check a parsed rule file and build a ``RuleSet``, collecting every error with its row path.

This module checks the file's frame (meta, recognition, localities, units, the survey formula);
``assessment.rule_criteria`` builds the criteria table inside it.

Every check appends to one list instead of raising, so an author fixing a file sees all its
problems at once; ``build_ruleset`` raises ``RuleSetError`` at the end if the list is not empty.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assessment.rule_checker import PROVENANCE_KEYS as _PROV
from assessment.rule_checker import RowChecker, check_bands, keys_of
from assessment.rule_criteria import build_criterion, build_inputs, check_references
from assessment.ruletypes import (
    LOCALITY_TYPES,
    BandRow,
    Locality,
    Procedure,
    Provenance,
    Recognition,
    RuleSet,
    RuleSetError,
    Unit,
)
from assessment.survey.formula import SurveyFormula


def build_ruleset(data: dict, file: str, sha256: str) -> RuleSet:
    """Validate parsed TOML ``data`` from ``file`` and return the RuleSet, or raise RuleSetError."""
    ck = RowChecker(file)
    ck.table(
        data,
        "(top)",
        ("meta", "recognition", "localities", "units", "criteria", "survey"),
        ("shared_inputs", "procedure"),
    )
    meta = ck.table(
        data.get("meta", {}),
        "meta",
        ("id", "version", "title", "total", "effective", "status"),
        (*_PROV, "supersedes"),
    )
    total = ck.integer(meta, "total", "meta", 1)
    title = ck.text(meta, "title", "meta")
    meta_prov = ck.provenance(meta, "meta")
    ident = {k: ck.string(meta, k, "meta") for k in ("id", "version", "status")}
    effective = meta.get("effective")
    if "effective" in meta and not isinstance(effective, date):
        ck.error("meta.effective", "must be a date (YYYY-MM-DD)")
    supersedes = ck.string(meta, "supersedes", "meta") if "supersedes" in meta else None
    if supersedes is not None and supersedes == ident["version"]:
        ck.error("meta.supersedes", "a version cannot supersede itself")
    # Optional: files released before the section existed state no procedure (None).
    procedure = _procedure(ck, data["procedure"]) if "procedure" in data else None
    recognition = _recognition(ck, data.get("recognition", {}))
    localities = _localities(ck, data.get("localities", {}), total)
    units = _units(ck, data.get("units", {}))
    inputs = build_inputs(ck, data.get("shared_inputs", {}), "shared_inputs", "ward")
    survey, survey_prov, survey_bands = _survey(ck, data.get("survey", {}))
    criteria_raw = ck.table(data.get("criteria", {}), "criteria", (), keys_of(data.get("criteria")))
    criteria = []
    for number, (cid, raw) in enumerate(criteria_raw.items(), start=1):
        criterion, own_inputs = build_criterion(ck, cid, number, raw, units)
        criteria.append(criterion)
        inputs += own_inputs
    known_inputs = {spec.key: spec for spec in inputs}
    for criterion in criteria:
        check_references(ck, criterion, known_inputs, survey)
    if criteria and sum(c.max_points for c in criteria) != total:
        ck.error(
            "criteria",
            f"criterion maxima add up to {sum(c.max_points for c in criteria)}, "
            f"but meta.total is {total}",
        )
    if ck.errors:
        raise RuleSetError(ck.errors)
    return RuleSet(
        id=ident["id"],
        version=ident["version"],
        title=title,
        total=total,
        effective=effective,
        status=ident["status"],
        provenance=meta_prov,
        recognition=recognition,
        localities=localities,
        units=units,
        criteria=tuple(criteria),
        inputs=tuple(inputs),
        survey=survey,
        survey_provenance=survey_prov,
        survey_bands=survey_bands,
        source_path=file,
        sha256=sha256,
        supersedes=supersedes or None,
        procedure=procedure,
    )


def _recognition(ck: RowChecker, raw: Any) -> Recognition:
    obj = ck.table(raw, "recognition", ("no_zero_criterion", "all_inputs_required"), _PROV)
    return Recognition(
        ck.boolean(obj, "no_zero_criterion", "recognition", True),
        ck.boolean(obj, "all_inputs_required", "recognition", True),
        ck.provenance(obj, "recognition"),
    )


def _procedure(ck: RowChecker, raw: Any) -> Procedure:
    obj = ck.table(raw, "procedure", ("posting_min_days",), _PROV)
    days = ck.integer(obj, "posting_min_days", "procedure", 1)
    return Procedure(days, "procedure", ck.provenance(obj, "procedure"))


def _localities(ck: RowChecker, raw: Any, total: int) -> tuple[Locality, ...]:
    out = []
    for lid, row in ck.table(raw, "localities", (), keys_of(raw)).items():
        path = f"localities.{lid}"
        if lid not in LOCALITY_TYPES:
            ck.error(path, f"unknown locality '{lid}' (known: {', '.join(LOCALITY_TYPES)})")
        obj = ck.table(row, path, ("label", "threshold"), _PROV)
        threshold = ck.integer(obj, "threshold", path, 1)
        if threshold > total:
            ck.error(f"{path}.threshold", f"{threshold} is above meta.total {total}")
        out.append(
            Locality(lid, path, ck.text(obj, "label", path), threshold, ck.provenance(obj, path))
        )
    for lid in LOCALITY_TYPES:
        if not any(loc.id == lid for loc in out):
            ck.error("localities", f"no threshold for locality '{lid}'")
    return tuple(out)


def _units(ck: RowChecker, raw: Any) -> tuple[Unit, ...]:
    out = []
    for uid, row in ck.table(raw, "units", (), keys_of(raw)).items():
        obj = ck.table(row, f"units.{uid}", ("name",), ())
        out.append(Unit(uid, ck.text(obj, "name", f"units.{uid}")))
    return tuple(out)


def _survey(ck: RowChecker, raw: Any) -> tuple[SurveyFormula, Provenance, tuple[BandRow, ...]]:
    fields = (
        "satisfied_values",
        "dont_know_value",
        "audiences",
        "combine",
        "overall_question",
        "bands",
    )
    obj = ck.table(raw, "survey", fields, _PROV)
    values = obj.get("satisfied_values", [])
    if not isinstance(values, list) or not values or not all(type(v) is int for v in values):
        ck.error("survey.satisfied_values", "must be a non-empty list of answer codes")
        values = []
    audiences = obj.get("audiences", [])
    if (
        not isinstance(audiences, list)
        or not audiences
        or not all(isinstance(a, str) for a in audiences)
    ):
        ck.error("survey.audiences", "must be a non-empty list of audience names")
        audiences = []
    if obj.get("combine") not in ("mean", "pooled"):
        ck.error("survey.combine", "must be 'mean' or 'pooled'")
    bands = obj.get("bands", [])
    top = (
        bands[0].get("points", 0)
        if isinstance(bands, list) and bands and isinstance(bands[0], dict)
        else 0
    )
    rows = check_bands(
        ck, bands, "survey.bands", True, top if isinstance(top, int) else 0, "percent"
    )
    formula = SurveyFormula(
        satisfied_values=tuple(values),
        dont_know_value=ck.integer(obj, "dont_know_value", "survey", 0),
        audiences=tuple(audiences),
        combine=str(obj.get("combine", "mean")),
        overall_question=ck.string(obj, "overall_question", "survey", "overall"),
        bands=tuple(r.band for r in rows),
    )
    return formula, ck.provenance(obj, "survey"), rows

"""The scoring engine: a pure function of (inputs, rule set, locality type) to a Scorecard.

Staff enter raw counts and yes/no facts; this module computes rates, applies the bands and
zero triggers of the rule file, and decides recognition with every reason it is withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assessment.bands import points_for
from assessment.inputs import (
    InvalidInputs,
    Value,
    canonical_inputs,
    inputs_sha256,
    locality_error,
    validate_inputs,
)
from assessment.ruletypes import (
    RATE_FACTORS,
    BandRow,
    Indicator,
    Provenance,
    RuleSet,
    Text,
    ZeroTrigger,
)
from assessment.survey.formula import AudienceCounts

_REASONS: dict[str, dict[str, str]] = {
    "below_threshold": {
        "vi": "Tổng điểm {total}/{max_total} thấp hơn ngưỡng {threshold} điểm: "
        "còn thiếu {shortfall} điểm",
        "en": "Total {total}/{max_total} is below the threshold of {threshold}: "
        "{shortfall} points short",
    },
    "criterion_zero": {
        "vi": "Tiêu chí {number} ({name_vi}) đạt 0 điểm",
        "en": "Criterion {number} ({name_en}) has 0 points",
    },
    "zero_trigger": {
        "vi": "Tiêu chí {number} bị tính 0 điểm: {label_vi} ({count})",
        "en": "Criterion {number} is set to 0: {label_en} ({count})",
    },
    "inputs_missing": {
        "vi": "Tiêu chí {number} ({name_vi}) chưa đủ số liệu, còn thiếu: {labels_vi}",
        "en": "Criterion {number} ({name_en}) is incomplete, inputs missing: {labels_en}",
    },
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a ward is not recognised: a stable code and the parameters of its message."""

    code: str
    params: Mapping[str, Any]

    def message(self, lang: str = "vi") -> str:
        """The reason in Vietnamese ("vi", default) or English ("en")."""
        params = dict(self.params)
        for name in ("keys", "labels_vi", "labels_en"):
            if isinstance(params.get(name), list | tuple):
                params[name] = "; ".join(params[name])
        return _REASONS[self.code]["en" if lang == "en" else "vi"].format(**params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with both renderings."""
        return {
            "code": self.code,
            "params": dict(self.params),
            "vi": self.message("vi"),
            "en": self.message("en"),
        }


@dataclass(frozen=True, slots=True)
class ProvisionalRow:
    """A rule row used in a score that is not verified against the official text."""

    path: str
    note: str


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator: its computed rate (None for yes/no or when not computable) and points."""

    id: str
    label: Text
    scale: str
    value: float | None
    points: int
    max_points: int
    missing: tuple[str, ...]
    provisional: tuple[ProvisionalRow, ...]
    empty_denominator: bool = False

    @property
    def verified(self) -> bool:
        """True when every rule row that decided these points is verified."""
        return not self.provisional


@dataclass(frozen=True, slots=True)
class TriggerResult:
    """A zero trigger: the event count entered (None when missing) and whether it fired."""

    id: str
    label: Text
    count: int | None
    fired: bool


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """Points of one criterion, with its indicators, triggers and provisional rows used."""

    id: str
    number: int
    name: Text
    unit: str
    points: int
    max_points: int
    indicators: tuple[IndicatorResult, ...]
    triggers: tuple[TriggerResult, ...]
    missing: tuple[str, ...]
    provisional: tuple[ProvisionalRow, ...]

    @property
    def verified(self) -> bool:
        """False as soon as any provisional rule row was used."""
        return not self.provisional

    @property
    def complete(self) -> bool:
        """True when every input of the criterion was entered."""
        return not self.missing

    @property
    def zeroed(self) -> bool:
        """True when a zero trigger set the criterion to 0."""
        return any(t.fired for t in self.triggers)


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The result of ``score``: per-criterion points, total, recognition and every reason."""

    rules_version: str
    rules_sha256: str
    locality: str
    threshold: int
    total: int
    max_total: int
    recognised: bool
    reasons: tuple[Reason, ...]
    criteria: tuple[CriterionScore, ...]
    provisional: tuple[ProvisionalRow, ...]
    inputs: Mapping[str, Value] = field(repr=False)
    inputs_sha256: str = ""
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``inputs`` is the canonical text the hash was computed from."""
        return {
            "rules": {"version": self.rules_version, "sha256": self.rules_sha256},
            "locality": self.locality,
            "total": self.total,
            "max_total": self.max_total,
            "threshold": self.threshold,
            "recognised": self.recognised,
            "verified": not self.provisional,
            "reasons": [r.to_dict() for r in self.reasons],
            "provisional": [{"path": p.path, "note": p.note} for p in self.provisional],
            "missing": list(self.missing),
            "inputs": canonical_inputs(self.inputs),
            "inputs_sha256": self.inputs_sha256,
            "criteria": [_criterion_dict(c) for c in self.criteria],
        }


def _criterion_dict(c: CriterionScore) -> dict[str, Any]:
    return {
        "id": c.id,
        "number": c.number,
        "name": {"vi": c.name.vi, "en": c.name.en},
        "unit": c.unit,
        "points": c.points,
        "max_points": c.max_points,
        "verified": c.verified,
        "complete": c.complete,
        "zeroed": c.zeroed,
        "missing": list(c.missing),
        "zero_triggers": [{"id": t.id, "count": t.count, "fired": t.fired} for t in c.triggers],
        "indicators": [
            {
                "id": i.id,
                "label": {"vi": i.label.vi, "en": i.label.en},
                "scale": i.scale,
                "value": i.value,
                "points": i.points,
                "max_points": i.max_points,
                "verified": i.verified,
                "missing": list(i.missing),
                "empty_denominator": i.empty_denominator,
            }
            for i in c.indicators
        ],
    }


def _rows(*rows: tuple[str, Provenance]) -> tuple[ProvisionalRow, ...]:
    return tuple(ProvisionalRow(path, prov.note) for path, prov in rows if not prov.verified)


def _band_rows_used(bands: tuple[BandRow, ...], points: int) -> list[tuple[str, Provenance]]:
    """The matched band and every better band: their bounds all decided the outcome."""
    used = []
    for row in bands:
        used.append((row.path, row.provenance))
        if row.band.points == points:
            break
    return used


def evaluate_indicator(
    ind: Indicator, values: Mapping[str, Value], rules: RuleSet
) -> IndicatorResult:
    """Points of one indicator from entered ``values``; missing inputs give 0 points, reported."""
    missing = tuple(k for k in ind.input_keys if k not in values)
    used: list[tuple[str, Provenance]] = [(ind.path, ind.provenance)]
    value: float | None = None
    points = 0
    empty = False
    if ind.scale in RATE_FACTORS:
        num, den = values.get(ind.numerator or ""), values.get(ind.denominator or "")
        if num is not None and den is not None:
            if den == 0:
                empty = True
                points = ind.max_points if ind.if_denominator_zero == "full" else 0
                note = f"no cases: {ind.if_denominator_zero} points (project rule)"
                used.append((f"{ind.path}.if_denominator_zero", Provenance(False, "project", note)))
            else:
                value = RATE_FACTORS[ind.scale] * num / den
                points = points_for(ind.plain_bands, value, ind.higher_is_better)
                used += _band_rows_used(ind.bands, points)
    elif ind.scale in ("yes_no", "all_or_nothing"):
        if not missing and all(values[k] is True for k in ind.facts):
            points = ind.max_points
    elif ind.scale == "survey" and not missing:
        counts = {
            aud: AudienceCounts(int(values[s]), int(values[v]))
            for (aud, s), (_, v) in zip(ind.satisfied, ind.valid, strict=True)
        }
        value = rules.survey.combined_rate(counts)
        points = rules.survey.points(value) if value is not None else 0
        used.append(("survey", rules.survey_provenance))
        used += _band_rows_used(rules.survey_bands, points)
    return IndicatorResult(
        ind.id, ind.label, ind.scale, value, points, ind.max_points, missing, _rows(*used), empty
    )


def _trigger(trigger: ZeroTrigger, count: Value | None) -> TriggerResult:
    # A missing count does not fire: the criterion is reported incomplete instead.
    return TriggerResult(trigger.id, trigger.label, count, count is not None and int(count) > 0)


def score(inputs: Mapping[str, Any], rules: RuleSet, locality: str) -> Scorecard:
    """Score raw ``inputs`` (flat "c2.births" keys or groups) under ``rules`` for ``locality``.

    Raises ``InvalidInputs`` listing every invalid value (and an unknown locality type). Missing
    values are not errors: the criteria they feed get the points that are computable and the
    scorecard lists them as incomplete.
    """
    loc = rules.locality(locality)
    try:
        checked = validate_inputs(inputs, rules)
    except InvalidInputs as exc:
        raise InvalidInputs(
            ([] if loc else [locality_error(locality, rules)]) + list(exc.errors)
        ) from None
    if loc is None:
        raise InvalidInputs([locality_error(locality, rules)])
    values = checked.values
    criteria = []
    for crit in rules.criteria:
        results = tuple(evaluate_indicator(ind, values, rules) for ind in crit.indicators)
        triggers = tuple(_trigger(t, values.get(t.count)) for t in crit.zero_triggers)
        used = [(crit.path, crit.provenance)] + [(t.path, t.provenance) for t in crit.zero_triggers]
        provisional = _rows(*used) + tuple(p for r in results for p in r.provisional)
        points = 0 if any(t.fired for t in triggers) else sum(r.points for r in results)
        missing = tuple(k for k in crit.input_keys if k not in values)
        criteria.append(
            CriterionScore(
                crit.id, crit.number, crit.name, crit.unit, points, crit.max_points,
                results, triggers, missing, provisional,
            )
        )  # fmt: skip
    total = sum(c.points for c in criteria)
    used_top = [("meta", rules.provenance), (loc.path, loc.provenance)]
    used_top.append(("recognition", rules.recognition.provenance))
    provisional = _rows(*used_top) + tuple(p for c in criteria for p in c.provisional)
    reasons = _reasons(criteria, total, rules, loc.threshold)
    return Scorecard(
        rules_version=rules.version,
        rules_sha256=rules.sha256,
        locality=loc.id,
        threshold=loc.threshold,
        total=total,
        max_total=rules.total,
        recognised=not reasons,
        reasons=tuple(reasons),
        criteria=tuple(criteria),
        provisional=tuple(dict.fromkeys(provisional)),
        inputs=dict(values),
        inputs_sha256=inputs_sha256(values),
        missing=checked.missing,
    )


def _reasons(
    criteria: list[CriterionScore], total: int, rules: RuleSet, threshold: int
) -> list[Reason]:
    """Every reason recognition is withheld, most decisive first."""
    reasons = []
    if total < threshold:
        params = {
            "total": total,
            "max_total": rules.total,
            "threshold": threshold,
            "shortfall": threshold - total,
        }
        reasons.append(Reason("below_threshold", params))
    for c in criteria:
        named = {"criterion": c.id, "number": c.number, "name_vi": c.name.vi, "name_en": c.name.en}
        if not (rules.recognition.no_zero_criterion and c.points == 0):
            continue
        reasons.append(Reason("criterion_zero", named))
        for t in c.triggers:
            if t.fired:
                params = {"criterion": c.id, "number": c.number, "trigger": t.id, "count": t.count}
                params |= {"label_vi": t.label.vi, "label_en": t.label.en}
                reasons.append(Reason("zero_trigger", params))
    if rules.recognition.all_inputs_required:
        for c in criteria:
            if c.missing:
                named = {"criterion": c.id, "number": c.number, "name_vi": c.name.vi}
                named |= {"name_en": c.name.en, "keys": list(c.missing)}
                # Staff read labels ("Số trẻ em sinh ra"), not input keys ("c2.births").
                specs = [rules.input(key) for key in c.missing]
                named["labels_vi"] = [
                    s.label.vi if s else k for s, k in zip(specs, c.missing, strict=True)
                ]
                named["labels_en"] = [
                    s.label.en if s else k for s, k in zip(specs, c.missing, strict=True)
                ]
                reasons.append(Reason("inputs_missing", named))
    return reasons

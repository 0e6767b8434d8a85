"""Gap analysis: what a ward still needs, in its own terms ("3 more births registered on time").

For each indicator we list the *band steps* it can still climb, each with the smallest change of
one entered count (or yes/no fact) that reaches the band; the points of a changed value always
come from ``scoring.evaluate_indicator``, so the gap analysis never re-implements the bands.

Then a small exact search picks the cheapest set of steps that reaches the threshold and lifts
every criterion at 0 points:

1. per criterion, combine its indicators' steps (at most one step per indicator) into a frontier
   "points gained -> cheapest way" (a multiple-choice knapsack; criteria have <= 3 indicators);
2. across criteria, a dynamic programme over points gained (capped at the shortfall) keeps the
   cheapest combination; a criterion at 0 must contribute a positive gain.

Steps that only change counts of past events (inputs marked ``actionable = false``, e.g. abuse
cases) are shown per criterion but left out of the plan: a ward cannot act on them this round.
Cost is the sum of the counts changed (a yes/no fact costs 1), ties broken by fewer steps: it
favours what a ward can most plausibly change. Zero triggers that fired (e.g. a child's death
from an accident) cannot be undone within a round: they are reported as blocking, not planned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assessment.inputs import Value
from assessment.ruletypes import RATE_FACTORS, Criterion, Indicator, RuleSet, Text
from assessment.scoring import CriterionScore, Scorecard, TriggerResult, evaluate_indicator

# A product choice, not a number of the standard: wards this close above their threshold are
# shown where they could still lose or gain points.
DEFAULT_MARGIN = 50

_CHANGE_TEXT = {
    "more": {"vi": "Thêm {n} {label}", "en": "{n} more {label}"},
    "fewer": {"vi": "Giảm {n} {label}", "en": "{n} fewer {label}"},
    "make_true": {"vi": "Cần đạt: {label}", "en": "Achieve: {label}"},
}
_GAIN_TEXT = {"vi": "{changes}: +{gain} điểm", "en": "{changes}: +{gain}"}
_BLOCKED_TEXT = {
    "vi": "Tiêu chí {number} bị tính 0 điểm ({label_vi}): không thể khắc phục trong kỳ này",
    "en": "Criterion {number} is set to 0 ({label_en}): cannot be undone within this round",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One entered value to change: ``amount`` more or fewer counts, or a fact to make true."""

    key: str
    kind: str
    amount: int
    label: Text

    def message(self, lang: str = "vi") -> str:
        """E.g. "Thêm 3 trẻ em được đăng ký khai sinh đúng hạn" / "3 more births registered"."""
        lang = "en" if lang == "en" else "vi"
        return _CHANGE_TEXT[self.kind][lang].format(n=self.amount, label=self.label.get(lang))


@dataclass(frozen=True, slots=True)
class Step:
    """Reaching one better band of one indicator: the changes needed and the points gained."""

    criterion: str
    indicator: str
    changes: tuple[Change, ...]
    gain: int

    @property
    def cost(self) -> int:
        """Counts changed (a yes/no fact counts 1)."""
        return sum(c.amount for c in self.changes)

    def message(self, lang: str = "vi") -> str:
        """E.g. "Thêm 3 trẻ em được đăng ký khai sinh đúng hạn: +20 điểm"."""
        lang = "en" if lang == "en" else "vi"
        changes = "; ".join(c.message(lang) for c in self.changes)
        return _GAIN_TEXT[lang].format(changes=changes, gain=self.gain)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with both renderings."""
        return {
            "criterion": self.criterion,
            "indicator": self.indicator,
            "changes": [{"key": c.key, "kind": c.kind, "amount": c.amount} for c in self.changes],
            "gain": self.gain,
            "cost": self.cost,
            "vi": self.message("vi"),
            "en": self.message("en"),
        }


@dataclass(frozen=True, slots=True)
class CriterionGap:
    """What one criterion can still gain, and the next band step of each of its indicators."""

    criterion: str
    number: int
    name: Text
    points: int
    max_points: int
    next_steps: tuple[Step, ...]

    @property
    def can_gain(self) -> int:
        """Points still available in the criterion (up to its maximum)."""
        return self.max_points - self.points


@dataclass(frozen=True, slots=True)
class GapPlan:
    """The cheapest set of steps that reaches the threshold and lifts every zero criterion."""

    total: int
    threshold: int
    shortfall: int
    reachable: bool
    steps: tuple[Step, ...]
    criteria: tuple[CriterionGap, ...]
    blocked: tuple[Mapping[str, Any], ...]
    missing: tuple[str, ...]

    @property
    def gain(self) -> int:
        """Points the planned steps add."""
        return sum(s.gain for s in self.steps)

    def blocked_messages(self, lang: str = "vi") -> list[str]:
        """Criteria zeroed by a trigger, which no improvement in this round can lift."""
        template = _BLOCKED_TEXT["en" if lang == "en" else "vi"]
        return [template.format(**b) for b in self.blocked]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "total": self.total,
            "threshold": self.threshold,
            "shortfall": self.shortfall,
            "reachable": self.reachable,
            "gain": self.gain,
            "steps": [s.to_dict() for s in self.steps],
            "blocked": [
                dict(b) | {"vi": m}
                for b, m in zip(self.blocked, self.blocked_messages(), strict=True)
            ],
            "missing": list(self.missing),
            "criteria": [
                {
                    "id": g.criterion,
                    "points": g.points,
                    "max_points": g.max_points,
                    "can_gain": g.can_gain,
                    "next_steps": [s.to_dict() for s in g.next_steps],
                }
                for g in self.criteria
            ],
        }


def _first_reaching(points_at: Callable[[int], int], hi: int, target: int) -> int | None:
    """The smallest t in [0, hi] with points_at(t) >= target (points_at never falls as t grows)."""
    if hi < 0 or points_at(hi) < target:
        return None
    lo = 0
    while lo < hi:
        mid = (lo + hi) // 2
        if points_at(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _targets(ind: Indicator, rules: RuleSet, current: int) -> list[int]:
    """Points of the bands above the current points, lowest first."""
    bands = rules.survey.bands if ind.scale == "survey" else ind.plain_bands
    return sorted({b.points for b in bands if b.points > current})


def indicator_steps(
    criterion: Criterion, ind: Indicator, values: Mapping[str, Value], rules: RuleSet
) -> list[Step]:
    """Every better band ``ind`` can reach by changing one entered count or fact, cheapest first."""
    now = evaluate_indicator(ind, values, rules)
    if now.missing or now.points >= ind.max_points:
        return []

    def points(patch: Mapping[str, Value]) -> int:
        return evaluate_indicator(ind, {**values, **patch}, rules).points

    def step(changes: list[Change], new_points: int) -> Step:
        return Step(criterion.id, ind.id, tuple(changes), new_points - now.points)

    if ind.scale in ("yes_no", "all_or_nothing"):
        changes = [
            Change(k, "make_true", 1, _label(rules, k)) for k in ind.facts if values[k] is not True
        ]
        return [step(changes, ind.max_points)]
    steps = []
    if ind.scale in RATE_FACTORS and not now.empty_denominator:
        key = ind.numerator or ""
        n, d = int(values[key]), int(values[ind.denominator or ""])
        if ind.higher_is_better:
            spec = rules.input(key)
            room = d - n if ind.scale == "percent" else (spec.maximum if spec else n) - n
            kind, sign = "more", 1
        else:
            room, kind, sign = n, "fewer", -1
        for target in _targets(ind, rules, now.points):
            t = _first_reaching(lambda t: points({key: n + sign * t}), room, target)
            if t is not None:
                steps.append(step([Change(key, kind, t, _label(rules, key))], target))
    elif ind.scale == "survey":
        steps = _survey_steps(ind, values, rules, now.points, points, step)
    return _cheapest_per_gain(steps)


def _survey_steps(
    ind: Indicator,
    values: Mapping[str, Value],
    rules: RuleSet,
    current: int,
    points: Callable[[Mapping[str, Value]], int],
    step: Callable[[list[Change], int], Step],
) -> list[Step]:
    """More satisfied answers, filling first the audience where one answer weighs most."""
    order = sorted(zip(ind.satisfied, ind.valid, strict=True), key=lambda p: values[p[1][1]])
    rooms = [(s, int(values[s]), int(values[v]) - int(values[s])) for (_, s), (_, v) in order]

    def allocate(total: int) -> dict[str, int]:
        extra = {}
        for key, _, room in rooms:
            extra[key] = min(room, total)
            total -= extra[key]
        return extra

    out = []
    for target in _targets(ind, rules, current):
        hi = sum(room for _, _, room in rooms)
        t = _first_reaching(
            lambda t: points({k: values[k] + e for k, e in allocate(t).items()}), hi, target
        )
        if t is not None:
            changes = [
                Change(k, "more", e, _label(rules, k)) for k, e in allocate(t).items() if e > 0
            ]
            out.append(step(changes, target))
    return out


def _cheapest_per_gain(steps: list[Step]) -> list[Step]:
    """Drop a step when a cheaper or equal-cost step gains as much (the search needs only those)."""
    kept: list[Step] = []
    for s in sorted(steps, key=lambda s: (s.cost, -s.gain)):
        if not kept or s.gain > kept[-1].gain:
            kept.append(s)
    return kept


def _actionable(step: Step, rules: RuleSet) -> bool:
    """False when a step changes a count of past events the rule file marks as not actionable."""
    return all(getattr(rules.input(c.key), "actionable", True) for c in step.changes)


def _label(rules: RuleSet, key: str) -> Text:
    spec = rules.input(key)
    return spec.label if spec else Text(key, key)


_Best = tuple[int, int, tuple[Step, ...]]  # (cost, number of steps, steps)


def _better(candidate: _Best, incumbent: _Best | None) -> bool:
    return incumbent is None or candidate[:2] < incumbent[:2]


def _criterion_frontier(step_lists: list[list[Step]]) -> dict[int, _Best]:
    """Points gained in one criterion -> cheapest choice of at most one step per indicator."""
    frontier: dict[int, _Best] = {0: (0, 0, ())}
    for options in step_lists:
        grown = dict(frontier)
        for gain, (cost, count, chosen) in frontier.items():
            for s in options:
                candidate = (cost + s.cost, count + 1, (*chosen, s))
                if _better(candidate, grown.get(gain + s.gain)):
                    grown[gain + s.gain] = candidate
        frontier = grown
    return frontier


def gap_analysis(card: Scorecard, rules: RuleSet, margin: int = DEFAULT_MARGIN) -> GapPlan | None:
    """The gap plan of a scored ward, or None when it is recognised with more than ``margin``.

    ``card`` must come from ``score(..., rules, ...)``; its stored inputs are the starting point.
    """
    if card.recognised and card.total - card.threshold >= margin:
        return None
    shortfall = max(0, card.threshold - card.total)
    dp: dict[int, _Best] = {0: (0, 0, ())}
    gaps, blocked, reachable = [], [], True
    for crit, result in zip(rules.criteria, card.criteria, strict=True):
        step_lists = [indicator_steps(crit, ind, card.inputs, rules) for ind in crit.indicators]
        gaps.append(_criterion_gap(result, step_lists))
        if result.zeroed:
            blocked += [_blocked(result, t) for t in result.triggers if t.fired]
            reachable = False
            continue
        frontier = _criterion_frontier(
            [[s for s in o if _actionable(s, rules)] for o in step_lists]
        )
        if rules.recognition.no_zero_criterion and result.points == 0 and result.complete:
            lifting = {g: b for g, b in frontier.items() if g > 0}
            reachable = reachable and bool(lifting)
            frontier = lifting or frontier
        dp = _combine(dp, frontier, shortfall)
    if shortfall in dp:
        best = dp[shortfall]
    else:
        reachable = False
        best = dp[max(dp)]
    return GapPlan(
        total=card.total,
        threshold=card.threshold,
        shortfall=shortfall,
        reachable=reachable and not card.missing,
        steps=best[2],
        criteria=tuple(gaps),
        blocked=tuple(blocked),
        missing=card.missing,
    )


def _combine(dp: dict[int, _Best], frontier: dict[int, _Best], cap: int) -> dict[int, _Best]:
    """One knapsack stage: add a criterion's choices, capping gains at the shortfall."""
    out: dict[int, _Best] = {}
    for gain, (cost, count, chosen) in dp.items():
        for extra, (c2, n2, s2) in frontier.items():
            key = min(cap, gain + extra)
            candidate = (cost + c2, count + n2, chosen + s2)
            if _better(candidate, out.get(key)):
                out[key] = candidate
    return out


def _criterion_gap(result: CriterionScore, step_lists: list[list[Step]]) -> CriterionGap:
    next_steps = tuple(options[0] for options in step_lists if options)
    return CriterionGap(
        result.id, result.number, result.name, result.points, result.max_points, next_steps
    )


def _blocked(result: CriterionScore, trigger: TriggerResult) -> dict[str, Any]:
    return {
        "criterion": result.id,
        "number": result.number,
        "trigger": trigger.id,
        "label_vi": trigger.label.vi,
        "label_en": trigger.label.en,
    }

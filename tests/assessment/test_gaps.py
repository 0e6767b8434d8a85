"""Gap analysis: the smallest changes, in the ward's own counts, that reach recognition."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.gaps import gap_analysis, indicator_steps
from assessment.ruleset import load_rules
from assessment.scoring import score

HERE = Path(__file__).parent
RULES = load_rules("qd06-2019")
MINI = load_rules(HERE / "bad_rules" / "_valid.toml")
PERFECT = {
    k: v
    for k, v in json.loads((HERE / "cases" / "perfect_ward.json").read_text("utf-8")).items()
    if not k.startswith("_")
}
EXAMPLE = json.loads((HERE.parents[1] / "examples" / "dinh-ke-2024.json").read_text("utf-8"))


def _apply(values: dict, steps) -> dict:
    out = dict(values)
    for step in steps:
        for change in step.changes:
            if change.kind == "make_true":
                out[change.key] = True
            else:
                sign = 1 if change.kind == "more" else -1
                out[change.key] = out[change.key] + sign * change.amount
    return out


def test_dinh_ke_example_needs_65_points_and_says_how_in_its_own_counts():
    card = score(EXAMPLE["inputs"], RULES, "other")
    assert (card.total, card.recognised) == (785, False)
    plan = gap_analysis(card, RULES)
    assert plan.shortfall == 65 and plan.reachable and plan.gain >= 65
    messages = [s.message() for s in plan.steps]
    assert "Thêm 3 trẻ em được đăng ký khai sinh đúng hạn: +20 điểm" in messages
    assert "3 more births registered on time: +20" in [s.message("en") for s in plan.steps]
    after = score(_apply(card.inputs, plan.steps), RULES, "other")
    assert after.recognised and after.total == card.total + plan.gain


def test_minimum_count_to_reach_the_next_band():
    c2 = RULES.criterion("c2")
    values = {"c2.births": 61, "c2.registered_on_time": 58}
    steps = indicator_steps(c2, c2.indicators[0], values, RULES)
    # 59/61 = 96.7% stays at 30; 60/61 = 98.4% reaches 40; 61/61 reaches 50.
    assert [(s.changes[0].amount, s.gain) for s in steps] == [(2, 10), (3, 20)]


def test_exact_boundary_counts_for_lower_is_better():
    c8 = RULES.criterion("c8")
    stunted = next(i for i in c8.indicators if i.id == "stunted")
    values = {"c8.under5_measured": 200, "c8.stunted": 21}  # 10.5% -> 15 points
    steps = indicator_steps(c8, stunted, values, RULES)
    assert [(s.changes[0].kind, s.changes[0].amount, s.gain) for s in steps] == [("fewer", 1, 10)]
    assert steps[0].message("en") == "1 fewer stunted under-5s: +10"


def test_a_zero_criterion_must_be_lifted():
    inputs = PERFECT | {"c11.forum_held": False, "c11.clubs_active": False}
    inputs |= {"c11.views_in_plan": False}
    card = score(inputs, RULES, "other")
    assert card.total == 950 and not card.recognised
    plan = gap_analysis(card, RULES)
    assert plan.shortfall == 0 and plan.reachable
    assert [s.criterion for s in plan.steps] == ["c11"]
    assert score(_apply(card.inputs, plan.steps), RULES, "other").recognised


def test_a_fired_zero_trigger_blocks_the_plan():
    card = score(PERFECT | {"c5.accident_deaths": 1}, RULES, "other")
    plan = gap_analysis(card, RULES)
    assert not plan.reachable
    assert plan.blocked[0]["criterion"] == "c5"
    assert "không thể khắc phục" in plan.blocked_messages()[0]


def test_recognised_wards_far_above_the_threshold_get_no_plan():
    assert gap_analysis(score(PERFECT, RULES, "other"), RULES) is None


def test_recognised_wards_close_to_the_threshold_see_their_margin():
    inputs = PERFECT | {"c13.child_satisfied": 50, "c13.resident_satisfied": 50}
    card = score(inputs, RULES, "central-city-ward")
    assert card.recognised and card.total == 925
    plan = gap_analysis(card, RULES)
    assert plan is not None and plan.steps == () and plan.reachable
    c13 = next(g for g in plan.criteria if g.criterion == "c13")
    assert c13.can_gain == 75 and c13.next_steps


def test_past_events_are_shown_but_not_planned():
    card = score(PERFECT | {"c3.abused_children": 3, "c3.abused_supported": 3}, RULES, "other")
    plan = gap_analysis(card, RULES, margin=1000)
    c3 = next(g for g in plan.criteria if g.criterion == "c3")
    assert c3.next_steps and c3.next_steps[0].changes[0].kind == "fewer"
    assert all(s.criterion != "c3" for s in plan.steps)


def test_missing_inputs_make_the_plan_unreachable():
    inputs = {k: v for k, v in PERFECT.items() if k != "c9.checked"}
    plan = gap_analysis(score(inputs, RULES, "other"), RULES)
    assert not plan.reachable and plan.missing == ("c9.checked",)
    json.dumps(plan.to_dict())


# ---- exactness against brute force on the small rule set ------------------------------------


@st.composite
def mini_inputs(draw):
    births = draw(st.integers(1, 40))
    child_valid = draw(st.integers(1, 30))
    resident_valid = draw(st.integers(1, 30))
    return {
        "ward.children": draw(st.integers(1, 3000)),
        "c1.births": births,
        "c1.on_time": draw(st.integers(0, births)),
        "c1.incidents": draw(st.integers(0, 5)),
        "c1.deaths": 0,
        "c1.assigned": draw(st.booleans()),
        "c1.board": draw(st.booleans()),
        "c1.reviews": draw(st.booleans()),
        "c2.child_satisfied": draw(st.integers(0, child_valid)),
        "c2.child_valid": child_valid,
        "c2.resident_satisfied": draw(st.integers(0, resident_valid)),
        "c2.resident_valid": resident_valid,
    }


def _brute_force_cost(card):
    """Cheapest (cost, steps) over every choice of at most one step per indicator."""
    options = []
    for crit in MINI.criteria:
        for ind in crit.indicators:
            steps = indicator_steps(crit, ind, card.inputs, MINI)
            options.append([None] + [s for s in steps if "c1.incidents" not in s.changes[0].key])
    best = None
    for choice in itertools.product(*options):
        chosen = [s for s in choice if s]
        after = score(_apply(card.inputs, chosen), MINI, card.locality)
        if after.total >= card.threshold and all(c.points > 0 for c in after.criteria):
            key = (sum(s.cost for s in chosen), len(chosen))
            best = key if best is None or key < best else best
    return best


@settings(max_examples=60)
@given(mini_inputs(), st.sampled_from(["other", "central-city-ward"]))
def test_the_plan_is_as_cheap_as_brute_force_and_reaches_recognition(values, locality):
    card = score(values, MINI, locality)
    plan = gap_analysis(card, MINI)
    if plan is None:
        assert card.recognised
        return
    best = _brute_force_cost(card)
    assert plan.reachable == (best is not None)
    if best is not None:
        assert (sum(s.cost for s in plan.steps), len(plan.steps)) == best
        assert score(_apply(card.inputs, plan.steps), MINI, locality).recognised


@settings(max_examples=80)
@given(st.integers(0, 60), st.integers(0, 60))
def test_every_planned_step_is_valid_input(on_time_loss, checked_loss):
    inputs = PERFECT | {"c2.registered_on_time": 50 - min(50, on_time_loss)}
    inputs |= {"c9.checked": 2000 - 30 * checked_loss}
    card = score(inputs, RULES, "central-city-ward")
    plan = gap_analysis(card, RULES)
    if plan:
        score(_apply(card.inputs, plan.steps), RULES, "central-city-ward")  # no InvalidInputs


def test_a_per_100000_rate_gives_the_same_steps_as_its_per_1000_twin():
    # qd06-2019-r2 states the C5 injury rate per 100,000 with the same bands restated.
    r2 = load_rules("qd06-2019-r2")
    values = {"ward.children": 2000, "c5.accident_deaths": 0, "c5.injured_children": 31}
    steps = {}
    for rules in (RULES, r2):
        c5 = rules.criterion("c5")
        found = indicator_steps(c5, c5.indicators[0], values, rules)
        steps[rules.version] = [(s.changes[0].kind, s.changes[0].amount, s.gain) for s in found]
    # 31 of 2,000 is 1,550 per 100,000: 1 fewer reaches <= 1,500 (25), 11 fewer <= 1,000 (50).
    assert steps["qd06-2019-r2"] == steps["qd06-2019"]
    assert steps["qd06-2019-r2"][:2] == [("fewer", 1, 25), ("fewer", 11, 50)]

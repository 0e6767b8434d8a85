"""Benchmark: the scorecard and gap plan of 1,000 wards vs reading the same inputs.

Run: ``python bench/bench_scorecard.py`` (a few seconds). The inputs are 1,000 perturbed copies
of examples/dinh-ke-2024.json (seeded): counts scaled by a ward-size factor, then some numbers
nudged down and a few yes/no facts flipped. The example ward scores 785 of the 850 it needs, so
its copies are not recognised and every one gets a gap plan: the heavier path, on purpose.
Copies that break a rule (a part larger than its whole) are replaced by the scaled copy alone.
The rule file is loaded once, outside the timing.

- ours: json.loads + score() + gap_analysis() per ward;
- baseline: json.loads + a plain sum over every number in the same inputs (the floor of
  touching the data at all).
Median of RUNS runs after a warm-up. QUALITY.md sets no budget for this figure; the table
states the ratio and the time per ward. Always exits 0: it reports.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import Row, print_table, ratio

from assessment import InvalidInputs, RuleSet, gap_analysis, load_rules, score

WARDS = 1000
RUNS = 5
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dinh-ke-2024.json"


def perturb(
    inputs: dict[str, Any],
    rng: random.Random,
    factor: float,
    nudge: float = 0.10,
    flip: float = 0.02,
) -> dict[str, Any]:
    """A copy with counts × factor, a share `nudge` of numbers lowered up to 15%, a share
    `flip` of yes/no facts flipped."""
    out: dict[str, Any] = {}
    for group, values in inputs.items():
        out[group] = {}
        for key, value in values.items():
            if isinstance(value, bool):
                value = (not value) if rng.random() < flip else value
            elif isinstance(value, int):
                value = round(value * factor)
                if rng.random() < nudge:
                    value = round(value * rng.uniform(0.85, 1.0))
            out[group][key] = value
    return out


def make_wards(rules: RuleSet, locality: str, base: dict[str, Any]) -> list[str]:
    """WARDS input documents as JSON text (what a stored score's inputs look like)."""
    rng = random.Random(2024)
    wards = []
    for _ in range(WARDS):
        factor = rng.uniform(0.5, 2.0)
        candidate = perturb(base, rng, factor)
        try:
            score(candidate, rules, locality)
        except InvalidInputs:
            # Scaling alone keeps every part within its whole (up to rounding, same factor).
            candidate = perturb(base, rng, factor, nudge=0.0, flip=0.0)
        wards.append(json.dumps(candidate, ensure_ascii=False))
    return wards


def total_numbers(value: Any) -> float:
    """Sum every number (and count every true fact) in a nested inputs document."""
    if isinstance(value, dict):
        return sum(total_numbers(v) for v in value.values())
    return float(value) if isinstance(value, int | float) else 0.0


def timed(fn: Callable[[], Any]) -> float:
    """Median seconds of RUNS calls after one warm-up call."""
    fn()
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    began = time.perf_counter()
    rules = load_rules(example["rules"])
    load_ms = (time.perf_counter() - began) * 1000
    locality = example["locality"]
    wards = make_wards(rules, locality, example["inputs"])
    outcome = {"recognised": 0, "plans": 0}

    def ours() -> None:
        outcome.update(recognised=0, plans=0)
        for text in wards:
            card = score(json.loads(text), rules, locality)
            plan = gap_analysis(card, rules)
            outcome["recognised"] += card.recognised
            outcome["plans"] += plan is not None

    def baseline() -> None:
        for text in wards:
            total_numbers(json.loads(text))

    ours_s, base_s = timed(ours), timed(baseline)
    print_table(
        [
            Row(
                f"score + gap plan, {WARDS} wards (median s)",
                f"{ours_s:.3f}",
                f"{base_s:.4f}",
                ratio(ours_s, base_s, 0),
            ),
            Row(
                "per ward (ms)",
                f"{ours_s / WARDS * 1000:.3f}",
                f"{base_s / WARDS * 1000:.4f}",
                ratio(ours_s, base_s, 0),
            ),
            Row("load + validate the rule file once (ms)", f"{load_ms:.1f}"),
        ]
    )
    print(
        f"{outcome['recognised']} of {WARDS} perturbed wards recognised, {outcome['plans']} with "
        f"a gap plan; baseline = json.loads + plain sum of the same inputs; median of {RUNS} runs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

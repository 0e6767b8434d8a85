"""The flag policy: weigh the integrity signals of an answer, mark it, hold it only on evidence.

The weights, the threshold and the reasons live in survey_app/data/flag-policy.toml. Weak
signals (repeat browser, uniform answers, fast but plausible) mark an answer and keep it
counted; strong evidence (a burst from one source, impossible timing) or several weak signals
together hold it out of the official figures until reviewed. Pure: no database.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from survey_app.core.paths import DATA

POLICY_FILE = DATA / "flag-policy.toml"
SIGNALS = ("speeder", "straightline", "burst", "repeat", "impossible")


class FlagPolicyError(ValueError):
    """The policy file is missing a signal or a number, or has one that makes no sense."""


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    weight: int
    strength: str  # "weak" or "strong"
    why: str


@dataclass(frozen=True, slots=True)
class FlagPolicy:
    version: str
    hold_at: int
    signals: Mapping[str, Signal]
    impossible_share: float
    household_max: int
    source_strong_after: int

    def decide(self, flags: Mapping[str, bool]) -> Decision:
        """The marks of an answer and whether they weigh enough to hold it back."""
        marks = tuple(name for name in SIGNALS if flags.get(name))
        weight = sum(self.signals[name].weight for name in marks)
        return Decision(marks, weight, weight >= self.hold_at)


@dataclass(frozen=True, slots=True)
class Decision:
    marks: tuple[str, ...]
    weight: int
    held: bool


def parse_policy(data: Mapping) -> FlagPolicy:
    """A policy from the TOML's mapping; FlagPolicyError names what is wrong."""
    try:
        signals = {
            name: Signal(
                name,
                int(data["signals"][name]["weight"]),
                str(data["signals"][name]["strength"]),
                " ".join(str(data["signals"][name]["why"]).split()),
            )
            for name in SIGNALS
        }
        policy = FlagPolicy(
            version=str(data["version"]),
            hold_at=int(data["hold_at"]),
            signals=signals,
            impossible_share=float(data["impossible"]["share_of_minimum"]),
            household_max=int(data["household"]["max_members"]),
            source_strong_after=int(data["source"]["strong_after"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FlagPolicyError(f"flag policy: missing or bad value {exc}") from exc
    if policy.hold_at < 1 or not 0 < policy.impossible_share < 1:
        raise FlagPolicyError("flag policy: hold_at must be ≥ 1 and share_of_minimum in (0, 1)")
    for signal in signals.values():
        if signal.strength not in ("weak", "strong") or signal.weight < 0:
            raise FlagPolicyError(f"flag policy: bad signal {signal.name}")
        if (signal.strength == "strong") != (signal.weight >= policy.hold_at):
            raise FlagPolicyError(
                f"flag policy: {signal.name} is {signal.strength} but weighs {signal.weight}"
            )
    return policy


@functools.cache
def load_policy() -> FlagPolicy:
    """The policy in survey_app/data/flag-policy.toml (read once)."""
    return parse_policy(tomllib.loads(POLICY_FILE.read_text(encoding="utf-8")))


__all__ = ["SIGNALS", "Decision", "FlagPolicy", "FlagPolicyError", "Signal", "load_policy"]

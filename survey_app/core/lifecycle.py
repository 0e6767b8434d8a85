"""The one lifecycle of an assessment round, read from survey_app/data/round-lifecycle.toml.

A round's state is its workflow stage and its survey's status ("open" / "closed"). The table
says what each stage allows (`State`) and, for each transition, the stages it may start from,
the stage it leads to, what it does to the survey, the permission it needs and its label
(`Transition`). Pure: no Flask, no database; the service functions that take the transitions
live in survey_app/workspace/lifecycle.py.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from types import MappingProxyType

from survey_app.core.paths import DATA

SURVEY_STATUSES = ("open", "closed")
LIFECYCLE_FILE = DATA / "round-lifecycle.toml"


@dataclass(frozen=True, slots=True)
class State:
    """What a workflow stage allows."""

    id: str
    label: MappingProxyType[str, str]
    survey_may_open: bool
    entry_open: bool
    figures_frozen: bool

    def title(self, lang: str) -> str:
        """The stage's label in ``lang`` (Vietnamese when there is none)."""
        return self.label.get(lang) or self.label["vi"]

    def accepts_answers(self, survey_status: str) -> bool:
        """True when a round at this stage with this survey status takes new answers."""
        return survey_status == "open" and self.survey_may_open and not self.figures_frozen


@dataclass(frozen=True, slots=True)
class Transition:
    """One step of the lifecycle."""

    id: str
    label: MappingProxyType[str, str]
    done: MappingProxyType[str, str]
    sources: tuple[str, ...]
    target: str  # "" = the stage does not change
    survey: str  # "open" / "closed" / "" = the survey does not change
    permission: str
    irreversible: bool
    needs_reason: bool
    approvals: int = 1

    def title(self, lang: str) -> str:
        """The step's label in ``lang``."""
        return self.label.get(lang) or self.label["vi"]

    def done_text(self, lang: str) -> str:
        """What the page says once the step is taken, in ``lang``."""
        return self.done.get(lang) or self.done["vi"]


class LifecycleError(ValueError):
    """The lifecycle file is inconsistent (a bug in the data file, found at import)."""


def _texts(raw: dict[str, str], where: str) -> MappingProxyType[str, str]:
    if not isinstance(raw, dict) or not raw.get("vi"):
        raise LifecycleError(f"{where}: needs a Vietnamese text")
    return MappingProxyType(dict(raw))


def _load() -> tuple[tuple[str, ...], dict[str, State], dict[str, Transition]]:
    with LIFECYCLE_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    order = tuple(raw["order"])
    states = {
        sid: State(
            id=sid,
            label=_texts(table["label"], f"states.{sid}"),
            survey_may_open=bool(table["survey_may_open"]),
            entry_open=bool(table["entry_open"]),
            figures_frozen=bool(table["figures_frozen"]),
        )
        for sid, table in raw["states"].items()
    }
    if set(order) != set(states):
        raise LifecycleError("order and [states] name different stages")
    transitions: dict[str, Transition] = {}
    for tid, table in raw["transitions"].items():
        step = Transition(
            id=tid,
            label=_texts(table["label"], f"transitions.{tid}"),
            done=_texts(table["done"], f"transitions.{tid}.done"),
            sources=tuple(table["from"]),
            target=table["to"],
            survey=table["survey"],
            permission=table["permission"],
            irreversible=bool(table["irreversible"]),
            needs_reason=bool(table["reason"]),
            approvals=int(table.get("approvals", 1)),
        )
        unknown = set(step.sources) - set(states) | ({step.target} - {""} - set(states))
        if unknown or step.survey not in ("", *SURVEY_STATUSES) or not step.sources:
            raise LifecycleError(f"transitions.{tid}: unknown stage or survey status")
        lands = (step.target,) if step.target else step.sources
        if step.survey == "open" and not all(states[s].survey_may_open for s in lands):
            raise LifecycleError(f"transitions.{tid}: opens the survey where it may not be open")
        freezes = step.target and states[step.target].figures_frozen
        thaws = not all(states[s].figures_frozen for s in step.sources)
        if freezes and thaws and step.survey != "closed":
            raise LifecycleError(f"transitions.{tid}: freezes figures, survey left open")
        transitions[tid] = step
    return order, states, transitions


STAGES, STATES, TRANSITIONS = _load()
# The workflow's forward steps, in order (the survey's own steps and reopening excluded).
FORWARD = tuple(
    t.id
    for t in sorted(
        (t for t in TRANSITIONS.values() if t.target and t.target != STAGES[0]),
        key=lambda t: STAGES.index(t.target),
    )
)
FROZEN_STAGES = tuple(s for s in STAGES if STATES[s].figures_frozen)


def state(stage: str) -> State:
    """The state of ``stage`` (KeyError for an unknown one)."""
    return STATES[stage]


def transition(step: str) -> Transition:
    """The transition ``step`` (KeyError for an unknown one)."""
    return TRANSITIONS[step]


def stage_at_least(current: str, wanted: str) -> bool:
    """True when ``current`` is ``wanted`` or a later stage."""
    return STAGES.index(current) >= STAGES.index(wanted)


def may_start(step: str, stage: str, survey_status: str) -> bool:
    """True when ``step`` may be taken from this stage and survey status (order only)."""
    move = TRANSITIONS[step]
    if stage not in move.sources:
        return False
    # Opening an open survey or closing a closed one is no step.
    return not (move.survey and not move.target and survey_status == move.survey)


def next_step(stage: str) -> str | None:
    """The forward step a round at ``stage`` takes next (None once decided)."""
    return next((t for t in FORWARD if stage in TRANSITIONS[t].sources), None)


def accepts_answers(stage: str, survey_status: str) -> bool:
    """True when a round at ``stage`` with this survey status takes new answers."""
    return STATES[stage].accepts_answers(survey_status)


def figures_frozen(stage: str) -> bool:
    """True when nothing may change the figures of a round at ``stage``."""
    return STATES[stage].figures_frozen


__all__ = [
    "FORWARD",
    "FROZEN_STAGES",
    "STAGES",
    "STATES",
    "SURVEY_STATUSES",
    "TRANSITIONS",
    "LifecycleError",
    "State",
    "Transition",
    "accepts_answers",
    "figures_frozen",
    "may_start",
    "next_step",
    "stage_at_least",
    "state",
    "transition",
]

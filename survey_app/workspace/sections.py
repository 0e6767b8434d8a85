"""The sections of the criteria entry, read from a round's rule file.

Each criterion's ``inputs`` form one section, owned by the unit in charge of the criterion (the
round's assignment: the ward's plan for the year, else the rule file, survey_app/plan/owners.py);
the shared inputs
("ward.children") form a section of their own, entered by the culture-social officer; a
criterion scored from the survey is filled by the survey statistics, not typed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment import InputSpec, RuleSet, Text
from survey_app.core.i18n import _
from survey_app.core.permissions import can_read_unit
from survey_app.models import AssessmentRound, User
from survey_app.rulesets import store as rule_store

# The rule file's group of inputs shared by several criteria (e.g. the ward's child population).
SHARED_SECTION = "ward"
# Shared figures are the consolidating officer's (DOMAIN.md: the culture-social officer
# consolidates all criteria), so their section belongs to that unit.
SHARED_OWNER = "vhxh"
# Criteria scored from the survey are filled by the survey statistics, not typed in.
SURVEY_SCALE = "survey"


@dataclass(frozen=True, slots=True)
class Section:
    """What one form enters: a criterion's own inputs, or the shared ward-wide inputs."""

    id: str
    number: int | None
    name: Text | None
    unit: str
    inputs: tuple[InputSpec, ...]
    from_survey: bool = False

    def title(self, lang: str) -> str:
        """E.g. "Tiêu chí 7: Trẻ em dưới 1 tuổi ..." (the shared section: a fixed title)."""
        if self.name is None:
            return _("Số liệu dùng chung của phường")
        return _("Tiêu chí %(n)d: %(name)s", n=self.number or 0, name=self.name.get(lang))


def rules_for(round_: AssessmentRound) -> RuleSet:
    """The round's rule set (by its stored version; shipped files are cached)."""
    return rule_store.load(round_.rule_version)


def sections(rules: RuleSet, owners: Mapping[str, str] | None = None) -> list[Section]:
    """The shared section (when the rule file has shared inputs), then one per criterion.

    ``owners`` (criterion id → unit, `survey_app.plan.owners.round_owners`) says who is in
    charge of each criterion; without it, the rule file's ``unit`` of each criterion.
    """
    owners = owners or {}
    shared = tuple(spec for spec in rules.inputs if spec.group == SHARED_SECTION)
    result = [Section(SHARED_SECTION, None, None, SHARED_OWNER, shared)] if shared else []
    for crit in rules.criteria:
        own = tuple(spec for spec in rules.inputs if spec.group == crit.id)
        survey = all(ind.scale == SURVEY_SCALE for ind in crit.indicators)
        unit = owners.get(crit.id, crit.unit)
        result.append(Section(crit.id, crit.number, crit.name, unit, own, survey))
    return result


def section(rules: RuleSet, section_id: str, owners: Mapping[str, str] | None = None) -> Section:
    """The section with this id (KeyError when the rule file has none)."""
    for item in sections(rules, owners):
        if item.id == section_id:
            return item
    raise KeyError(section_id)


def entered_sections(rules: RuleSet) -> list[Section]:
    """The sections staff type in (the survey criterion is filled from the survey)."""
    return [s for s in sections(rules) if not s.from_survey and s.inputs]


def readable_sections(
    user: User | None, rules: RuleSet, owners: Mapping[str, str] | None = None
) -> list[Section]:
    """The sections ``user`` may read: a unit officer only their unit's."""
    return [s for s in sections(rules, owners) if can_read_unit(user, s.unit)]

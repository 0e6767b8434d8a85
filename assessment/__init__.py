"""Pure scoring and statistics for the child-friendly ward standard.

This package never imports Flask or SQLAlchemy: it works on plain numbers and
dataclasses so a score can be recomputed anywhere from its stored inputs.

The names below are its public API: the app imports them from ``assessment``, never from a
submodule. The two ``available_versions`` functions (rule sets and survey instruments) are
exported under distinct names.
"""

from assessment.gaps import GapPlan, gap_analysis
from assessment.inputs import (
    InputError,
    InvalidInputs,
    canonical_inputs,
    flatten_inputs,
    inputs_sha256,
    locality_error,
    validate_inputs,
)
from assessment.instrument import (
    Audience,
    Instrument,
    InstrumentError,
    load_instrument,
    load_instrument_file,
)
from assessment.instrument import available_versions as available_instrument_versions
from assessment.ruleset import (
    available_versions as available_rule_versions,
)
from assessment.ruleset import (
    default_rules,
    default_version,
    load_rules,
    load_rules_file,
    load_rules_text,
    looks_like_path,
)
from assessment.ruletypes import (
    RATE_UNITS,
    Indicator,
    InputSpec,
    Procedure,
    RuleError,
    RuleSet,
    RuleSetError,
    Text,
)
from assessment.scoring import IndicatorResult, Scorecard, score
from assessment.survey.certainty import BandCertainty, band_certainty
from assessment.survey.counts import (
    AnswerRow,
    GroupCounts,
    SurveyCounts,
    counts_from_rows,
    group_sort_key,
)
from assessment.survey.differences import GroupDifferences, group_differences
from assessment.survey.formula import SurveyFormula
from assessment.survey.sampling import SampleTargets, sample_targets
from assessment.survey.stats import (
    GroupRateTable,
    RateEstimate,
    SurveyRates,
    group_rates,
    question_breakdown,
    survey_rates,
    visible_cells,
)
from assessment.survey.suppression import SUPPRESSION_THRESHOLD, suppression_mask
from assessment.survey.types import GroupId, Hidden, jsonable

__all__ = [
    "RATE_UNITS",
    "SUPPRESSION_THRESHOLD",
    "AnswerRow",
    "Audience",
    "BandCertainty",
    "GapPlan",
    "GroupCounts",
    "GroupDifferences",
    "GroupId",
    "GroupRateTable",
    "Hidden",
    "Indicator",
    "IndicatorResult",
    "InputError",
    "InputSpec",
    "Instrument",
    "InstrumentError",
    "InvalidInputs",
    "Procedure",
    "RateEstimate",
    "RuleError",
    "RuleSet",
    "RuleSetError",
    "SampleTargets",
    "Scorecard",
    "SurveyCounts",
    "SurveyFormula",
    "SurveyRates",
    "Text",
    "available_instrument_versions",
    "available_rule_versions",
    "band_certainty",
    "canonical_inputs",
    "counts_from_rows",
    "default_rules",
    "default_version",
    "flatten_inputs",
    "gap_analysis",
    "group_differences",
    "group_rates",
    "group_sort_key",
    "inputs_sha256",
    "jsonable",
    "load_instrument",
    "load_instrument_file",
    "load_rules",
    "load_rules_file",
    "load_rules_text",
    "locality_error",
    "looks_like_path",
    "question_breakdown",
    "sample_targets",
    "score",
    "suppression_mask",
    "survey_rates",
    "validate_inputs",
    "visible_cells",
]

"""Validate the raw values staff enter before anything is scored.

Counts are non-negative integers within the range the rule file declares, yes/no facts are
booleans, a numerator never exceeds its denominator, and unknown keys are errors. A value that
is absent (or null) is *missing*: it is reported, never read as 0 or as 100%.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assessment.ruletypes import RuleSet

Value = int | bool

_MESSAGES: dict[str, dict[str, str]] = {
    "unknown_key": {
        "vi": "{key}: không có số liệu này trong bộ tiêu chí {version}",
        "en": "{key}: not an input of rule set {version}",
    },
    "not_integer": {
        "vi": "{key}: phải là số nguyên không âm (nhận được {got})",
        "en": "{key}: must be a non-negative whole number (got {got})",
    },
    "negative": {
        "vi": "{key}: không được là số âm ({got})",
        "en": "{key}: cannot be negative ({got})",
    },
    "out_of_range": {
        "vi": "{key}: phải trong khoảng {minimum} - {maximum} (nhận được {got})",
        "en": "{key}: must be between {minimum} and {maximum} (got {got})",
    },
    "not_boolean": {
        "vi": "{key}: phải là true (có) hoặc false (không) (nhận được {got})",
        "en": "{key}: must be true (yes) or false (no) (got {got})",
    },
    "numerator_exceeds_denominator": {
        "vi": "{key}: {got} lớn hơn {denominator} ({limit})",
        "en": "{key}: {got} is larger than {denominator} ({limit})",
    },
    "unknown_locality": {
        "vi": "Loại địa bàn không hợp lệ: {got} (hợp lệ: {known})",
        "en": "Unknown locality type: {got} (known: {known})",
    },
    "not_object": {
        "vi": "{key}: phải là một đối tượng JSON (nhóm số liệu)",
        "en": "{key}: must be a JSON object (a group of inputs)",
    },
}


@dataclass(frozen=True, slots=True)
class InputError:
    """One invalid value: the input key, an error code and the parameters of its message."""

    key: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "vi") -> str:
        """The error in Vietnamese ("vi", default) or English ("en")."""
        template = _MESSAGES[self.code]["en" if lang == "en" else "vi"]
        return template.format(key=self.key, **self.params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with both renderings."""
        return {
            "key": self.key,
            "code": self.code,
            "params": dict(self.params),
            "vi": self.message("vi"),
            "en": self.message("en"),
        }


class InvalidInputs(ValueError):
    """Inputs that cannot be scored; ``errors`` lists every problem, not just the first."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(e.message("en") for e in self.errors))


@dataclass(frozen=True, slots=True)
class CheckedInputs:
    """Valid values (only those entered) and the declared keys nobody entered."""

    values: Mapping[str, Value]
    missing: tuple[str, ...]


def flatten_inputs(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[InputError]]:
    """Accept flat keys ("c2.births") or groups ({"c2": {"births": ...}}) and return flat keys."""
    flat: dict[str, Any] = {}
    errors: list[InputError] = []
    for key, value in raw.items():
        if "." in key:
            flat[key] = value
        elif isinstance(value, Mapping):
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = subvalue
        else:
            errors.append(InputError(str(key), "not_object"))
    return flat, errors


def validate_inputs(raw: Mapping[str, Any], rules: RuleSet) -> CheckedInputs:
    """Check ``raw`` against the inputs ``rules`` declares; raise InvalidInputs with every error."""
    flat, errors = flatten_inputs(raw)
    values: dict[str, Value] = {}
    for key, value in flat.items():
        spec = rules.input(key)
        if spec is None:
            errors.append(InputError(key, "unknown_key", {"version": rules.version}))
            continue
        if value is None:
            continue  # not entered yet: reported as missing below
        got = json.dumps(value, ensure_ascii=False)
        if spec.type == "yes_no":
            if isinstance(value, bool):
                values[key] = value
            else:
                errors.append(InputError(key, "not_boolean", {"got": got}))
            continue
        # bool is a subclass of int in Python: reject it explicitly, like floats and strings.
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(InputError(key, "not_integer", {"got": got}))
        elif value < 0:
            errors.append(InputError(key, "negative", {"got": got}))
        elif value < spec.minimum or (spec.maximum is not None and value > spec.maximum):
            params = {"got": got, "minimum": spec.minimum, "maximum": spec.maximum}
            errors.append(InputError(key, "out_of_range", params))
        else:
            values[key] = value
    errors += _ratio_errors(values, rules)
    if errors:
        raise InvalidInputs(errors)
    missing = tuple(spec.key for spec in rules.inputs if spec.key not in values)
    return CheckedInputs(values, missing)


def _ratio_errors(values: Mapping[str, Value], rules: RuleSet) -> list[InputError]:
    """A part can never exceed its whole: numerator <= denominator, satisfied <= valid answers."""
    pairs: dict[tuple[str, str], None] = {}
    for criterion in rules.criteria:
        for ind in criterion.indicators:
            if ind.scale == "percent" and ind.numerator and ind.denominator:
                pairs[(ind.numerator, ind.denominator)] = None
            for (_, sat), (_, val) in zip(ind.satisfied, ind.valid, strict=True):
                pairs[(sat, val)] = None
    errors = []
    for part, whole in pairs:
        if part in values and whole in values and values[part] > values[whole]:
            params = {"got": values[part], "denominator": whole, "limit": values[whole]}
            errors.append(InputError(part, "numerator_exceeds_denominator", params))
    return errors


def canonical_inputs(values: Mapping[str, Value]) -> str:
    """The canonical JSON text of entered values: sorted keys, no spaces, UTF-8."""
    return json.dumps(dict(values), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_sha256(values: Mapping[str, Value]) -> str:
    """A stable hash of the entered values, stored with a score so it can be verified later."""
    return hashlib.sha256(canonical_inputs(values).encode("utf-8")).hexdigest()


def locality_error(locality: str, rules: RuleSet) -> InputError:
    """The error for a locality type the rule set does not define."""
    known = ", ".join(loc.id for loc in rules.localities)
    return InputError("locality", "unknown_locality", {"got": locality, "known": known})

"""Input validation: wrong types and impossible values are errors; absent values are missing."""

from __future__ import annotations

import hashlib
import json

import pytest

from assessment.inputs import InvalidInputs, inputs_sha256, validate_inputs
from assessment.ruleset import load_rules

RULES = load_rules("qd06-2019")


def _errors(raw):
    with pytest.raises(InvalidInputs) as caught:
        validate_inputs(raw, RULES)
    return {(e.key, e.code) for e in caught.value.errors}


@pytest.mark.parametrize("bad", [True, False, 2.0, 2.5, "12", [1], {"n": 1}])
def test_counts_must_be_integers(bad):
    assert _errors({"c2.births": bad}) == {("c2.births", "not_integer")}


def test_counts_cannot_be_negative_or_above_the_declared_range():
    assert _errors({"c2.births": -1}) == {("c2.births", "negative")}
    assert _errors({"c2.births": 100001}) == {("c2.births", "out_of_range")}


@pytest.mark.parametrize("bad", [1, 0, "true", "có", 1.0])
def test_yes_no_must_be_booleans(bad):
    assert _errors({"c11.forum_held": bad}) == {("c11.forum_held", "not_boolean")}


def test_numerator_cannot_exceed_denominator():
    assert _errors({"c2.births": 10, "c2.registered_on_time": 11}) == {
        ("c2.registered_on_time", "numerator_exceeds_denominator")
    }
    assert _errors({"c13.child_valid": 5, "c13.child_satisfied": 6}) == {
        ("c13.child_satisfied", "numerator_exceeds_denominator")
    }
    assert _errors({"ward.children": 100, "c9.checked": 101}) == {
        ("c9.checked", "numerator_exceeds_denominator")
    }


def test_unknown_keys_are_errors_and_every_error_is_reported():
    errors = _errors({"c2.birth": 1, "c2.births": "x", "c11.forum_held": 1, "c99": 3})
    assert errors == {
        ("c2.birth", "unknown_key"),
        ("c2.births", "not_integer"),
        ("c11.forum_held", "not_boolean"),
        ("c99", "not_object"),
    }


def test_absent_and_null_values_are_missing_not_zero():
    checked = validate_inputs({"c2.births": 10, "c2.registered_on_time": None}, RULES)
    assert checked.values == {"c2.births": 10}
    assert "c2.registered_on_time" in checked.missing
    assert len(checked.missing) == len(RULES.inputs) - 1


def test_grouped_and_flat_inputs_are_the_same():
    flat = validate_inputs({"c2.births": 10, "ward.children": 5}, RULES)
    grouped = validate_inputs({"c2": {"births": 10}, "ward": {"children": 5}}, RULES)
    assert flat == grouped


def test_messages_are_vietnamese_first_with_english():
    with pytest.raises(InvalidInputs) as caught:
        validate_inputs({"c2.births": -3}, RULES)
    error = caught.value.errors[0]
    assert error.message() == "c2.births: không được là số âm (-3)"
    assert error.message("en") == "c2.births: cannot be negative (-3)"
    assert error.to_dict()["vi"] == error.message("vi")


def test_inputs_hash_is_sha256_of_sorted_compact_json():
    values = {"c2.births": 10, "ward.children": 5, "c11.forum_held": True}
    expected = hashlib.sha256(
        json.dumps(values, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert inputs_sha256(values) == expected
    assert inputs_sha256(dict(reversed(list(values.items())))) == expected
    assert inputs_sha256(values | {"c2.births": 11}) != expected

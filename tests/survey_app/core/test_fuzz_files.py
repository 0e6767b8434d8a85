"""Bad input to every rule, instrument and input file loader, and to `cfw rules`/`cfw score`.

Loaders raise only their own error type (RuleSetError, InstrumentError, InvalidInputs), with a
message; the commands exit 1 or 2 with "error: ..." lines, never a traceback. The garbage is
random bytes and text, wrong encodings, and the shipped files with lines deleted, duplicated
or given values of another type.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import (
    InstrumentError,
    InvalidInputs,
    RuleSetError,
    load_instrument_file,
    load_rules,
    load_rules_file,
    score,
    validate_inputs,
)
from survey_app.commands.rules import rules as rules_command
from survey_app.commands.score import score as score_command
from tests.survey_app.core.test_fuzz import CURATED

ROOT = Path(__file__).resolve().parents[3]
RULES_FILE = ROOT / "assessment" / "rules" / "qd06-2019.toml"
INSTRUMENT_FILE = ROOT / "assessment" / "instruments" / "c13-2026.1.toml"


def _toml_literal() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            ['""', "-1", "0", "1e400", "nan", "inf", "true", "[]", "{}", "[1, 'a']", "1979-05-27"]
        ),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.text(max_size=50).map(json.dumps),
        st.sampled_from(CURATED).map(json.dumps),
    )


def _mutated(source: str) -> st.SearchStrategy[bytes]:
    """A shipped TOML file with lines deleted, duplicated or given values of another type."""
    lines = source.splitlines()

    def apply(edits: list[tuple[int, str, str]]) -> bytes:
        out = list(lines)
        for index, kind, literal in edits:
            i = index % len(out)
            if kind == "delete":
                del out[i]
            elif kind == "duplicate":
                out.insert(i, out[i])
            elif "=" in out[i] and not out[i].lstrip().startswith("#"):
                out[i] = out[i].split("=", 1)[0] + "= " + literal
            if not out:
                out = [""]
        return "\n".join(out).encode("utf-8", "surrogatepass")

    edit = st.tuples(
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from(["delete", "duplicate", "value", "value", "value"]),
        _toml_literal(),
    )
    return st.lists(edit, min_size=1, max_size=8).map(apply)


def _garbage(source: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        _mutated(source),
        st.binary(max_size=3000),
        st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.just(b"\xff\xfe" + source.encode("utf-16-le")[:4000]),
        st.just(source.encode("latin-1", "replace")),
    )


RULES_SOURCE = RULES_FILE.read_text(encoding="utf-8")
INSTRUMENT_SOURCE = INSTRUMENT_FILE.read_text(encoding="utf-8")


LOADER_SETTINGS = settings(max_examples=120)  # the rest: the 'cfw' profile (conftest)


@LOADER_SETTINGS
@given(content=_garbage(RULES_SOURCE))
def test_rule_file_loader_raises_only_rule_set_errors_with_messages(tmp_path, content):
    path = tmp_path / "rules.toml"
    path.write_bytes(content)
    try:
        load_rules_file(path)
    except RuleSetError as exc:
        assert exc.errors and all(str(error).strip() for error in exc.errors)


@LOADER_SETTINGS
@given(content=_garbage(INSTRUMENT_SOURCE))
def test_instrument_loader_raises_only_instrument_errors_with_messages(tmp_path, content):
    path = tmp_path / "c13-fuzz.toml"
    path.write_bytes(content)
    try:
        load_instrument_file(path)
    except InstrumentError as exc:
        assert str(exc).strip()


RULES = load_rules("qd06-2019")
INPUT_KEYS = [spec.key for spec in RULES.inputs]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
RAW_INPUTS = st.one_of(
    st.dictionaries(st.sampled_from(INPUT_KEYS), JSON_VALUES, max_size=len(INPUT_KEYS)),
    st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=8),
    st.dictionaries(
        st.sampled_from(sorted({k.split(".")[0] for k in INPUT_KEYS})),
        st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=4),
        max_size=4,
    ),
)


@settings(max_examples=200)
@given(raw=RAW_INPUTS, locality=st.sampled_from([loc.id for loc in RULES.localities]))
def test_inputs_are_refused_only_with_invalid_inputs(raw, locality):
    try:
        validate_inputs(raw, RULES)
    except InvalidInputs as exc:
        assert exc.errors and all(e.message("vi") and e.message("en") for e in exc.errors)
    try:
        score(raw, RULES, locality)
    except InvalidInputs as exc:
        assert exc.errors


def _assert_clean_exit(result, codes: tuple[int, ...]) -> None:
    """Exit 0 on a good file, else one of ``codes`` with a message; never a traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.exit_code in codes, result.output
        assert "error" in result.output.lower(), result.output


CLI_SETTINGS = settings(max_examples=60)


@CLI_SETTINGS
@given(content=_garbage(RULES_SOURCE))
def test_cfw_rules_check_exits_1_with_messages_on_garbage(tmp_path, content):
    path = tmp_path / "rules.toml"
    path.write_bytes(content)
    result = CliRunner().invoke(rules_command, ["check", str(path)])
    _assert_clean_exit(result, (1,))


@CLI_SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=1000),
        RAW_INPUTS.map(lambda raw: json.dumps(raw).encode()),
        RAW_INPUTS.map(
            lambda raw: json.dumps({"inputs": raw, "locality": "other", "rules": "qd06-2019"})
        ).map(str.encode),
        JSON_VALUES.map(lambda v: json.dumps({"inputs": v, "rules": v}).encode()),
    ),
    locality=st.one_of(st.none(), st.sampled_from(["other", "nowhere", ""])),
)
def test_cfw_score_exits_2_with_messages_on_garbage(tmp_path, content, locality):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    args = [str(path), *(["--locality", locality] if locality is not None else [])]
    result = CliRunner().invoke(score_command, args)
    _assert_clean_exit(result, (1, 2))

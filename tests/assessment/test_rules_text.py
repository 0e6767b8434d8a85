"""`load_rules_text`: a rule file's text (e.g. kept in a database) loads like the file itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment import RuleSetError, load_rules_file, load_rules_text
from assessment.ruleset import RULES_DIR

BAD_RULES = Path(__file__).parent / "bad_rules"


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_text_and_file_give_the_same_rules_and_hash(path):
    from_file = load_rules_file(path)
    from_text = load_rules_text(path.read_text(encoding="utf-8"), "db:copy")
    assert from_text.sha256 == from_file.sha256
    assert from_text.criteria == from_file.criteria
    assert from_text.source_path == "db:copy"


def test_errors_name_the_origin_and_the_row():
    text = (
        (BAD_RULES / "_valid.toml").read_text(encoding="utf-8").replace("total = 100", "total = 95")
    )
    with pytest.raises(RuleSetError) as caught:
        load_rules_text(text, "upload.toml")
    assert any(
        e.file == "upload.toml" and "meta.total is 95" in e.message for e in caught.value.errors
    )


def test_invalid_toml_is_a_rule_error():
    with pytest.raises(RuleSetError) as caught:
        load_rules_text("[meta\nid = 1", "broken.toml")
    (error,) = caught.value.errors
    assert error.file == "broken.toml" and error.message.startswith("invalid TOML")

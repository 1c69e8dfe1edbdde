"""The trusted constructors of result objects (hamtriage.runtime._construct)."""

from __future__ import annotations

import pytest

from hamtriage import MatchedFact, PackInfo
from hamtriage.runtime._construct import trusted


def test_a_trusted_object_equals_the_validated_one() -> None:
    made = trusted(MatchedFact)(kind="symptom", id="a", value=None)
    assert made == MatchedFact(kind="symptom", id="a", value=None)
    assert repr(made) == repr(MatchedFact(kind="symptom", id="a", value=None))


def test_a_misspelt_field_is_refused_even_with_the_right_count() -> None:
    with pytest.raises(TypeError, match="no field idd"):
        trusted(MatchedFact)(kind="symptom", idd="a", value=None)


def test_missing_fields_fall_back_to_model_construct() -> None:
    info = trusted(PackInfo)(name="p", version="1", content_hash="x")
    assert info.name == "p"
    assert "id" not in info.model_fields_set


def test_rule_issues_have_one_builder() -> None:
    from hamtriage import RuleIssue
    from hamtriage.rules.pack import Origin

    at_origin = RuleIssue.at(Origin("a.yaml", 3, 5), "bad", code="x", severity="warning")
    assert str(at_origin) == "a.yaml:3:5: warning: bad"
    # an unknown severity word never weakens an error
    assert RuleIssue.at(("b.yaml", 1, 2), "worse", severity="fatal").severity == "error"
    nowhere = RuleIssue.at(None, "no place", fallback="pack/")
    assert (nowhere.path, nowhere.line, nowhere.column) == ("pack/", 1, 1)

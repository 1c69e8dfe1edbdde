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

"""Red-flag screens of a result (hamtriage.runtime.screening): what is still to ask."""

from __future__ import annotations

import hamtriage

DVT = ("one_sided_calf_swelling", "one_sided_calf_pain", "breathless_or_chest_pain")


def test_a_calf_complaint_lists_the_dvt_screen_first() -> None:
    result = hamtriage.triage({"symptoms": ["tight_calves"]})
    assert tuple(s.id for s in result.unscreened[:3]) == DVT
    assert all(s.question for s in result.unscreened)


def test_an_answered_screen_is_no_longer_listed() -> None:
    result = hamtriage.triage({"symptoms": ["tight_calves"], "absent": ["one_sided_calf_swelling"]})
    ids = [s.id for s in result.unscreened]
    assert "one_sided_calf_swelling" not in ids
    assert ids[:2] == list(DVT[1:])


def test_the_dvt_screen_is_not_put_first_for_a_back_complaint() -> None:
    result = hamtriage.triage({"symptoms": ["low_back_spasms"], "activities": ["deadlift"]})
    assert not {s.id for s in result.unscreened[:3]} & set(DVT)
    assert result.unscreened, "a back complaint still has red flags to screen"


def test_unscreened_is_ordered_by_urgency_after_the_named_screens() -> None:
    result = hamtriage.triage({"symptoms": ["low_back_spasms"]})
    ranks = [s.level.rank for s in result.unscreened]
    assert ranks == sorted(ranks, reverse=True)

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


def test_the_cached_screens_equal_those_worked_out_from_the_whole_report() -> None:
    # the screener caches its answer on the ids that can matter (those putting a region
    # in play, naming screens first or being screens); dropping any other id must not
    # change the answer for any report, whether it was computed or read from the cache
    from hamtriage.engine import compiled_state
    from tests.support.reports import make_reports

    engine = hamtriage.Engine.default()
    screener = compiled_state(engine).assembler.screener
    reports = make_reports(engine.pack, 600, seed=2611)
    reports += [{"symptoms": ["tight_calves", "low_back_spasms"], "absent": [DVT[0]]}]
    for report in reports * 2:  # the second pass reads the cache
        facts = engine.normalize(report)
        whole = screener._unscreened(facts.present, facts.absent, frozenset(facts.measurements))
        assert screener.unscreened(facts) == whole, report


def test_unscreened_follows_its_definition_for_seeded_reports() -> None:
    # worked out from the module's definition, without the screener's caches or tables:
    # the screens named first by reported items, then the screens of the regions in play
    # (every screen when none is), in urgency order, minus what the report answered
    from hamtriage.engine import compiled_state
    from tests.support.reports import make_reports

    engine = hamtriage.Engine.default()
    pack = engine.pack
    screens = compiled_state(engine).assembler.screener.screens
    reports = make_reports(pack, 800, seed=4417)
    reports += [{"symptoms": ["tight_calves", "low_back_spasms"], "absent": [DVT[0]]}, {}]
    for report in reports:
        facts = engine.normalize(report)
        region_of = {v: getattr(pack.item(v), "region", None) for v in pack.kinds}
        regions = {region_of[v] for v in (*facts.present, *facts.measurements)} - {None, "any"}
        named: list[str] = []
        for vid in sorted(facts.present):
            for sid in getattr(pack.item(vid), "screen_first", None) or ():
                if sid not in named:
                    named.append(sid)
        answered = facts.present | facts.absent
        first = [v for v in named if v not in answered]
        rest = [
            v
            for v, s in screens.items()
            if v not in answered
            and v not in first
            and (not regions or s.region in (None, "any") or s.region in regions)
        ]
        got = engine.triage(report).unscreened
        assert [s.id for s in got] == first + rest, report

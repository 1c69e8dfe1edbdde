"""Denial statements of the intake (issue 12): ``denials:`` phrases in the pack, a negation
that belongs to another mention, a denied context word, and someone the writer reports for.

Each rule has a case it must not over-apply to: a denial phrase under its own negation or
inability is never a denial, and a denial never hides a red flag stated elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import hamtriage
from hamtriage import RulePackError
from tests.support.packs import MINIMAL_PACK, ONE_RULE, write_pack


def _items(text: str) -> tuple[set[str], set[str], set[str]]:
    rep = hamtriage.parse_text(text).report
    return set(rep.symptoms) | set(rep.history), set(rep.suspected), set(rep.absent)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("my weight has been steady all year, calves tight", "unexplained_weight_loss"),
        ("lower back stiff in the morning, I sleep fine though", "night_pain"),
        ("twinge in my knee but I can straighten it fully", "knee_locked"),
        ("ankle sprain from Saturday is improving, stiff calves", "ankle_pain_not_settling"),
        ("turned my ankle, no trouble taking weight on it", "unable_to_bear_weight"),
        (
            "hammy felt tight so I eased off but finished the run",
            "hamstring_injury_stopped_activity",
        ),
    ],
)
def test_a_denial_statement_puts_the_item_under_absent(text: str, item: str) -> None:
    present, suspected, absent = _items(text)
    assert item in absent
    assert item not in present | suspected


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # the denial phrase under its own negation or inability denies nothing
        ("my weight has not been steady, keeps dropping", "unexplained_weight_loss"),
        ("I can't straighten my knee fully since the twist", "knee_locked"),
        ("ankle sprain two weeks ago is not improving at all", "ankle_pain_not_settling"),
        # a denial elsewhere never hides the sign stated in the text
        ("slept through the night on Monday but the pain woke me up last night", "night_pain"),
    ],
)
def test_a_denial_statement_does_not_over_apply(text: str, item: str) -> None:
    _, _, absent = _items(text)
    assert item not in absent


def test_a_negation_that_has_its_own_mention_does_not_reach_a_later_denial() -> None:
    # "no" negates the swelling; the ability after the comma is stated, not denied
    present, suspected, absent = _items("knee feels ok, no swelling, I can straighten it fully")
    assert {"knee_locked", "rapid_knee_swelling"} <= absent
    assert not (present | suspected) & {"knee_locked", "rapid_knee_swelling"}


def test_a_denied_word_is_no_context_for_an_alarm() -> None:
    # the bruise alone names no avulsion once the pop is denied ...
    _, suspected, absent = _items("small bruise on my thigh from the foam roller, no pop")
    assert "thigh_pop_with_bruising" in absent
    assert "thigh_pop_with_bruising" not in suspected
    # ... but a denied alarm keeps its context: "not swollen, not hot" denies the hot joint
    _, _, absent = _items("knee aches after running, it's not swollen and not hot")
    assert "hot_swollen_joint" in absent


def test_a_red_flag_in_someone_the_writer_reports_for_is_asked_not_dropped() -> None:
    present, suspected, _ = _items("my athlete's knee locked on a squat yesterday")
    assert "knee_locked" in suspected
    assert "knee_locked" not in present
    level = hamtriage.triage(hamtriage.parse_text("my athlete's knee locked").report).level
    assert level >= hamtriage.TriageLevel.SAME_DAY
    # someone else stays someone else
    present, suspected, _ = _items("my brother's knee locked on a squat yesterday")
    assert "knee_locked" not in present | suspected


DENIED_PACK = """
symptoms:
  - id: d
    label: Symptom D
    source: [S1]
    phrases: ["dee thing"]
    denials: ["dee fine|gone"]
"""


def test_a_pack_s_own_denials_are_read(tmp_path: Path) -> None:
    root = write_pack(
        tmp_path, {"pack.yaml": MINIMAL_PACK, "rules.yaml": ONE_RULE, "more.yaml": DENIED_PACK}
    )
    pack = hamtriage.load_pack(root)
    assert hamtriage.parse_text("the dee is fine now", pack).report.absent == ("d",)
    assert hamtriage.parse_text("dee thing again", pack).report.symptoms == ("d",)


def test_a_bad_denial_phrase_is_located(tmp_path: Path) -> None:
    bad = DENIED_PACK.replace('["dee fine|gone"]', '["(dee"]')
    root = write_pack(
        tmp_path, {"pack.yaml": MINIMAL_PACK, "rules.yaml": ONE_RULE, "more.yaml": bad}
    )
    with pytest.raises(RulePackError) as err:
        hamtriage.load_pack(root)
    issue = next(i for i in err.value.issues if i.code == "bad_phrase")
    assert issue.path.endswith("more.yaml")
    assert issue.line == 6
    assert "denial '(dee'" in issue.message

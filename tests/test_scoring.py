"""hamtriage.scoring: MYCIN's combination of certainties, its bounds, thresholds and cap."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamtriage.scoring import LIKELY, POSSIBLE, POSSIBLE_CAP, combine, confidence
from tests.support.oracle import _cf

# rule certainties are in (0, 1] (the schema refuses 0 and anything above 1)
certainty = st.floats(min_value=0.01, max_value=1.0, allow_nan=False)
certainties = st.lists(certainty, max_size=8)


@pytest.mark.parametrize(
    ("supporting", "opposing", "expected"),
    [
        ([], [], 0.0),
        ([0.5], [], 0.5),
        ([0.5, 0.5], [], 0.75),  # 0.5 + 0.5 * (1 - 0.5)
        ([0.3, 0.4, 0.5], [], 0.79),  # 0.3 -> 0.3 + 0.4 * 0.7 = 0.58 -> 0.58 + 0.5 * 0.42
        ([0.6, 0.5], [0.4], 0.4 / 0.6),  # P = 0.8, N = 0.4: (0.8 - 0.4) / (1 - 0.4)
        ([0.9], [0.3], 0.6 / 0.7),  # (0.9 - 0.3) / (1 - 0.3)
        ([0.4], [0.8], 0.0),  # more against than for: clamped, ruled out
        ([0.5], [0.5], 0.0),
        ([], [0.7], 0.0),
        ([1.0], [], 1.0),
        ([1.0], [1.0], 0.0),  # 1 - min(P, N) = 0: no division by zero
        ([1.0], [0.5], 1.0),  # (1 - 0.5) / (1 - 0.5)
    ],
)
def test_combine_matches_the_formula_by_hand(
    supporting: list[float], opposing: list[float], expected: float
) -> None:
    assert combine(supporting, opposing) == pytest.approx(expected, abs=1e-12)


@given(certainties, certainties, st.randoms(use_true_random=False))
def test_combine_does_not_depend_on_the_order_to_the_last_bit(
    supporting: list[float], opposing: list[float], rng: random.Random
) -> None:
    shuffled_pro, shuffled_con = list(supporting), list(opposing)
    rng.shuffle(shuffled_pro)
    rng.shuffle(shuffled_con)
    # exactly equal, not approximately: results round to 4 decimals, and a rounding
    # boundary must not depend on which rule happened to fire first
    assert combine(shuffled_pro, shuffled_con) == combine(supporting, opposing)


@given(certainties, certainties)
def test_combine_stays_within_zero_and_one(supporting: list[float], opposing: list[float]) -> None:
    assert 0.0 <= combine(supporting, opposing) <= 1.0


@given(certainties, certainties, certainty)
def test_more_support_never_lowers_and_more_opposition_never_raises(
    supporting: list[float], opposing: list[float], extra: float
) -> None:
    before = combine(supporting, opposing)
    assert combine([*supporting, extra], opposing) >= before - 1e-12
    assert combine(supporting, [*opposing, extra]) <= before + 1e-12


@given(certainties)
def test_support_alone_is_one_minus_the_product_of_the_doubts(supporting: list[float]) -> None:
    expected = 1.0 - math.prod(1.0 - a for a in supporting)
    assert combine(supporting, []) == pytest.approx(expected, abs=1e-12)


@given(certainties, certainties)
def test_a_hypothesis_stands_only_if_its_support_outweighs_the_opposition(
    supporting: list[float], opposing: list[float]
) -> None:
    p = 1.0 - math.prod(1.0 - a for a in supporting)
    n = 1.0 - math.prod(1.0 - b for b in opposing)
    if p < n - 1e-9:
        assert combine(supporting, opposing) == 0.0
    elif p > n + 1e-9:
        assert combine(supporting, opposing) > 0.0


@given(certainties, certainties)
def test_the_oracle_combines_exactly_as_scoring_does(
    supporting: list[float], opposing: list[float]
) -> None:
    # tests/support/oracle.py has its own copy on purpose; the two must never drift
    assert _cf(supporting, opposing) == combine(supporting, opposing)


@given(certainties, certainties, st.booleans())
def test_confidence_is_the_combination_rounded_and_capped(
    supporting: list[float], opposing: list[float], capped: bool
) -> None:
    got = confidence(supporting, opposing, capped=capped)
    combined = combine(supporting, opposing)
    expected = round(min(combined, POSSIBLE_CAP) if capped else combined, 4)
    assert got == expected
    assert got == round(got, 4)
    if capped:
        assert got <= POSSIBLE_CAP


@given(certainty)
def test_one_certainty_alone_is_its_own_confidence(c: float) -> None:
    # the hot path skips combine() for this case: it must give the same answer
    assert confidence([c], [], capped=False) == round(combine([c], []), 4) == round(c, 4)
    assert confidence([c], [], capped=True) == round(min(c, POSSIBLE_CAP), 4)


def test_the_cap_applies_only_above_it() -> None:
    assert confidence([0.9], [], capped=True) == POSSIBLE_CAP
    assert confidence([0.9], [], capped=False) == 0.9
    assert confidence([0.5], [], capped=True) == 0.5
    assert confidence([0.5, 0.5], [], capped=True) == POSSIBLE_CAP  # 0.75 combined
    assert confidence([0.6], [0.2], capped=True) == 0.5  # (0.6 - 0.2) / 0.8


def test_thresholds_are_ordered_so_a_capped_hypothesis_is_never_likely() -> None:
    assert 0.0 < POSSIBLE < POSSIBLE_CAP < LIKELY <= 1.0
    assert confidence([1.0], [], capped=True) < LIKELY
    assert confidence([1.0], [], capped=True) >= POSSIBLE  # still listed, as possible


def test_more_opposition_near_certainty_does_not_turn_a_tie_into_a_half() -> None:
    # found by hypothesis: the direct form cancelled to 0.5 here
    tie = 0.9999999999999999
    assert combine([tie], [tie]) == 0.0
    assert combine([tie], [tie, 0.13049145095848597]) == 0.0
    assert combine([tie, 0.2], [tie]) > 0.0

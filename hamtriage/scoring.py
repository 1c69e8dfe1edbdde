"""Confidence: how the certainties of the rules that fired combine into one per hypothesis.

The one home of the combination rule and its thresholds; the result assembly, the
explanation and the lint all call :func:`confidence`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["LIKELY", "POSSIBLE", "POSSIBLE_CAP", "combine", "confidence"]

LIKELY = 0.6
"""A listed hypothesis at or above this confidence is worded ``likely``."""
POSSIBLE = 0.3
"""Below this confidence a hypothesis is not listed; from it on, ``possible``."""
POSSIBLE_CAP = 0.59
"""Highest confidence of a hypothesis whose ``max_likelihood`` is ``possible``."""


def combine(supporting: Sequence[float], opposing: Sequence[float]) -> float:
    """MYCIN certainty-factor combination, clamped to [0, 1].

    Positive certainties combine as ``a + b(1 - a)``, negative ones likewise, and the
    two as ``(P - N) / (1 - min(P, N))``. The certainties are combined in sorted order:
    the formula does not depend on the order, but floating point does in the last bit,
    and rounding to 4 decimals must not depend on which rule happened to fire first.
    """
    p = 0.0
    for a in sorted(supporting):
        p = p + a * (1.0 - p)
    n = 0.0
    for b in sorted(opposing):
        n = n + b * (1.0 - n)
    if p == 0.0 and n == 0.0:
        return 0.0
    denominator = 1.0 - min(p, n)
    if denominator < _NEAR_CERTAIN:
        return _combine_doubts(supporting, opposing)
    cf = (p - n) / denominator
    return max(0.0, min(1.0, cf))


# Below this, 1 - min(P, N) and P - N are differences of numbers within a few bits
# of each other, and more opposition could turn a tie into 0.5 (hypothesis found
# [0.9999999999999999] against [0.9999999999999999, 0.13]).
_NEAR_CERTAIN = 1e-9


def _combine_doubts(supporting: Sequence[float], opposing: Sequence[float]) -> float:
    """The same combination on the doubts: (P - N) / (1 - min(P, N)) equals
    (dN - dP) / max(dP, dN) with dP = 1 - P and dN = 1 - N, exact near certainty."""
    dp = math.prod(1.0 - a for a in sorted(supporting))
    dn = math.prod(1.0 - b for b in sorted(opposing))
    denominator = max(dp, dn)
    return max(0.0, min(1.0, (dn - dp) / denominator)) if denominator > 0 else 0.0


def confidence(supporting: Sequence[float], opposing: Sequence[float], *, capped: bool) -> float:
    """A hypothesis's confidence as results show it: combined, capped at
    :data:`POSSIBLE_CAP` when the hypothesis may at most be ``possible``, 4 decimals."""
    # one certainty and nothing against is its own combination (certainties are in
    # (0, 1]): spares the call on the commonest case of the hot path
    c = supporting[0] if len(supporting) == 1 and not opposing else combine(supporting, opposing)
    if capped and c > POSSIBLE_CAP:
        c = POSSIBLE_CAP
    return round(c, 4)

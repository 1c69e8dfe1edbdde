"""Load-time checks of the re-test data: a measurement's MDC block and change conditions."""

from __future__ import annotations

from collections.abc import Mapping

from .schema import ChangeCond, MeasurementItem

__all__ = ["change_condition_issues", "retest_issues"]

Loc = tuple[str | int, ...]


def retest_issues(item: MeasurementItem) -> list[tuple[Loc, str]]:
    """Where (relative to the ``retest`` block) and why its MDC disagrees with the item."""
    spec = item.retest
    if spec is None:
        return []
    out: list[tuple[Loc, str]] = []
    if spec.unit is not None and spec.unit != item.unit:
        out.append(
            (
                ("unit",),
                (
                    f"measurement '{item.id}': the MDC's unit '{spec.unit}' is not the "
                    f"measurement's unit '{item.unit}'"
                ),
            )
        )
    opposite = "higher" if item.worse == "lower" else "lower"
    if spec.better is not None and spec.better != opposite:
        out.append(
            (
                ("better",),
                (
                    f"measurement '{item.id}': better: {spec.better} contradicts worse: "
                    f"{item.worse} (better must be {opposite})"
                ),
            )
        )
    lo, hi = item.range
    if spec.mdc >= hi - lo:
        out.append(
            (
                ("mdc",),
                (
                    f"measurement '{item.id}': an MDC of {spec.mdc:g} {item.unit} is not smaller "
                    f"than the whole valid range [{lo:g}, {hi:g}]: no change could ever be real"
                ),
            )
        )
    return out


def change_condition_issues(
    cond: ChangeCond, rule_id: str, measurements: Mapping[str, MeasurementItem]
) -> list[tuple[Loc, str]]:
    """Where (relative to the condition) and why a change condition cannot hold."""
    item = measurements.get(cond.change)
    if item is None or cond.side is None or item.sided:
        return []
    return [
        (
            ("side",),
            (
                f"rule '{rule_id}': side: {cond.side} needs a sided measurement; "
                f"'{cond.change}' is measured once, not per side"
            ),
        )
    ]

"""The problems and notes of one report checked against a pack (used by hamtriage.report)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from .errors import ReportProblem, a_or_an, suggest
from .rules.pack import RulePack

__all__ = ["Check", "fold"]

# Control, format (zero-width, BOM, bidirectional overrides), separator, surrogate,
# private-use and unassigned characters: invisible in a message, so an id holding one
# is refused rather than matched on what is left of it.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def invisible(text: str) -> tuple[int, str] | None:
    """The position and description of the first invisible or control character."""
    if text.isprintable():  # no Other or Separator character but space: none of ours (hot path)
        return None
    for i, char in enumerate(text):
        if unicodedata.category(char) in _INVISIBLE:
            return i, f"U+{ord(char):04X} {unicodedata.name(char, 'a control character')}"
    return None


def fold(text: str) -> str:
    """Compatibility-fold ``text`` (fullwidth letters, ligatures) as the lookup reads it."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


class Check:
    """Accumulates every problem of a report, and notes on ids read after folding."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.problems: list[ReportProblem] = []
        self.notes: list[str] = []
        self.first_value: object = None  # the value the first problem is about

    def add(self, field: str, message: str, value: object, hint: tuple[str, ...] = ()) -> None:
        if not self.problems:
            self.first_value = value
        self.problems.append(ReportProblem(field, message, hint))

    def lookup(self, raw: str, field: str) -> str | None:
        """The id ``raw`` names; ``None`` if unknown or refused (then a problem may be added)."""
        pack = self.pack
        if raw in pack.kinds:
            return raw
        bad = invisible(raw)
        if bad is not None:
            self.add(
                field,
                f"contains an invisible or control character ({bad[1]}) at position {bad[0]}; "
                "type the id again",
                raw,
            )
            return None
        folded = fold(raw)
        vid = pack.resolve(folded)
        if vid is not None and folded != raw:
            self.notes.append(
                f"{field}: '{raw}' was read as '{vid}' (fullwidth or other compatibility "
                "characters folded)"
            )
        return vid

    def ids(self, field: str, values: Sequence[str], allowed: tuple[str, ...]) -> list[str]:
        """Resolve a list of ids of the ``allowed`` kinds."""
        out: list[str] = []
        kinds = self.pack.kinds
        for i, raw in enumerate(values):
            if raw in kinds:  # the common case: an id as is (the field is named only for errors)
                vid = raw
            else:
                where = f"{field}[{i}]"
                before = len(self.problems)
                found = self.lookup(raw, where)
                if found is None:
                    if len(self.problems) == before:
                        candidates = [k for k, kind in kinds.items() if kind in allowed]
                        hint = suggest(raw, candidates) or suggest(
                            raw.lower().replace(" ", "_"), candidates
                        )
                        self.add(where, f"unknown {' or '.join(allowed)} '{raw}'", raw, hint)
                    continue
                vid = found
            kind = kinds[vid]
            if kind not in allowed:
                what = a_or_an(" or ".join(allowed))
                self.add(f"{field}[{i}]", f"'{raw}' is {a_or_an(kind)}, not {what}", raw)
            elif vid in out:
                self.add(f"{field}[{i}]", f"'{raw}' is listed twice (as '{vid}')", raw)
            else:
                out.append(vid)
        return out

    def measurement(self, raw: str) -> str | None:
        """The measurement id ``raw`` names, or ``None`` after adding the problem."""
        if raw in self.pack.measurements:  # an id as is: no lookup, no field name
            return raw
        field = f"measurements.{raw}"
        before = len(self.problems)
        mid = self.lookup(raw, field)
        if mid is not None and self.pack.kinds[mid] == "measurement":
            return mid
        if len(self.problems) == before:
            hint = suggest(raw, self.pack.measurements)
            self.add(field, f"unknown measurement '{raw}'", raw, hint)
        return None

    def value(self, mid: str, raw: str, side: str, value: float) -> float | None:
        """``value`` rounded to 4 decimals, or ``None`` after adding why it is out of range."""
        item = self.pack.measurements[mid]
        lo, hi = item.range
        if not math.isfinite(value) or not lo <= value <= hi:
            self.add(
                f"measurements.{raw}{side}",
                f"{value:g} {item.unit} is outside the valid range of {mid} "
                f"[{lo:g}, {hi:g}] {item.unit}",
                value,
            )
            return None
        rounded = round(value, 4)
        return 0.0 if rounded == 0 else rounded

"""Numbers in free text: ages ("Sam (16)", "I'm 51", "51yo"), sex, and measured values with sides."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ...rules.languages import ENGLISH, Language
from ...rules.pack import RulePack
from .tokens import Tok

__all__ = ["SEX_WORDS", "UNITS", "Age", "Measured", "find_age", "measure"]

UNITS = ENGLISH.units
"""English unit words (each language's: ``Language.units``)."""
SEX_WORDS = ENGLISH.sex_words


@dataclass(frozen=True, slots=True)
class Age:
    """An age found in the text: its value and character span."""

    value: int
    start: int
    end: int


_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=8)
def _age_scans(lang: Language) -> tuple[tuple[re.Pattern[str], tuple[str, ...], bool], ...]:
    """Per age pattern of ``lang``: the pattern, its hint strings and whether they are
    looked for in the text as written (hints with a capital: "F" for "35F"), not in the
    lowered text (read-only)."""
    hints = lang.age_hints or ((),) * len(lang.ages)
    return tuple(
        (p, hint, any(h != h.lower() for h in hint))
        for p, hint in zip(lang.ages, hints, strict=True)
    )


def find_age(text: str, notes: list[str], lang: Language = ENGLISH) -> Age | None:
    """The first plausible age the text states (0-120) in ``lang``'s patterns; others are noted."""
    if not _DIGIT.search(text):
        return None  # every age pattern captures digits: skip their scans of the text
    # only ASCII: re.IGNORECASE folds a few letters that lower() does not ("ſ" is "s")
    hinted = text.isascii()
    low = text.lower() if hinted else text
    found: list[tuple[int, int, int]] = []
    for p, hint, cased in _age_scans(lang):
        if hint and hinted:
            within = text if cased else low
            for h in hint:
                if h in within:
                    break
            else:
                continue  # no hint string: the pattern cannot match, no scan
        found += [(m.start(), m.end(), int(m.group(1))) for m in p.finditer(text)]
    for start, end, value in sorted(found):
        if 0 <= value <= 120:
            # "I'm 34 years old": two patterns, one age
            for s2, e2, v2 in found:
                if v2 == value and s2 <= end and e2 >= start:
                    start, end = min(start, s2), max(end, e2)
            return Age(value, start, end)
        notes.append(f"age {value} is outside 0-120 and was left out")
    return None


@functools.lru_cache(maxsize=8)
def _units(lang: Language) -> dict[str, str]:
    """Word -> the first of ``lang``'s units that lists it (read-only)."""
    out: dict[str, str] = {}
    for unit, words in lang.units.items():
        for w in words:
            out.setdefault(w, unit)
    return out


def unit_of(tok: Tok | None, lang: Language = ENGLISH) -> str | None:
    """The unit a token names, if any."""
    return None if tok is None else _units(lang).get(tok.norm)


@dataclass
class Measured:
    """Values found for one measurement: one number, or per side."""

    value: float | None = None
    sides: dict[str, float] = field(default_factory=dict)
    unit: str | None = None
    last: int = -1
    used: set[int] = field(default_factory=set)


def _both_sides(toks: list[Tok], j: int, clause: int, lang: Language) -> list[int] | None:
    """The tokens of "(on) both sides" starting at ``j`` (fillers skipped), if there."""
    got: list[int] = []
    seg = toks[j - 1].seg  # "8 cm, both knees feel stiff" is not "8 cm on both sides"
    while j < len(toks) and toks[j].seg == seg and toks[j].clause == clause and len(got) < 2:
        if not toks[j].filler or toks[j].key in {a for a, _ in lang.both_sides}:
            got.append(j)
        j += 1
    if len(got) == 2 and (toks[got[0]].key, toks[got[1]].key) in lang.both_sides:
        return got
    return None


def _side_after(toks: list[Tok], last: int, clause: int, lang: Language) -> int | None:
    """The side word right after a number, past at most two fillers ("on the right")."""
    for k in range(last + 1, min(len(toks), last + 4)):
        t = toks[k]
        if t.clause != clause:  # "7 cm. Right calf sore": not a side of 7
            return None
        if t.norm in lang.side_words:
            return k
        if not t.filler:
            return None
    return None


def _sides_before(
    toks: list[Tok], first: int, clause: int, used: set[int], lang: Language
) -> list[tuple[str, int, str | None]]:
    """(side, number token, unit) for each side named, with its number, right before a
    sided test's words ("left 11cm right 13cm knee to wall"); empty unless every number
    of that run has a side and no token of it is used."""
    run: list[int] = []
    k = first - 1
    while k >= 0 and toks[k].clause == clause and len(run) < 12 and k not in used:
        t = toks[k]
        if not (
            t.number is not None
            or t.norm in lang.sides
            or unit_of(t, lang) is not None
            or t.filler
            or t.norm in lang.measure_glue
        ):
            break
        run.append(k)
        k -= 1
    run.reverse()
    out: list[tuple[str, int, str | None]] = []
    pending: str | None = None
    for n, k in enumerate(run):
        t = toks[k]
        if t.number is not None:
            if pending is None or any(side == pending for side, _, _ in out):
                return []  # a number without its own side: not a sided pair
            nxt = toks[run[n + 1]] if n + 1 < len(run) and run[n + 1] == k + 1 else None
            out.append((pending, k, unit_of(nxt, lang)))
            pending = None
        elif t.norm in lang.side_words:
            pending = lang.sides[t.norm]
    return out if pending is None else []


def measure(
    pack: RulePack,
    vid: str,
    toks: list[Tok],
    first: int,
    last: int,
    used: set[int],
    notes: list[str],
    lang: Language = ENGLISH,
) -> Measured | None:
    """The value(s) after (or just before) a measurement phrase, checked against its range.

    A side word just before the phrase ("left knee to wall 6 cm") or next to a number
    ("left 6 right 11", "6 left") makes a sided value. ``None``: nothing usable (noted).
    """
    item = pack.measurements[vid]
    clause = toks[first].clause
    out = Measured(last=last)
    pending: str | None = None
    for k in (first - 1, first - 2):
        if k >= 0 and toks[k].clause == clause and toks[k].norm in lang.side_words:
            pending = lang.sides[toks[k].norm]
            out.used.add(k)
            break
    lo, hi = item.range
    inside = [k for k in range(first, last + 1) if toks[k].number is not None]
    if len(inside) == 1 and (pending is not None or not item.sided):
        # a {number} slot of the phrase: "left knee 25 degrees short of straight",
        # "can't touch my toes, about 12cm off"
        value = toks[inside[0]].number
        if value is not None and lo <= value <= hi:
            if pending is not None and item.sided:
                out.sides[pending] = value
                pending = None
            else:
                out.value = value
                out.unit = item.unit
                return out
    i = last + 1
    while i < len(toks) and i - last <= 8:
        t = toks[i]
        if i in used:
            break
        if t.clause != clause:
            # "left 9 cm. right 12 cm.": the other side may open the next sentence
            other = t.norm in lang.side_words and lang.sides[t.norm] not in out.sides
            if not (item.sided and len(out.sides) == 1 and other):
                break
            clause = t.clause
        if t.norm in lang.sides and (t.norm in lang.side_words or pending is None):
            pending = lang.sides[t.norm]
            out.used.add(i)
            out.last = i
        elif t.number is not None:
            nxt = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].clause == clause else None
            unit = unit_of(nxt, lang)
            out.used.add(i)
            out.last = i
            if unit is not None:
                out.used.add(i + 1)
                out.last = i + 1
                out.unit = unit
                if unit.lower() != item.unit.lower():
                    notes.append(
                        f"{vid}: '{t.raw} {nxt.raw if nxt else ''}' is not in {item.unit}; left out"
                    )
                    return None
            if not lo <= t.number <= hi:
                notes.append(
                    f"{vid}: {t.number:g} {item.unit} is outside the valid range "
                    f"[{lo:g}, {hi:g}]; left out"
                )
                return None
            side = pending
            at = _side_after(toks, out.last, clause, lang) if side is None else None
            if at is not None:  # "9 cm right", "9 cm on the right"
                side = lang.sides[toks[at].norm]
                out.used.add(at)
                out.last = at
            if side is None and item.sided and not out.sides:
                both = _both_sides(toks, out.last + 1, clause, lang)
                if both is not None:  # "7 cm on both sides": one value for each side
                    out.sides = {"left": t.number, "right": t.number}
                    out.used.update(both)
                    out.last = max(both)
                    break
            if side is not None and item.sided:
                out.sides[side] = t.number
                pending = None
                if len(out.sides) == 2:
                    break
                i = out.last + 1
                continue
            out.value = t.number
            break
        elif t.filler or t.norm in lang.measure_glue:
            pass
        elif out.sides:
            break
        i += 1
    if out.sides or out.value is not None:
        out.unit = out.unit or item.unit
        return out
    if item.sided:
        pairs = _sides_before(toks, first, clause, used, lang)
        if pairs:  # "left 11cm right 13cm knee to wall", "Left 7, right 10 on the knee-to-wall"
            got: dict[str, float] = {}
            for side, k, u in pairs:
                number = toks[k].number
                if number is None or (u is not None and u.lower() != item.unit.lower()):
                    break
                if not lo <= number <= hi:
                    break
                got[side] = number
            else:
                start = pairs[0][1]
                while start > 0 and toks[start].norm not in lang.sides:
                    start -= 1  # back to the side word that opens the run ("Right side 9")
                out.sides = got
                out.used.update(range(start, first))
                out.unit = item.unit
                return out
    # a number just before the phrase: "7 cm knee to wall"
    j = first - 1
    if j >= 0 and toks[j].clause == clause:
        u = unit_of(toks[j], lang)
        k = j - 1 if u is not None else j
        ahead = toks[k].number if k >= 0 and k not in used else None
        if (
            ahead is not None
            and toks[k].clause == clause
            and (u is None or u.lower() == item.unit.lower())
            and lo <= ahead <= hi
        ):
            out.used.update({k, j})
            out.value = ahead
            out.unit = u or item.unit
            return out
    return None

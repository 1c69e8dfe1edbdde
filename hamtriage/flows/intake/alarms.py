"""Alarm words: words that hint at a red flag the phrase lexicon could not resolve.

An alarm word left over after phrase matching ("numb", "pee", "pop", "swollen", "can't
walk", ...) is never dropped: it becomes a *suspected* red-flag item, chosen by the
words around it (``numb`` near ``bum`` or ``groin`` -> ``saddle_numbness``; ``pop`` near
``achilles`` or ``heel`` -> ``achilles_pop_or_gap``). A suspected item counts for the
level until the athlete answers its question. Alarms name item ids of the bundled
pack; an alarm whose item a pack does not have is skipped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ...rules.languages import ENGLISH, Alarm, Language
from .tokens import Tok

__all__ = ["ALARMS", "INJURY", "Alarm", "find_alarms"]

ALARMS = ENGLISH.alarms
"""The English alarms (each language's: ``Language.alarms``)."""
INJURY = ENGLISH.injury


@functools.lru_cache(maxsize=8)
def _by_first(lang: Language) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """First key -> (alarm index, word sequence), for ``lang``'s alarms (read-only)."""
    out: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for n, alarm in enumerate(lang.alarms):
        for seq in alarm.words:
            out.setdefault(seq[0], []).append((n, seq))
    return out


_CONTEXT = 14


@dataclass(frozen=True, slots=True)
class Hit:
    """An alarm found in the text: its tokens and the item it points to."""

    idxs: tuple[int, ...]
    item: str


def _sequence(
    toks: list[Tok], i: int, seq: tuple[str, ...], free: set[int], scoped: bool = False
) -> tuple[int, ...]:
    got = [i]
    j = i + 1
    for want in seq[1:]:
        while (
            j < len(toks)
            and toks[j].filler
            and toks[j].key != want
            and toks[j].clause == toks[i].clause
        ):
            j += 1
        if j >= len(toks) or toks[j].clause != toks[i].clause or j not in free:
            return ()
        if scoped and toks[j].seg != toks[i].seg:
            return ()  # "niet, lopen gaat goed" is no "niet lopen"
        if toks[j].key != want and toks[j].norm != want:
            return ()
        got.append(j)
        j += 1
    return tuple(got)


def _near(
    toks: list[Tok],
    content: list[int],
    at: list[int],
    first: int,
    last: int,
    lang: Language,
    keep_denied: bool = False,
) -> set[str]:
    """Keys and norms of the content words within :data:`_CONTEXT` content words of the
    alarm, plus ``@both`` when both sides are named and ``w+`` for a word near an injury.
    A word right after a negation is left out unless ``keep_denied`` (the alarm is itself
    denied: "not swollen, not hot" denies the hot swollen joint)."""
    lo = max(0, at[first] - _CONTEXT)
    hi = min(len(content), at[last] + _CONTEXT + 1)
    near: set[str] = set()
    negations = lang.negations
    prev: Tok | None = None
    for k in content[lo:hi]:
        t = toks[k]
        # a denied word is no context: "a bruise ... there was no pop" is no pop
        denied = (
            prev is not None
            and prev.seg == t.seg
            and (prev.key in negations or prev.norm in negations)
        )
        prev = t
        if denied and not keep_denied and k not in (first, last):
            continue
        near.add(t.key)
        near.add(t.norm)
    if {lang.sides[w] for w in near if w in lang.sides} >= {"left", "right"}:
        near.add("@both")
    if near & lang.injury:
        near.update([f"{w}+" for w in near])
    return near


def find_alarms(
    toks: list[Tok], free: set[int], known: frozenset[str], lang: Language = ENGLISH
) -> list[Hit]:
    """Alarms of ``lang`` among the ``free`` tokens whose item is one of ``known``."""
    by_first = _by_first(lang)
    out: list[Hit] = []
    taken: set[int] = set()
    content: list[int] = []
    # per token: its content word's ordinal (a list, not a dict: every token has one);
    # built when the first alarm sequence is found (most words start none)
    at: list[int] = []
    for i in sorted(free):
        if i in taken:
            continue
        t = toks[i]
        by_key = by_first.get(t.key)
        by_norm = by_first.get(t.norm) if t.norm != t.key else None
        if by_key is None and by_norm is None:
            continue
        seqs = [*(by_key or ()), *(by_norm or ())]
        if not at:
            content = [k for k, tk in enumerate(toks) if not tk.filler]
            n_seen = 0
            for tk in toks:  # a filler counts as the content word before it
                if not tk.filler:
                    n_seen += 1
                at.append(n_seen - 1 if n_seen else 0)
        for n, seq in seqs:
            idxs = _sequence(toks, i, seq, free, lang.negation_in_scope)
            if not idxs:
                continue
            before = content[at[i] - 1] if at[i] > 0 and not t.filler else -1
            denied = (
                before >= 0
                and toks[before].clause == t.clause
                and (toks[before].key in lang.negations or toks[before].norm in lang.negations)
            )
            near = _near(toks, content, at, i, idxs[-1], lang, denied)
            item = next(
                (
                    vid
                    for ctx, vid in lang.alarms[n].items
                    if vid in known and (ctx is None or ctx & near)
                ),
                None,
            )
            if item is not None:
                out.append(Hit(idxs, item))
                taken.update(idxs)
                break
    return out


AGE_SCREENS: tuple[tuple[str, str, int, int], ...] = (("back_pain_is_new", "low_back", 20, 50),)
"""(item, region, low, high): with a complaint of the region at an age under ``low`` or over
``high``, the item is suspected until asked ("63yo, low back ache": is it new?)."""

VALUE_SCREENS: tuple[tuple[str, str, float, str], ...] = (
    ("pain_not_improving", "pain_duration_weeks", 6.0, "low_back"),
)
"""(item, measurement, above, region): a complaint of the region that has lasted longer
than this is suspected not to be improving until asked (NICE NG59: over 6 weeks)."""


def screens(
    present: dict[str, str],
    age: int | None,
    keys: set[str],
    regions: dict[str, str],
    lang: Language,
    values: dict[str, float] | None = None,
) -> list[tuple[str, str, str]]:
    """Red-flag items to suspect from what the text settles together, not from one word:
    (item, the id whose mention it rests on, why). ``present``: id -> state."""
    out: list[tuple[str, str, str]] = []
    have = [v for v, s in present.items() if s == "present"]
    for item, region, low, high in AGE_SCREENS:
        if age is None or low <= age <= high or item in present:
            continue
        basis = next((v for v in have if regions.get(v) == region), None)
        if basis is not None:
            out.append((item, basis, f"{basis} at age {age}: is it new?"))
    for item, mid, above, region in VALUE_SCREENS:
        value = (values or {}).get(mid)
        if value is None or value <= above or item in present:
            continue
        basis = next((v for v in have if regions.get(v) == region), None)
        if basis is not None:
            out.append((item, basis, f"{basis} for {value:g} ({mid}): is it improving?"))
    for basis_ids, words, item in lang.pair_screens:
        if item in present or not keys & words:
            continue
        basis = next((v for v in have if v in basis_ids), None)
        if basis is not None:
            out.append((item, basis, f"{basis} with '{min(keys & words)}': not yet asked"))
    return out

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
from itertools import accumulate, compress
from operator import add, itemgetter, not_

from ...rules.languages import ENGLISH, Alarm, Language
from .tokens import Tok

__all__ = ["ALARMS", "INJURY", "Alarm", "alarm_starts", "find_alarms"]

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
_KEY, _NORM, _FILLER = (itemgetter(Tok._fields.index(f)) for f in ("key", "norm", "filler"))


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
    lo: int,
    hi: int,
    first: int,
    last: int,
    lang: Language,
    keep_denied: bool = False,
) -> tuple[set[str], bool]:
    """Keys and norms of the content words ``content[lo:hi]`` (those within
    :data:`_CONTEXT` content words of the alarm), plus ``@both`` when both sides are named;
    and whether an injury word is among them (then each word ``w`` also counts as ``w+``).
    A word right after a negation is left out unless ``keep_denied`` (the alarm is itself
    denied: "not swollen, not hot" denies the hot swollen joint)."""
    window = [toks[k] for k in content[lo:hi]]
    negations = lang.negations
    # isdisjoint stops at the first negation: a window full of them costs little here
    if keep_denied or (
        negations.isdisjoint(map(_KEY, window)) and negations.isdisjoint(map(_NORM, window))
    ):
        near = set(map(_KEY, window))  # no word is denied: the sets in C, no step per word
        near.update(map(_NORM, window))
    else:
        near = set()
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
            if denied and k not in (first, last):
                continue
            near.add(t.key)
            near.add(t.norm)
    sides = lang.sides
    if {sides[w] for w in near.intersection(sides)} >= {"left", "right"}:
        near.add("@both")
    # not a "w+" string per word: an item's "w+" words are tested by their "w" (_contexts)
    return near, not near.isdisjoint(lang.injury)


@functools.lru_cache(maxsize=8)
def _contexts(
    lang: Language,
) -> tuple[tuple[tuple[frozenset[str] | None, frozenset[str], str], ...], ...]:
    """Per alarm of ``lang``, its items as (context words, the words of its ``w+`` entries
    without the ``+``, item id) (read-only)."""
    return tuple(
        tuple(
            (ctx, frozenset(w[:-1] for w in ctx or () if w.endswith("+")), vid)
            for ctx, vid in alarm.items
        )
        for alarm in lang.alarms
    )


@functools.lru_cache(maxsize=8)
def alarm_starts(lang: Language) -> frozenset[str]:
    """The words that start one of ``lang``'s alarm sequences (read-only)."""
    return frozenset(_by_first(lang))


def find_alarms(
    toks: list[Tok],
    free: set[int],
    known: frozenset[str],
    lang: Language = ENGLISH,
    some: list[tuple[int, Tok]] | None = None,
) -> list[Hit]:
    """Alarms of ``lang`` among the ``free`` tokens whose item is one of ``known``.
    ``some``: the tokens (with their places, in order) holding a superset of
    :func:`alarm_starts`, if the caller has them."""
    by_first = _by_first(lang)
    starts = alarm_starts(lang)
    contexts = _contexts(lang)
    # most words start no sequence: one comprehension finds those that do
    if some is None:
        found = [i for i in sorted(free) if toks[i].key in starts or toks[i].norm in starts]
    else:
        found = [i for i, t in some if i in free and (t.key in starts or t.norm in starts)]
    if not found:
        return []
    out: list[Hit] = []
    taken: set[int] = set()
    # the content words, and per token how many content words stand up to it (a filler
    # counts as the content word before it): in C, not a step per token
    fillers = list(map(_FILLER, toks))
    content = list(compress(range(len(toks)), map(not_, fillers)))
    upto = list(accumulate(map(not_, fillers), add, initial=0))[1:]
    for i in found:
        if i in taken:
            continue
        t = toks[i]
        by_key = by_first.get(t.key)
        by_norm = by_first.get(t.norm) if t.norm != t.key else None
        seqs = [*(by_key or ()), *(by_norm or ())]
        at = upto[i] - 1 if upto[i] else 0  # this word's content ordinal
        for n, seq in seqs:
            # a one-word sequence is the word itself
            idxs = (i,) if len(seq) == 1 else _sequence(toks, i, seq, free, lang.negation_in_scope)
            if not idxs:
                continue
            before = content[at - 1] if at > 0 and not t.filler else -1
            denied = (
                before >= 0
                and toks[before].clause == t.clause
                and (toks[before].key in lang.negations or toks[before].norm in lang.negations)
            )
            near: set[str] | None = None  # built only for an item that reads it
            injured = False
            item = None
            for ctx, plus, vid in contexts[n]:
                if vid not in known:
                    continue
                if ctx is not None:
                    if near is None:
                        end = upto[idxs[-1]] - 1 if upto[idxs[-1]] else 0
                        lo = max(0, at - _CONTEXT)
                        hi = min(len(content), end + _CONTEXT + 1)
                        near, injured = _near(toks, content, lo, hi, i, idxs[-1], lang, denied)
                    if ctx.isdisjoint(near) and not (injured and not plus.isdisjoint(near)):
                        continue
                item = vid
                break
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

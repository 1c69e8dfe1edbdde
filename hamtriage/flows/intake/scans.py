"""Indexes for the context rules: n-grams by first word and word sets per language, and where a text's n-grams start."""

from __future__ import annotations

import bisect
import functools
from typing import NamedTuple

from ...rules.languages import ENGLISH, Language
from .tokens import Tok

__all__ = ["Derived", "Marks", "any_in", "by_first", "derived", "marks"]


@functools.lru_cache(maxsize=64)
def by_first(lang: Language, name: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """First word -> the n-grams of ``lang``'s list ``name`` starting with it (read-only).
    Keyed by the profile (hashed by identity) and the list's name: a key of the n-grams
    themselves would hash every n-gram on each call."""
    out: dict[str, list[tuple[str, ...]]] = {}
    grams: tuple[tuple[str, ...], ...] = getattr(lang, name)
    for gram in grams:
        out.setdefault(gram[0], []).append(gram)
    return {w: tuple(g) for w, g in out.items()}


class Derived(NamedTuple):
    """Word sets derived from a language's lists, for the per-word tests of :func:`.context.classify`."""

    other: frozenset[str]
    """Someone else, and their possessive ("dad", "dads"): ``norm[:-1]`` of an ``s`` word."""
    coached: frozenset[str]
    """The possessives of someone the writer reports for ("clients")."""
    stop: frozenset[str]
    """Words that end a negation's scope before the phrase (not "and": it may list)."""


@functools.lru_cache(maxsize=8)
def derived(lang: Language) -> Derived:
    """The :class:`Derived` sets of ``lang`` (read-only; keyed by the profile's identity)."""
    return Derived(
        lang.other_person | {w + "s" for w in lang.other_person},
        frozenset(w + "s" for w in lang.coached),
        lang.scope_end - lang.and_words,
    )


class Marks(NamedTuple):
    """Where, in one text's tokens, a word starts one of the language's n-grams (in order):
    found in one pass per parse, so a mention with none near skips that scan."""

    resolved: list[int]
    hypothetical: list[int]


def marks(toks: list[Tok], lang: Language = ENGLISH) -> Marks:
    """The :class:`Marks` of ``toks`` (read as the context rules read them:
    a resolved n-gram by its folded words, a hypothetical one by key or folded word)."""
    res, hyp = by_first(lang, "resolved"), by_first(lang, "hypothetical")
    return Marks(
        [k for k, t in enumerate(toks) if t.norm in res] if res else [],
        [k for k, t in enumerate(toks) if t.key in hyp or t.norm in hyp],
    )


def any_in(places: list[int], lo: int, hi: int) -> bool:
    """Whether one of the sorted ``places`` is in ``lo..hi``."""
    i = bisect.bisect_left(places, lo)
    return i < len(places) and places[i] <= hi

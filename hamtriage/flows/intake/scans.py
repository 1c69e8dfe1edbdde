"""Indexes for the context rules: n-grams by first word, word sets per language, and where a text's n-grams, cue words and clauses stand."""

from __future__ import annotations

import bisect
import functools
from operator import itemgetter
from typing import NamedTuple

from ...rules.languages import ENGLISH, Language
from .tokens import Tok

__all__ = [
    "AHEAD",
    "WINDOW",
    "Derived",
    "Marks",
    "any_in",
    "by_first",
    "cues",
    "derived",
    "gram_at",
    "holding",
    "marked_words",
    "marks",
]

_CLAUSE = itemgetter(Tok._fields.index("clause"))

WINDOW = 8
"""Tokens a context rule looks at before a mention."""
AHEAD = 24
"""Tokens looked at after a mention (bounded: parsing stays linear)."""


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


def gram_at(toks: list[Tok], k: int, gram: tuple[str, ...], hi: int, norm_only: bool) -> bool:
    """Whether ``gram`` matches the tokens from ``k`` on, ending at ``hi`` at the latest
    (by folded word, or also by key unless ``norm_only``)."""
    if k + len(gram) - 1 > hi:
        return False
    for m, w in enumerate(gram):
        t = toks[k + m]
        if t.norm != w and (norm_only or t.key != w):
            return False
    return True


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


@functools.lru_cache(maxsize=8)
def cues(lang: Language) -> tuple[frozenset[str], frozenset[str]]:
    """The words by which a context rule other than the resolved, hypothetical n-gram and
    question ones can give a mention a verdict other than present (read-only): those read
    before it or between its words (negations, someone else and their possessives, the
    openings of hypothetical frames, worries), and those read after it (the after-words)."""
    sets = derived(lang)
    before = frozenset().union(
        lang.negations,
        sets.other,
        sets.coached,
        *(opening for opening, _ in lang.hypothetical_frames),
        lang.worry,
    )
    return before, lang.post_negations | lang.post_fine | lang.post_not


class Marks(NamedTuple):
    """Where, in one text's tokens, a word starts one of the language's n-grams (in order),
    where a cue word stands and each token's clause: found in one pass per parse, so a
    mention with none near skips those scans."""

    resolved: list[int]
    """Tokens from which a whole resolved n-gram matches by folded words ("went away")."""
    hypothetical: list[int]
    """Tokens from which a whole hypothetical n-gram matches ("in case", "when to worry")."""
    cued: list[int]
    """Tokens whose key or folded word is one of the words :func:`cues` reads before."""
    cued_after: list[int]
    """Tokens whose key or folded word is one of the words :func:`cues` reads after."""
    clauses: list[int]
    """Each token's clause number (in order, never falling: a clause's first and last
    token are found by bisection)."""


@functools.lru_cache(maxsize=8)
def marked_words(lang: Language) -> frozenset[str]:
    """Every word :func:`marks` looks for (read-only): one probe finds the few tokens to sort."""
    res, hyp = by_first(lang, "resolved"), by_first(lang, "hypothetical")
    cue, after = cues(lang)
    return frozenset().union(res, hyp, cue, after)


def holding(toks: list[Tok], words: frozenset[str]) -> list[tuple[int, Tok]]:
    """The tokens (with their places, in order) whose key or folded word is one of ``words``."""
    return [(k, t) for k, t in enumerate(toks) if t.key in words or t.norm in words]


def marks(
    toks: list[Tok], lang: Language = ENGLISH, some: list[tuple[int, Tok]] | None = None
) -> Marks:
    """The :class:`Marks` of ``toks`` (read as the context rules read them:
    a resolved n-gram by its folded words, a hypothetical one by key or folded word).
    ``some``: :func:`holding` of ``toks`` and a superset of :func:`marked_words`, if the
    caller has it (one pass over the tokens serves several scans)."""
    res, hyp = by_first(lang, "resolved"), by_first(lang, "hypothetical")
    cue, after = cues(lang)
    # one pass over all tokens finds those with any marked word; the four lists are
    # sorted out of those few (a pass per list cost a Python step per token each)
    if some is None:
        some = holding(toks, marked_words(lang))
    return Marks(
        [k for k, t in some if t.norm in res and _opens(toks, k, res, True)],
        [k for k, t in some if (t.key in hyp or t.norm in hyp) and _opens(toks, k, hyp)],
        [k for k, t in some if t.key in cue or t.norm in cue],
        [k for k, t in some if t.key in after or t.norm in after],
        list(map(_CLAUSE, toks)),
    )


def _opens(
    toks: list[Tok], k: int, starts: dict[str, tuple[tuple[str, ...], ...]], norm_only: bool = False
) -> bool:
    """Whether a whole n-gram of ``starts`` (by folded word, or also by key unless
    ``norm_only``) matches from token ``k``."""
    t, hi = toks[k], len(toks) - 1
    if not norm_only:
        for gram in starts.get(t.key, ()):
            if gram_at(toks, k, gram, hi, False):
                return True
    if norm_only or t.norm != t.key:
        for gram in starts.get(t.norm, ()):
            if gram_at(toks, k, gram, hi, norm_only):
                return True
    return False


def any_in(places: list[int], lo: int, hi: int) -> bool:
    """Whether one of the sorted ``places`` is in ``lo..hi``."""
    i = bisect.bisect_left(places, lo)
    return i < len(places) and places[i] <= hi

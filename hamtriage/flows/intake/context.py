"""ConText-style context of a matched phrase: negated, about someone else, hypothetical, worried.

Triggers are looked for before the phrase (within its clause), inside it (a negation
between its words: "pressing on the ankle bones doesn't hurt") and right after it
("numbness: none", "tingling, not anymore"). A trigger's scope ends at a clause break
and at a conjunction ("and", "since", "when", ...); pseudo-triggers ("not only", "no
better", "don't know", "without warning") trigger nothing.

A negation puts an item under ``absent`` only when its scope is unambiguous: the
trigger is at most two content words before the phrase in the same comma segment, or
heads a list of items ("no numbness, tingling or weakness"), or sits inside or right
after the phrase. A negation further away is *ambiguous*: a red-flag item becomes
suspected (asked, and counted for the level), any other item is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ...rules.languages import ENGLISH, Language
from .tokens import Tok

__all__ = ["State", "Verdict", "classify"]


class State(StrEnum):
    """What a mention means for the athlete's report."""

    PRESENT = "present"
    ABSENT = "absent"
    AMBIGUOUS = "ambiguous"  # an unsure negation or a worry: red flags are suspected
    DROPPED = "dropped"  # someone else, or a hypothetical: not about the athlete now


NEGATIONS = ENGLISH.negations
"""English negations (each language's: ``Language.negations``)."""
_WINDOW = 8


@dataclass(frozen=True, slots=True)
class Verdict:
    """The state of one mention and the token that decided it (if any)."""

    state: State
    trigger: int | None = None
    why: str = ""


def _is_trigger(toks: list[Tok], i: int, lang: Language) -> bool:
    key = toks[i].key
    if key not in lang.negations:
        return False
    pseudo = lang.pseudo.get(key)
    if pseudo is None:
        return True
    for j in range(i + 1, min(i + 4, len(toks))):
        t = toks[j]
        if t.clause != toks[i].clause:
            break
        if not t.filler:
            return t.key not in pseudo
    return True


def _before(toks: list[Tok], first: int) -> list[int]:
    """Token indices of the clause before ``first``, nearest first, at most a window."""
    out: list[int] = []
    clause = toks[first].clause
    i = first - 1
    while i >= 0 and toks[i].clause == clause and len(out) < _WINDOW:
        out.append(i)
        i -= 1
    return out


def _has_ngram(toks: list[Tok], idxs: list[int], grams: tuple[tuple[str, ...], ...]) -> bool:
    keys = [toks[i].key for i in reversed(idxs)]
    norms = [toks[i].norm for i in reversed(idxs)]
    for gram in grams:
        n = len(gram)
        for k in range(len(keys) - n + 1):
            if tuple(keys[k : k + n]) == gram or tuple(norms[k : k + n]) == gram:
                return True
    return False


def classify(
    toks: list[Tok],
    idxs: tuple[int, ...],
    items: frozenset[int] = frozenset(),
    lang: Language = ENGLISH,
) -> Verdict:
    """The context of the mention made of tokens ``idxs`` (``items``: tokens of other
    mentions, which may stand between a negation and this one in a list), read with
    the triggers of ``lang``."""
    first, last = min(idxs), max(idxs)
    mine = set(idxs)
    before = _before(toks, first)
    other = lang.other_person
    if any(toks[i].key in other or toks[i].norm in other for i in before):
        who = next(i for i in before if toks[i].key in other or toks[i].norm in other)
        return Verdict(State.DROPPED, who, "about someone else")
    if _has_ngram(toks, before, lang.hypothetical):
        return Verdict(State.DROPPED, before[0], "hypothetical")
    # a negation between the phrase's own words: "ankle bones doesn't hurt"
    for i in range(first + 1, last):
        if i not in mine and _is_trigger(toks, i, lang):
            return Verdict(State.ABSENT, i, "negated")
    # before the phrase
    distance = 0
    crossed = False
    listed = True
    for i in before:
        t = toks[i]
        if t.key in lang.scope_end and t.key not in lang.and_words:
            break
        if t.seg != toks[first].seg:
            crossed = True
        if _is_trigger(toks, i, lang):
            # "no numbness, tingling or weakness": a list closed by "or" in this clause
            glue_or = any(
                toks[k].key in lang.list_closers
                for k in range(i, min(len(toks), last + 4))
                if toks[k].clause == toks[i].clause
            )
            if listed and (not crossed or glue_or):
                return Verdict(State.ABSENT, i, "negated")
            if distance <= 2 and not crossed:
                return Verdict(State.ABSENT, i, "negated")
            return Verdict(State.AMBIGUOUS, i, "negation too far away to be sure")
        if t.key in lang.and_words and i not in items:
            break  # "no back pain and my bum is numb"
        if not t.filler:
            distance += 1
            if i not in items and t.key not in lang.list_glue:
                listed = False
    # right after the phrase: "numbness: none", "tingling - not anymore"
    j = last + 1
    seen = 0
    while j < len(toks) and toks[j].clause == toks[last].clause and seen < 2:
        t = toks[j]
        if t.key in lang.post_negations:
            return Verdict(State.ABSENT, j, "negated")
        if t.key in lang.post_not:
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if nxt is None or nxt.clause != t.clause or nxt.key in lang.post_after_not:
                return Verdict(State.ABSENT, j, "negated")
            break
        if not t.filler:
            seen += 1
        j += 1
    if any(toks[i].key in lang.worry for i in before):
        return Verdict(State.AMBIGUOUS, None, "a worry, not a report")
    return Verdict(State.PRESENT)

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

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import StrEnum

from ...rules.languages import ENGLISH, Language
from .replies import answer, fine_after, is_trigger, said_yes, seg_ends
from .scans import AHEAD as _AHEAD
from .scans import WINDOW as _WINDOW
from .scans import Marks, any_in, by_first, derived, gram_at, marks
from .tokens import Tok

__all__ = ["RESOLVED", "Marks", "State", "Verdict", "classify", "intended", "marks"]


class State(StrEnum):
    """What a mention means for the athlete's report."""

    PRESENT = "present"
    ABSENT = "absent"
    AMBIGUOUS = "ambiguous"  # an unsure negation or a worry: red flags are suspected
    DROPPED = "dropped"  # someone else, or a hypothetical: not about the athlete now


NEGATIONS = ENGLISH.negations
"""English negations (each language's: ``Language.negations``)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The state of one mention and the token that decided it (if any)."""

    state: State
    trigger: int | None = None
    why: str = ""


_PRESENT = Verdict(State.PRESENT)
"""The verdict of most mentions (immutable: one is shared, not built per mention)."""


def _before(toks: list[Tok], first: int) -> list[int]:
    """Token indices of the clause before ``first``, nearest first, at most a window."""
    out: list[int] = []
    clause = toks[first].clause
    i = first - 1
    while i >= 0 and toks[i].clause == clause and len(out) < _WINDOW:
        out.append(i)
        i -= 1
    return out


def _has_ngram(toks: list[Tok], idxs: list[int], lang: Language, name: str) -> bool:
    """One of ``lang``'s n-grams ``name`` occurs in the tokens ``idxs`` (nearest first given)."""
    if not idxs:
        return False
    first = by_first(lang, name)
    lo, hi = min(idxs), max(idxs)
    for k in range(lo, hi + 1):
        t = toks[k]
        # most words start no n-gram: two probes, no tuple built per word
        grams = first.get(t.key)
        if grams is not None:
            for gram in grams:
                if gram_at(toks, k, gram, hi, False):
                    return True
        if t.norm != t.key:
            grams = first.get(t.norm)
            if grams is not None:
                for gram in grams:
                    if gram_at(toks, k, gram, hi, False):
                        return True
    return False


RESOLVED = "over: resolved since"
"""The ``why`` of a mention that is over ("had a fever last month, totally recovered")."""


def _with_self(toks: list[Tok], i: int, lang: Language) -> bool:
    """ "my wife and I": the writer is in it too."""
    nxt = toks[i + 1 : i + 3]
    return len(nxt) == 2 and nxt[0].key in lang.and_words and nxt[1].norm in lang.self_words


def _question(toks: list[Tok], first: int, last: int, lang: Language) -> bool | None:
    """In a general question ("Would a fever mean I should skip training?"): ``True`` if an
    aside follows ("just asking"), ``False`` if not, ``None`` if not in such a question."""
    clause = toks[first].clause
    start = first
    while start > 0 and toks[start - 1].clause == clause and first - start < _AHEAD:
        start -= 1
    if toks[start].key not in lang.question_starts and toks[start].norm not in lang.question_starts:
        return None
    j = last + 1
    while j < len(toks) and toks[j].clause == clause and j - last < _AHEAD:
        j += 1
    if j >= len(toks) or toks[j].brk != "?":
        return None
    ahead = list(range(j, min(len(toks), j + _AHEAD)))
    return _has_ngram(toks, list(reversed(ahead)), lang, "asides")


def _resolved(toks: list[Tok], first: int, last: int, lang: Language) -> int | None:
    """A word in the mention's clause saying it is over ("totally recovered", "went away")."""
    if not lang.resolved:
        return None
    clause = toks[first].clause
    lo = first
    while lo > 0 and toks[lo - 1].clause == clause and first - lo < _WINDOW:
        lo -= 1
    hi = last
    while hi + 1 < len(toks) and toks[hi + 1].clause == clause and hi - last < _AHEAD:
        hi += 1
    starts = by_first(lang, "resolved")
    for k in range(lo, hi + 1):
        if first <= k <= last:
            continue
        for gram in starts.get(toks[k].norm, ()):
            if gram_at(toks, k, gram, hi, True) and not any(
                is_trigger(toks, b, lang) for b in range(max(lo, k - 2), k)
            ):
                return k
    return None


def intended(
    toks: list[Tok], idxs: tuple[int, ...], words: frozenset[str], lang: Language
) -> int | None:
    """A word in the mention's sentence that makes it intended ("down 4 kg as planned"),
    not under a negation ("haven't changed my diet"). Its token, if any."""
    first, last = min(idxs), max(idxs)
    sent = toks[first].sent
    for k in range(max(0, first - _AHEAD), min(len(toks), last + _AHEAD)):
        t = toks[k]
        if t.sent != sent or first <= k <= last:
            continue
        if (t.key in words or t.norm in words) and not any(
            is_trigger(toks, b, lang) for b in range(max(0, k - 3), k) if toks[b].sent == sent
        ):
            return k
    return None


def _framed(toks: list[Tok], before: list[int], last: int, lang: Language) -> bool:
    """An if-clause around the phrase with its verb after it ("als ik tintelingen krijg")."""
    if not before:
        return False
    for opening, verbs in lang.hypothetical_frames:
        if not any(toks[i].key in opening for i in before):
            continue
        clause = toks[last].clause
        for j in range(last + 1, min(len(toks), last + 1 + _WINDOW)):
            if toks[j].clause != clause:
                break
            if toks[j].key in verbs:
                return True
    return False


def classify(
    toks: list[Tok],
    idxs: tuple[int, ...],
    items: frozenset[int] = frozenset(),
    lang: Language = ENGLISH,
    found: Marks | None = None,
) -> Verdict:
    """The context of the mention made of tokens ``idxs`` (``items``: tokens of other
    mentions, which may stand between a negation and this one in a list), read with
    the triggers of ``lang``. ``found``: the :func:`marks` of ``toks``, if the caller has
    them (the same verdict, fewer scans)."""
    first, last = min(idxs), max(idxs)
    if found is None:
        cue = hyp = after = fine_later = answered = asks = over = True
        inside = last - first > 1
    else:
        # which rules can find anything here (each returns only at a word the marks
        # note): the others are skipped, and with none left the mention is present
        clauses = found.clauses
        cstart = bisect_left(clauses, toks[first].clause)
        start = cstart if cstart > first - _AHEAD else first - _AHEAD  # where _question looks
        words = lang.question_starts
        asks = toks[start].key in words or toks[start].norm in words
        lo = cstart if cstart > first - _WINDOW else first - _WINDOW
        cued, cued_after = found.cued, found.cued_after
        i = bisect_left(cued, lo)
        cue = i < len(cued) and cued[i] < first
        inside = False
        if last - first > 1:  # a negation between its words
            i = bisect_left(cued, first + 1)
            inside = i < len(cued) and cued[i] < last
        places = found.hypothetical
        hyp = False
        if places:
            i = bisect_left(places, lo)
            hyp = i < len(places) and places[i] < first
        # the rules after a mention read its last word's clause (to its last token)
        end = bisect_right(clauses, toks[last].clause) - 1
        i = bisect_left(cued_after, last + 1)
        said_after = cued_after[i] if i < len(cued_after) else len(toks)
        after = said_after <= end
        fine_later = bool(lang.fine_skips) and said_after < last + _WINDOW
        # the next clause may answer it ("Bruising? None."): then its first words count
        answered = (
            end + 1 < len(toks)
            and toks[end + 1].brk in ("?", "-")
            and (any_in(cued, end + 1, end + 6) or any_in(cued_after, end + 1, end + 6))
        )
        resolved = found.resolved
        over = bool(resolved) and (
            any_in(resolved, first - _WINDOW, first - 1)
            or any_in(resolved, last + 1, last + _AHEAD)
        )
        if not (asks or cue or hyp or inside or after or fine_later or answered or over):
            return _PRESENT
    before = _before(toks, first) if cue or hyp else []
    near = before
    seg = toks[first].seg
    if lang.context_in_segment:
        near = [i for i in before if toks[i].seg == seg]
    sets = derived(lang)
    if cue:
        # someone else ("dad", the possessive "my wife's"): tested inline, on every word
        # before every mention (the possessives are in the derived set: one probe a word)
        other = lang.other_person
        other_s = sets.other
        for i in near:
            t = toks[i]
            if (t.key in other or t.norm in other_s) and not _with_self(toks, i, lang):
                return Verdict(State.DROPPED, i, "about someone else")
        coached = sets.coached
        if coached:
            # "my client's knee": the possessive of someone the writer reports for
            for i in near:
                if toks[i].norm in coached:
                    return Verdict(State.AMBIGUOUS, i, "about someone the writer reports for")
    hypothetical = (
        hyp
        and (
            bool(near) and any_in(found.hypothetical, min(near), max(near))
            if found is not None
            else True  # not known: scan
        )
        and _has_ngram(toks, near, lang, "hypothetical")
    )
    if hypothetical or (cue and _framed(toks, near, last, lang)):
        return Verdict(State.DROPPED, before[0], "hypothetical")
    asked = _question(toks, first, last, lang) if found is None or asks else None
    if asked:
        return Verdict(State.DROPPED, None, "a general question, not about the writer")
    # a negation between the phrase's own words: "ankle bones doesn't hurt"
    if inside:
        mine = set(idxs)
        for i in range(first + 1, last):
            if i not in mine and is_trigger(toks, i, lang):
                return Verdict(State.ABSENT, i, "negated")
    # right after the phrase: "numbness: none", "tingling - not anymore"
    j = last + 1
    seen = 0
    while after and j < len(toks) and toks[j].clause == toks[last].clause and seen < 2:
        t = toks[j]
        if t.seg != toks[last].seg and not (
            # Dutch "knie: nee": past a ':' or ',' only a denial as the very next word
            lang.context_in_segment
            and (t.filler or t.key in lang.post_negations or t.key in lang.post_not)
        ):
            break
        if t.key in lang.post_negations and seg_ends(toks, j):
            return Verdict(State.ABSENT, j, "negated")
        if t.key in lang.post_fine and seen == 0 and seg_ends(toks, j):
            return Verdict(State.ABSENT, j, "negated")
        if t.key in lang.post_not:
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if (
                nxt is None
                or nxt.clause != t.clause
                or nxt.key in lang.post_after_not
                or (lang.post_not_ends_segment and nxt.seg != t.seg)
            ):
                return Verdict(State.ABSENT, j, "negated")
            break
        if not t.filler:
            seen += 1
        j += 1
    fine = fine_after(toks, last, items, lang) if fine_later else None
    if fine is not None:
        return Verdict(State.ABSENT, fine, "negated")
    # before the phrase
    distance = 0
    crossed = False
    listed = True
    stop, negations, and_words = sets.stop, lang.negations, lang.and_words
    for i in before if cue else ():
        t = toks[i]
        key = t.key
        if key in stop:
            break
        if t.seg != seg:
            crossed = True
        # a trigger is a negation (by key, or by the folded word: "don't")
        if (key in negations or t.norm in negations) and is_trigger(toks, i, lang):
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
        if key in and_words and i not in items:
            break  # "no back pain and my bum is numb"
        if not t.filler:
            distance += 1
            if i not in items and key not in lang.list_glue:
                listed = False
    denial = answer(toks, last, items, lang) if answered else None
    if denial is not None:
        return Verdict(State.ABSENT, denial, "negated")
    # the resolved words can stand only within a window before and _AHEAD after
    done = _resolved(toks, first, last, lang) if found is None or over else None
    if done is not None:
        return Verdict(State.DROPPED, done, RESOLVED)
    if asked is False and said_yes(toks, last, lang):
        return _PRESENT
    if asked is False:
        return Verdict(State.AMBIGUOUS, None, "asked about, not reported")
    if cue and any(toks[i].key in lang.worry for i in before):
        return Verdict(State.AMBIGUOUS, None, "a worry, not a report")
    return _PRESENT

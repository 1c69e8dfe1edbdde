"""Phrase matching: optional words, any word order within a window of one clause, slots, typos.

Each content token (not a filler) looks up the phrases one of whose required words it
is (by lemma key, by ``prefix*``, or as a typo of a long lexicon word); each such phrase
is then completed from the tokens around it in the same clause. The work per token is
bounded by the lexicon, so matching is linear in the length of the text. Overlapping
candidates are resolved greedily: more words matched first, then the tightest spread.
"""

from __future__ import annotations

from typing import NamedTuple

from .lexicon import Lexicon, Phrase
from .tokens import Tok

__all__ = ["Candidate", "find_phrases", "select"]

Places = frozenset[tuple[int, int]]
"""The (phrase, term) places a token fits."""


class Candidate(NamedTuple):
    """A phrase found in the text: the tokens of its required and optional words. A
    named tuple: a parse builds a score of them, and a frozen dataclass costs several
    times more to build."""

    phrase: Phrase
    idxs: tuple[int, ...]
    optional: tuple[int, ...]
    spread: int
    tokens: tuple[int, ...]
    """All tokens the candidate uses, in order (read often)."""


_make = tuple.__new__


def _split_by(toks: list[Tok], used: list[int], scope_end: frozenset[str]) -> bool:
    """Whether a comma or a conjunction stands between the tokens ``used``: a phrase with
    a negation word ("geen gevoel") must not take the negation of another clause part."""
    lo, hi = min(used), max(used)
    if toks[lo].seg != toks[hi].seg:
        return True
    return any(toks[k].key in scope_end for k in range(lo + 1, hi) if k not in used)


def find_phrases(lex: Lexicon, toks: list[Tok]) -> list[Candidate]:
    """Every candidate occurrence of a lexicon phrase in ``toks`` (overlaps included)."""
    content = [i for i, t in enumerate(toks) if not t.filler]
    hits = lex.token_hits(toks)
    phrases = lex.phrases
    spans = lex.spans
    sides = lex.language.side_words
    scope_end = lex.language.scope_end
    scoped = lex.language.negation_in_scope
    # each clause's content tokens (a clause is a run of tokens) and the places it offers:
    # a phrase missing one of its words there cannot match
    members: dict[int, list[int]] = {}
    offered: list[tuple[int, list[int], list[frozenset[int]]]] = []
    where = [0] * len(toks)  # per content token: its position in its clause's row
    rares = lex.rares
    mask = lex.mask
    row: list[int] = []
    masks: list[int] = []
    rare_sets: list[frozenset[int]] = []
    current = -1
    for i in content:
        clause = toks[i].clause
        if clause != current:  # clause numbers only grow: a new one starts a new row
            current = clause
            row = members[clause] = []
            masks, rare_sets = [], []
            offered.append((clause, masks, rare_sets))
        where[i] = len(row)
        row.append(i)
        here = hits[i]
        if here:
            masks.append(mask(here))
            rare_sets.append(rares(here))
    feasible: dict[int, list[int]] = {}
    need_masks = lex.need_masks
    plans = lex.plans
    optionals = lex.optionals
    nearest = lex.nearest
    for clause, masks, rare_sets in offered:
        if not masks:
            continue  # no anchor in this clause: never looked up
        places = 0
        for m in masks:
            places |= m
        # a phrase missing one of its required places in the clause cannot match there
        fit = [
            pid
            for pid in (rare_sets[0] if len(rare_sets) == 1 else frozenset().union(*rare_sets))
            if need_masks[pid] & places == need_masks[pid]
        ]
        fit.sort()  # ascending, the order phrases are tried in: once per clause, not per anchor
        feasible[clause] = fit
    out: dict[tuple[int, tuple[int, ...]], Candidate] = {}
    for anchor in content:
        here = hits[anchor]
        if not here:
            continue
        clause = toks[anchor].clause
        fit = feasible[clause]
        if not fit:
            continue  # no phrase has all its words in this clause
        row = members[clause]
        at = where[anchor]
        windows: dict[int, list[int]] = {}
        firsts = lex.firsts(here)
        for pid in fit:  # a clause's feasible phrases are few, a word's first places many
            if pid not in firsts:
                continue  # tried once, from its first word
            phrase = phrases[pid]
            span = spans[pid]
            window = windows.get(span)
            if window is None:
                # nearest first: ci, ci-1, ci+1, ci-2, ... within the clause (the order of
                # places in a row of this length is memoised on the lexicon)
                window = windows[span] = [row[k] for k in nearest(len(row), at, span)]
            used: list[int] = []
            for place, slot in plans[pid]:
                pick = -1
                # inlined term test (hot loop), the kind of term chosen once per term, not
                # per token; the word test first: it rejects most tokens
                if slot is None:
                    for i in window:
                        if place in hits[i] and i not in used:
                            pick = i
                            break
                elif slot == "number":
                    for i in window:
                        if toks[i].number is not None and i not in used:
                            pick = i
                            break
                else:  # "side"
                    for i in window:
                        if toks[i].key in sides and i not in used:
                            pick = i
                            break
                if pick < 0:
                    break
                used.append(pick)
            else:
                if anchor not in used:
                    continue
                if phrase.negation and scoped and _split_by(toks, used, scope_end):
                    continue  # "gevoel is normaal, geen verdoving": not "geen gevoel"
                idxs = tuple(sorted(used))
                spread = where[idxs[-1]] - where[idxs[0]]  # in content tokens
                if spread > span:
                    continue
                key = (pid, idxs)
                if key not in out:
                    optional = (
                        _optional(optionals[pid], pid, toks, hits, used, clause)
                        if optionals[pid]
                        else ()
                    )
                    tokens = tuple(sorted((*idxs, *optional))) if optional else idxs
                    out[key] = _make(Candidate, (phrase, idxs, optional, spread, tokens))
    return list(out.values())


def _optional(
    terms: tuple[int, ...],
    pid: int,
    toks: list[Tok],
    hits: list[frozenset[tuple[int, int]]],
    used: list[int],
    clause: int,
) -> tuple[int, ...]:
    """Tokens of the phrase's optional (non-filler) words ``terms`` right next to its span
    (fillers are allowed, but not part of the span: "my", "up")."""
    first, last = min(used), max(used)
    found: list[int] = []
    for ti in terms:
        for i in range(max(0, first - 2), min(len(toks), last + 3)):
            if (
                i not in used
                and i not in found
                and toks[i].clause == clause
                and (pid, ti) in hits[i]
            ):
                found.append(i)
                break
    return tuple(sorted(found))


def select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: most required words, then optional ones, then tightest."""
    ranked = sorted(
        cands,
        key=lambda c: (-c.phrase.required, -len(c.optional), c.spread, c.idxs[0], c.phrase.vid),
    )
    taken: set[int] = set()
    chosen: list[Candidate] = []
    for c in ranked:
        if not taken.isdisjoint(c.idxs):
            continue
        if c.optional:
            opt = tuple(i for i in c.optional if i not in taken)
            if opt != c.optional:
                c = Candidate(c.phrase, c.idxs, opt, c.spread, tuple(sorted((*c.idxs, *opt))))
        chosen.append(c)
        taken.update(c.tokens)
    chosen.sort(key=lambda c: c.idxs[0])
    return chosen

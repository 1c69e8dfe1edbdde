"""Phrase matching: optional words, any word order within a window of one clause, slots, typos.

Each content token (not a filler) looks up the phrases one of whose required words it
is (by lemma key, by ``prefix*``, or as a typo of a long lexicon word); each such phrase
is then completed from the tokens around it in the same clause. The work per token is
bounded by the lexicon, so matching is linear in the length of the text. Overlapping
candidates are resolved greedily: more words matched first, then the tightest spread.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...rules.phrases import FILLERS, Term
from .lexicon import Lexicon, Phrase
from .tokens import Tok

__all__ = ["Candidate", "find_phrases", "select"]

_SIDE_WORDS = frozenset({"left", "right"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase found in the text: the tokens of its required and optional words."""

    phrase: Phrase
    idxs: tuple[int, ...]
    optional: tuple[int, ...]
    spread: int

    @property
    def tokens(self) -> tuple[int, ...]:
        """All tokens the candidate uses, in order."""
        return tuple(sorted((*self.idxs, *self.optional)))


def _fits(term: Term, tok: Tok, typo: str | None) -> bool:
    if term.slot == "number":
        return tok.number is not None
    if term.slot == "side":
        return tok.key in _SIDE_WORDS
    for w in term.words:
        if w.endswith("*"):
            if tok.key.startswith(w[:-1]) or tok.norm.startswith(w[:-1]):
                return True
        elif w == tok.key or w == tok.norm or w == typo:
            return True
    return False


def _slack(required: int) -> int:
    return 1 if required <= 2 else 2


def find_phrases(lex: Lexicon, toks: list[Tok]) -> list[Candidate]:
    """Every candidate occurrence of a lexicon phrase in ``toks`` (overlaps included)."""
    content = [i for i, t in enumerate(toks) if not t.filler]
    ordinal = {i: k for k, i in enumerate(content)}
    typos: dict[int, str | None] = {}
    anchors: list[list[int]] = []
    for i in content:
        t = toks[i]
        found = list(lex.index.get(t.key, ()))
        if t.norm != t.key:
            found += lex.index.get(t.norm, ())
        typo: str | None = None
        if not found and t.number is None:
            typo = lex.fuzzy(t.norm)
            if typo is not None:
                found += lex.index.get(typo, ())
        typos[i] = typo
        for prefix, pid in lex.prefixes:
            if t.key.startswith(prefix) or t.norm.startswith(prefix):
                found.append(pid)
        anchors.append(found)

    out: dict[tuple[int, tuple[int, ...]], Candidate] = {}
    for ci, pids in enumerate(anchors):
        if not pids:
            continue
        anchor = content[ci]
        clause = toks[anchor].clause
        for pid in dict.fromkeys(pids):
            phrase = lex.phrases[pid]
            span = phrase.required + _slack(phrase.required) - 1
            lo, hi = max(0, ci - span), min(len(content) - 1, ci + span)
            window = [
                content[k]
                for k in sorted(range(lo, hi + 1), key=lambda k: abs(k - ci))
                if toks[content[k]].clause == clause
            ]
            used: list[int] = []
            ok = True
            for term in phrase.terms:
                if term.optional:
                    continue
                pick = next(
                    (
                        i
                        for i in window
                        if i not in used and _fits(term, toks[i], typos.get(i))
                    ),
                    None,
                )
                if pick is None:
                    ok = False
                    break
                used.append(pick)
            if not ok or anchor not in used:
                continue
            ordinals = sorted(ordinal[i] for i in used)
            spread = ordinals[-1] - ordinals[0]
            if spread > span:
                continue
            first, last = min(used), max(used)
            optional: list[int] = []
            for term in phrase.terms:
                if not term.optional or term.slot is not None:
                    continue
                if all(w in FILLERS for w in term.words):
                    continue  # allowed, but not part of the span ("my", "up")
                for i in range(max(0, first - 2), min(len(toks), last + 3)):
                    if (
                        i not in used
                        and i not in optional
                        and toks[i].clause == clause
                        and _fits(term, toks[i], None)
                    ):
                        optional.append(i)
                        break
            # optional words only widen the span when they touch it
            lo_i, hi_i = first, last
            kept: list[int] = []
            for i in sorted(optional, key=lambda i: min(abs(i - first), abs(i - last))):
                if lo_i - 2 <= i <= hi_i + 2:
                    kept.append(i)
                    lo_i, hi_i = min(lo_i, i), max(hi_i, i)
            key = (pid, tuple(sorted(used)))
            if key not in out:
                out[key] = Candidate(phrase, tuple(sorted(used)), tuple(sorted(kept)), spread)
    return list(out.values())


def select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: most required words, then optional ones, then tightest."""
    ranked = sorted(
        cands,
        key=lambda c: (-c.phrase.required, -len(c.optional), c.spread, c.idxs[0], c.phrase.vid),
    )
    taken: set[int] = set()
    chosen: list[Candidate] = []
    for c in ranked:
        if taken.intersection(c.idxs):
            continue
        opt = tuple(i for i in c.optional if i not in taken)
        c2 = c if opt == c.optional else Candidate(c.phrase, c.idxs, opt, c.spread)
        chosen.append(c2)
        taken.update(c2.tokens)
    chosen.sort(key=lambda c: c.idxs[0])
    return chosen

"""How a chosen mention is read for its item: nested mentions, numbers, soreness, past and intended mentions."""

from __future__ import annotations

from ...rules.languages import Language
from ...rules.pack import RulePack
from .context import RESOLVED, State, Verdict, intended
from .lexicon import Lexicon
from .matcher import Candidate
from .tokens import Tok

__all__ = ["adjust", "has_number", "soreness", "with_nested"]


def soreness(toks: list[Tok], idxs: tuple[int, ...], lang: Language) -> bool:
    lo, hi = max(0, min(idxs) - 12), min(len(toks), max(idxs) + 13)
    near = {toks[k].key for k in range(lo, hi)} | {toks[k].norm for k in range(lo, hi)}
    bigrams = {(toks[k].key, toks[k + 1].key) for k in range(lo, hi - 1)}
    return bool(
        (near & lang.soreness or bigrams & lang.soreness_bigrams)
        and not near & (lang.injury | lang.soreness_blockers)
    )


def has_number(c: Candidate, toks: list[Tok]) -> bool:
    """A measurement's words with no number near leave their words free ("two weeks back":
    the alarm "week" still reads them)."""
    if c.phrase.kind != "measurement":
        return True
    lo, hi = max(0, min(c.idxs) - 4), min(len(toks), max(c.idxs) + 5)
    return any(toks[k].number is not None for k in range(lo, hi))


def with_nested(chosen: list[Candidate], cands: list[Candidate]) -> list[Candidate]:
    """Also keep a mention of another item inside a chosen one ("new lower back ache" is
    new back pain *and* back pain), and a complaint whose words only a test's value took
    ("can't touch my toes, about 12cm off" is the complaint *and* the distance)."""
    vids = {c.phrase.vid for c in chosen}
    owner = {i: n for n, o in enumerate(chosen) for i in o.tokens}
    taken = {i for o in chosen if o.phrase.kind != "measurement" for i in o.tokens}
    out = list(chosen)
    for c in cands:
        if c.phrase.vid in vids or c.phrase.kind not in ("symptom", "history"):
            continue
        owners = {owner.get(i, -1) for i in c.tokens}
        inside = len(owners) == 1 and -1 not in owners  # all its words in one chosen mention
        # a complaint may share words with a test's value, never with another complaint:
        # "can't touch my toes, about 12cm off" is both
        beside = owners != {-1} and not taken.intersection(c.tokens)
        if inside or beside:
            out.append(c)
            vids.add(c.phrase.vid)
            taken.update(c.tokens)
    out.sort(key=lambda c: c.idxs[0])
    return out


OVER_MEANS_GONE = frozenset({"widespread_neurology", "fever_or_unwell", "night_pain"})
"""Red-flag signs that are gone once over (a passing tingle, last month's fever, one bad
night); any other sign that is over (a knee that locked or swelled, a pop, numbness
down below) stays asked: the episode itself is the sign."""


def adjust(
    verdict: Verdict,
    vid: str,
    toks: list[Tok],
    idxs: tuple[int, ...],
    lex: Lexicon,
    pack: RulePack,
    affirms: bool = False,
) -> Verdict:
    """What a mention's context means for this item: a past illness is still history ("had
    cancer, all clear"); a red-flag sign that is over is still asked unless it is one of
    :data:`OVER_MEANS_GONE`; a weight loss on a cut is intended."""
    lang = lex.language
    if verdict.state is State.DROPPED and verdict.why == RESOLVED:
        if lex.kinds[vid] == "history":
            return Verdict(State.PRESENT)
        if vid in lex.red_flags and vid not in OVER_MEANS_GONE:
            return Verdict(State.AMBIGUOUS, verdict.trigger, "over now, but the episode is a sign")
    if verdict.state is State.PRESENT and vid in lang.intended and not affirms:
        # a denial stays one: "weight is stable, I'm bulking" is no intended weight loss
        why = intended(toks, idxs, lang.intended[vid], lang)
        if why is not None:
            return Verdict(State.DROPPED, why, f"intended ('{toks[why].raw}')")
    return verdict

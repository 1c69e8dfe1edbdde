"""Alarm words: words that hint at a red flag the phrase lexicon could not resolve.

An alarm word left over after phrase matching ("numb", "pee", "pop", "swollen", "can't
walk", ...) is never dropped: it becomes a *suspected* red-flag item, chosen by the
words around it (``numb`` near ``bum`` or ``groin`` -> ``saddle_numbness``; ``pop`` near
``achilles`` or ``heel`` -> ``achilles_pop_or_gap``). A suspected item counts for the
level until the athlete answers its question. Alarms name item ids of the bundled
pack; an alarm whose item a pack does not have is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tokens import Tok

__all__ = ["ALARMS", "Alarm", "find_alarms"]

_W = frozenset

SADDLE = _W(
    [
        "groin",
        "bum",
        "butt",
        "backside",
        "bottom",
        "anus",
        "anal",
        "genital",
        "genitals",
        "private",
        "privates",
        "perineum",
        "saddle",
        "crotch",
        "wipe",
        "toilet",
        "loo",
        "undercarriage",
        "vagina",
        "penis",
        "scrotum",
        "testicle",
        "arse",
        "ass",
        "buttcheek",
        "cheek",
    ]
)
BOTH = _W({"both", "leg", "legs"})
ARMS = _W(["arm", "hand", "finger", "everywhere", "spread", "spreading", "face", "body", "whole"])
INJURY = _W(
    [
        "injury",
        "injure",
        "hurt",
        "drop",
        "dropped",
        "bar",
        "kick",
        "kicked",
        "tackle",
        "tackled",
        "fall",
        "fell",
        "crash",
        "hit",
        "land",
        "landed",
        "twist",
        "twisted",
        "roll",
        "rolled",
        "break",
        "broke",
        "fracture",
        "cast",
        "accident",
        "impact",
        "collide",
    ]
)
LIMB = _W(["foot", "toe", "ankle", "shin", "calf", "leg", "heel", "knee"])
KNEE = _W({"knee", "kneecap", "patella"})
ANKLE = _W({"ankle"})
CALF = _W({"calf", "shin"})
HAMSTRING = _W(
    [
        "hamstring",
        "hammy",
        "buttock",
        "glute",
        "thigh",
        "rdl",
        "deadlift",
        "sit",
        "sprint",
        "sprinting",
        "bum",
        "butt",
    ]
)
ACHILLES = _W(["achilles", "heel", "tendon", "calf", "ankle", "tiptoe"])
HOT = _W({"hot", "red", "warm", "heat", "burning"})
BACK = _W({"back", "spine", "lumbar", "sciatica", "disc"})
NIGHT_CTX = _W({"wake", "woke", "sleep", "awake", "night", "keep"})
PAIN = _W(["pain", "hurt", "ache", "aching", "throb", "throbbing", "agony"])
STOPPED = _W(
    [
        "stop",
        "stopped",
        "limp",
        "limping",
        "hobble",
        "hobbled",
        "pull",
        "pulled",
        "went",
        "tear",
        "tore",
        "twang",
        "grab",
    ]
)
BONE = _W(
    [
        "bone",
        "bony",
        "malleolus",
        "kneecap",
        "knobbly",
        "knobble",
        "metatarsal",
        "navicular",
        "fibula",
    ]
)
TRAUMA_CTX = _W(
    ["height", "ladder", "roof", "stairs", "horse", "car", "motorbike", "scaffold", "wall"]
)


@dataclass(frozen=True, slots=True)
class Alarm:
    """Trigger word sequences (keys; fillers between are skipped) and, in order, the
    item to suspect: the first whose context words occur nearby (``None``: always)."""

    words: tuple[tuple[str, ...], ...]
    items: tuple[tuple[frozenset[str] | None, str], ...]


_NUMB_ITEMS: tuple[tuple[frozenset[str] | None, str], ...] = (
    (SADDLE, "saddle_numbness"),
    (ARMS, "widespread_neurology"),
    (_W({"both", "legs"}), "progressive_leg_weakness"),
    (INJURY, "injured_limb_cold_or_numb"),
    (None, "widespread_neurology"),
)

ALARMS: tuple[Alarm, ...] = (
    Alarm(
        (
            ("numb",),
            ("tingle",),
            ("pin", "needle"),
            ("cant", "feel"),
            ("no", "feeling"),
            ("no", "sensation"),
            ("lose", "sensation"),
            ("lose", "feeling"),
            ("reduce", "sensation"),
        ),
        _NUMB_ITEMS,
    ),
    Alarm(
        (("dead",), ("asleep",), ("odd",), ("weird",), ("strange",)), ((SADDLE, "saddle_numbness"),)
    ),
    Alarm(
        (
            ("pee",),
            ("wee",),
            ("urine",),
            ("urinate",),
            ("bladder",),
            ("piss",),
            ("incontinent",),
            ("incontinence",),
            ("dribble",),
            ("leak",),
            ("wet", "myself"),
            ("wet", "pants"),
            ("catheter",),
            ("bowel",),
            ("poo",),
            ("poop",),
            ("faecal",),
            ("fecal",),
            ("soil",),
            ("accident", "pants"),
        ),
        ((None, "bladder_or_bowel_dysfunction"),),
    ),
    Alarm(
        (
            ("sex",),
            ("erection",),
            ("impotence",),
            ("impotent",),
            ("orgasm",),
            ("ejaculate",),
            ("libido",),
        ),
        ((None, "new_sexual_dysfunction"),),
    ),
    Alarm(
        (("foot", "drop"), ("drag",), ("trip",), ("slap",), ("give", "out"), ("buckle",)),
        ((KNEE, "knee_giving_way"), (None, "progressive_leg_weakness")),
    ),
    Alarm(
        (("weak",), ("weakness",)),
        (
            (_W({"push", "tiptoe", "toe", "raise"}), "achilles_pop_or_gap"),
            (_W({"both"}), "progressive_leg_weakness"),
            (_W({"foot"}), "progressive_leg_weakness"),
        ),
    ),
    Alarm(
        (
            ("fever",),
            ("feverish",),
            ("temperature",),
            ("chill",),
            ("shiver",),
            ("rigor",),
            ("night", "sweat"),
            ("sweat", "night"),
            ("unwell",),
            ("flu",),
            ("sweats",),
        ),
        ((None, "fever_or_unwell"),),
    ),
    Alarm(
        (
            ("lose", "weight"),
            ("weight", "loss"),
            ("weight", "drop"),
            ("drop", "weight"),
            ("lose", "kg"),
            ("lose", "kilo"),
            ("lose", "pound"),
            ("lose", "stone"),
        ),
        ((None, "unexplained_weight_loss"),),
    ),
    Alarm(
        (
            ("cancer",),
            ("tumour",),
            ("tumor",),
            ("chemo",),
            ("chemotherapy",),
            ("radiotherapy",),
            ("lymphoma",),
            ("leukaemia",),
            ("leukemia",),
            ("melanoma",),
            ("malignant",),
            ("oncology",),
            ("oncologist",),
        ),
        ((None, "cancer_history"),),
    ),
    Alarm(
        (("pop",), ("snap",), ("gap",), ("dent",), ("kick",), ("rupture",), ("tear",), ("rip",)),
        (
            (ACHILLES, "achilles_pop_or_gap"),
            (HAMSTRING, "thigh_pop_with_bruising"),
            (KNEE, "rapid_knee_swelling"),
        ),
    ),
    Alarm(
        (("swell",), ("swelling",), ("balloon",), ("puffy",), ("fluid",)),
        (
            (HOT, "hot_swollen_joint"),
            (KNEE, "rapid_knee_swelling"),
            (ANKLE, "ankle_pain_not_settling"),
            (None, "hot_swollen_joint"),
        ),
    ),
    Alarm(
        (("bruise",), ("bruising",)),
        ((HAMSTRING, "thigh_pop_with_bruising"), (ACHILLES, "achilles_pop_or_gap")),
    ),
    Alarm((("lock",), ("stuck",), ("cant", "straighten")), ((KNEE, "knee_locked"),)),
    Alarm(
        (("give", "way"), ("unstable",), ("buckle",), ("wobbly",)),
        ((KNEE, "knee_giving_way"),),
    ),
    Alarm(
        (("cold",), ("pale",), ("blue",), ("white",)),
        ((LIMB, "injured_limb_cold_or_numb"),),
    ),
    Alarm(
        (
            ("cant", "walk"),
            ("unable", "walk"),
            ("cant", "put", "weight"),
            ("cant", "bear"),
            ("cant", "weight"),
            ("cant", "stand"),
            ("crutch",),
            ("hobble",),
            ("hop", "around"),
        ),
        (
            (INJURY | LIMB, "unable_to_bear_weight"),
            (BACK, "progressive_leg_weakness"),
            (None, "unable_to_bear_weight"),
        ),
    ),
    Alarm(
        (("tiptoe",), ("tip", "toe"), ("calf", "raise")),
        ((_W({"cant", "unable", "weak"}), "achilles_pop_or_gap"),),
    ),
    Alarm(
        (("dislocate",), ("pop", "out"), ("slip", "out"), ("kneecap",)),
        ((KNEE, "kneecap_dislocation"),),
    ),
    Alarm((("night",),), ((NIGHT_CTX, "night_pain"),)),
    Alarm((("wake",), ("woke",)), ((PAIN, "night_pain"),)),
    Alarm((("jelly",),), ((None, "progressive_leg_weakness"),)),
    Alarm(
        (("weight",),),
        (
            (
                _W(["down", "drop", "dropping", "fall", "falling", "scale", "loss", "lose"]),
                "unexplained_weight_loss",
            ),
        ),
    ),
    Alarm(
        (("hamstring",), ("hammy",), ("limp",), ("hobble",)),
        ((STOPPED, "hamstring_injury_stopped_activity"),),
    ),
    Alarm(
        (("massive",), ("huge",), ("fat",), ("tight",)),
        ((KNEE, "rapid_knee_swelling"), (ANKLE, "ankle_pain_not_settling")),
    ),
    Alarm((("buckle",), ("give", "way"), ("from", "under")), ((None, "knee_giving_way"),)),
    Alarm(
        (("press",), ("push",), ("tender",), ("touch",), ("prod",)),
        ((BONE, "bone_tenderness_after_injury"),),
    ),
    Alarm(
        (("not", "better"), ("no", "improvement"), ("still",), ("week",)),
        ((ANKLE, "ankle_pain_not_settling"),),
    ),
    Alarm(
        (("squeeze",), ("compress",), ("together",)),
        ((_W(["shin", "leg", "calf", "tib", "fib", "ankle"]), "positive_ankle_squeeze_test"),),
    ),
    Alarm(
        (("motorbike",), ("motorcycle",), ("horse",), ("flatten",), ("come", "off")),
        ((None, "major_trauma"),),
    ),
    Alarm(
        (("abscess",), ("antibiotic",), ("infection",), ("staph",), ("immune",), ("sepsis",)),
        ((None, "infection_risk"),),
    ),
    Alarm(
        (("crash",), ("collision",), ("hit", "car"), ("fell", "off"), ("fall", "off")),
        ((None, "major_trauma"),),
    ),
    Alarm(
        (
            ("osteoporosis",),
            ("osteopenia",),
            ("steroid",),
            ("prednisolone",),
            ("prednisone",),
            ("pred",),
        ),
        ((None, "osteoporosis_or_steroid_use"),),
    ),
    Alarm(
        (
            ("immunosuppressed",),
            ("immunosuppressant",),
            ("biologic",),
            ("methotrexate",),
            ("inject", "drug"),
        ),
        ((None, "infection_risk"),),
    ),
)

# first key -> (alarm index, word sequence)
_BY_FIRST: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
for _n, _alarm in enumerate(ALARMS):
    for _seq in _alarm.words:
        _BY_FIRST.setdefault(_seq[0], []).append((_n, _seq))
_CONTEXT = 10


@dataclass(frozen=True, slots=True)
class Hit:
    """An alarm found in the text: its tokens and the item it points to."""

    idxs: tuple[int, ...]
    item: str


def _sequence(toks: list[Tok], i: int, seq: tuple[str, ...], free: set[int]) -> tuple[int, ...]:
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
        if toks[j].key != want and toks[j].norm != want:
            return ()
        got.append(j)
        j += 1
    return tuple(got)


def find_alarms(toks: list[Tok], free: set[int], known: frozenset[str]) -> list[Hit]:
    """Alarms among the ``free`` tokens whose item is one of ``known``."""
    out: list[Hit] = []
    taken: set[int] = set()
    for i in sorted(free):
        if i in taken:
            continue
        t = toks[i]
        seqs = [*_BY_FIRST.get(t.key, ()), *(_BY_FIRST.get(t.norm, ()) if t.norm != t.key else ())]
        for n, seq in seqs:
            idxs = _sequence(toks, i, seq, free)
            if not idxs:
                continue
            lo, hi = max(0, i - _CONTEXT), min(len(toks), idxs[-1] + _CONTEXT + 1)
            near = {toks[k].key for k in range(lo, hi)} | {toks[k].norm for k in range(lo, hi)}
            item = next(
                (
                    vid
                    for ctx, vid in ALARMS[n].items
                    if vid in known and (ctx is None or ctx & near)
                ),
                None,
            )
            if item is not None:
                out.append(Hit(idxs, item))
                taken.update(idxs)
                break
    return out

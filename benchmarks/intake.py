"""Benchmark free-text intake: ``parse_text``'s median on 300-character messages, and its growth with length.

    python benchmarks/intake.py              # prints the figures (about 60 s)
    python benchmarks/intake.py --rounds 12  # more rounds of the 300-character median

English and Dutch (``lang="nl"``) run in the same process, one after the other, so
their ratio is taken in the same run.

The 300-character median is taken in rounds (8 by default): each round parses the same
500 messages in each language (the order of the languages alternating). This VM's speed
moves by up to +-40 % from one minute to the next, so one median says as much about the
machine as about the code; the rounds show the spread. The summary gives the median of
the rounds' medians, the quickest and the slowest round, and how many rounds were under
the 1 ms target. (A fixed plain-Python loop timed beside each round was tried as a gauge
of the machine's speed: it did not follow the rounds' swings, so it is not printed.)

Messages are drawn (seeded) from sentences athletes write, mixing complaints, denials,
numbers and red-flag words, so the matcher, the context rules and the alarms all run.
The lexicon is built before timing (it is built once per pack, on first use). Growth
is measured from 300 to 10,000 characters: time per character should stay flat
(linear matching, no backtracking).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hamtriage import Engine, parse_text  # noqa: E402

# CPU time of this thread: on a shared machine wall time mostly measures the other jobs
# (the wall-clock median is printed beside it)
CLOCK = time.thread_time

SENTENCES = [
    "my back seizes up when I deadlift and I can't touch my toes",
    "knee to wall left 7cm, right 11 cm",
    "no numbness down there and peeing is fine",
    "hamstrings always tight, calves too",
    "I'm 34, female, been doing kettlebell swings 3x a week",
    "felt a pop high in my hamstring sprinting yesterday",
    "knee swelled up straight away after I twisted it",
    "night sweats and lost weight without trying",
    "heels come up when I squat, ankles are stiff",
    "my dad had cancer but I feel fine",
    "fingertip to floor 12 cm",
    "DOMS from hell after lunges",
    "pins and needles down my left leg when I sit",
    "ankle still swollen a week after I rolled it",
    "can't put weight on it since the tackle",
]
# Dutch: the same kinds of sentences, as Dutch athletes write them
SENTENCES_NL = [
    "mijn rug schiet vast bij het deadliften en ik kan mijn tenen niet aanraken",
    "knie tot muur links 7 cm, rechts 11 cm",
    "geen doof gevoel in mijn kruis en plassen gaat goed",
    "hamstrings altijd strak, kuiten ook",
    "ik ben 34, vrouw, doe 3x per week kettlebell swings",
    "voelde een knal hoog in mijn hamstring bij het sprinten",
    "knie zwol meteen op na het verdraaien",
    "nachtzweten en 6 kilo afgevallen zonder dieet",
    "hielen komen omhoog bij het squatten, enkels zijn stijf",
    "mijn vader had kanker maar ik voel me prima",
    "vingertoppen tot de vloer 12 cm",
    "spierpijn van de hel na de lunges",
    "tintelingen in mijn linkerbeen als ik zit",
    "enkel een week na het verzwikken nog steeds dik",
    "kan er niet op staan sinds de tackle",
]
HOSTILE = {
    "en": ["numb", "no", "not", "knee", "pop", "left", "7", "swollen"],
    "nl": ["doof", "geen", "niet", "knie", "knal", "links", "7", "rugpijn"],
}


def message(rng: random.Random, length: int, sentences: list[str] = SENTENCES) -> str:
    """Sentences joined until ``length`` characters (cut at a word boundary)."""
    parts: list[str] = []
    size = 0
    while size < length:
        s = rng.choice(sentences)
        parts.append(s)
        size += len(s) + 2
    text = ". ".join(parts)[:length]
    return text.rsplit(" ", 1)[0] if len(text) >= length else text


def timed(
    texts: list[str], pack: object, lang: str = "en", clock: Callable[[], float] = CLOCK
) -> list[float]:
    out: list[float] = []
    for t in texts:
        start = clock()
        parse_text(t, pack, lang=lang)  # type: ignore[arg-type]
        out.append(clock() - start)
    return out


def run(lang: str, sentences: list[str]) -> float:
    """Print one language's figures; return its 300-character median (seconds)."""
    pack = Engine.default().pack
    rng = random.Random(12)
    parse_text("warm up the lexicon and the lemmatiser", pack, lang=lang)
    short = [message(rng, 300, sentences) for _ in range(2000)]
    timed(short[:200], pack, lang)  # warm the word caches as a running service would have them
    times = timed(short, pack, lang)
    wall = timed(short, pack, lang, time.perf_counter)
    q = statistics.quantiles(times, n=100)
    median = statistics.median(times)
    print(
        f"[{lang}] 300 characters: median {median * 1e3:.3f} ms CPU "
        f"(p99 {q[98] * 1e3:.3f} ms), wall-clock median {statistics.median(wall) * 1e3:.3f} ms"
    )
    print(f"[{lang}] length  median CPU ms  us per character")
    for length in (300, 1000, 3000, 10_000):
        texts = [message(rng, length, sentences) for _ in range(max(20, 6000 // length * 10))]
        m = statistics.median(timed(texts, pack, lang))
        print(f"[{lang}] {length:6}  {m * 1e3:13.3f}  {m * 1e6 / length:8.3f}")
    # the worst case for backtracking: one long clause of alarm-like words, no punctuation
    hostile = " ".join(rng.choice(HOSTILE[lang]) for _ in range(2000))[:10_000]
    m = statistics.median(timed([hostile] * 5, pack, lang))
    print(f"[{lang}] hostile 10,000 characters (one clause of alarm words): {m * 1e3:.1f} ms CPU")
    return median


TARGET = 1e-3
"""Issue 12: a 300-character message parsed in under 1 ms (median)."""


@dataclass(frozen=True)
class Round:
    """One round: each language's 300-character median (seconds)."""

    medians: dict[str, float]


def rounds(
    texts: dict[str, list[str]], pack: object, n: int, clock: Callable[[], float] = CLOCK
) -> list[Round]:
    """``n`` rounds over the same ``texts`` per language, the languages' order alternating."""
    out: list[Round] = []
    langs = list(texts)
    for r in range(n):
        medians: dict[str, float] = {}
        for lang in langs if r % 2 == 0 else langs[::-1]:
            medians[lang] = statistics.median(timed(texts[lang], pack, lang, clock))
        out.append(Round(medians))
    return out


def summary(done: Sequence[Round], lang: str, target: float = TARGET) -> str:
    """One language's line: median of the rounds' medians, the quickest and slowest round,
    and the rounds under ``target``."""
    meds = [r.medians[lang] for r in done]
    under = sum(m < target for m in meds)
    return (
        f"[{lang}] 300 characters, {len(meds)} rounds: median of the rounds' medians "
        f"{statistics.median(meds) * 1e3:.3f} ms CPU, quickest round {min(meds) * 1e3:.3f} ms, "
        f"slowest {max(meds) * 1e3:.3f} ms; {under} of {len(meds)} rounds under "
        f"{target * 1e3:g} ms"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rounds", type=int, default=8, help="rounds of the 300-character median")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    en = run("en", SENTENCES)
    nl = run("nl", SENTENCES_NL)
    print(f"Dutch / English, 300-character median CPU time, same run: {nl / en:.2f}")
    pack = Engine.default().pack
    rng = random.Random(13)
    texts = {
        "en": [message(rng, 300, SENTENCES) for _ in range(500)],
        "nl": [message(rng, 300, SENTENCES_NL) for _ in range(500)],
    }
    for lang, msgs in texts.items():
        timed(msgs, pack, lang)  # warm the word caches
    done = rounds(texts, pack, args.rounds)
    print("round   en ms    nl ms")
    for i, r in enumerate(done, 1):
        print(f"{i:5}  {r.medians['en'] * 1e3:6.3f}   {r.medians['nl'] * 1e3:6.3f}")
    for lang in texts:
        print(summary(done, lang))


if __name__ == "__main__":
    main()

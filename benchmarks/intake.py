"""Benchmark free-text intake: ``parse_text``'s median on 300-character messages, and its growth with length.

    python benchmarks/intake.py          # prints the figures (about 60 s)

English and Dutch (``lang="nl"``) run in the same process, one after the other, so
their ratio is taken in the same run.

Messages are drawn (seeded) from sentences athletes write, mixing complaints, denials,
numbers and red-flag words, so the matcher, the context rules and the alarms all run.
The lexicon is built before timing (it is built once per pack, on first use). Growth
is measured from 300 to 10,000 characters: time per character should stay flat
(linear matching, no backtracking).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
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


def main() -> None:
    en = run("en", SENTENCES)
    nl = run("nl", SENTENCES_NL)
    print(f"Dutch / English, 300-character median CPU time, same run: {nl / en:.2f}")


if __name__ == "__main__":
    main()

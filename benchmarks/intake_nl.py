"""Benchmark the Dutch-only part of free-text intake: compound splitting, against the former split, in one run.

    python benchmarks/intake_nl.py          # prints the figures (about 30 s)

Dutch words are read as their compound parts (``Language.split``: "rugpijn" = "rug" +
"pijn"), which English never does. The former split tried every head length of every
word of five letters or more; the current one first checks whether the word starts a
head at all. Both run here in the same process, in alternating rounds (the former one
patched in for its rounds), on the benchmark's Dutch 300-character messages and on the
Dutch corpus texts, with English rounds between them, so every ratio is taken in the
same run on the same shared machine. CPU time of this thread.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.intake import SENTENCES, SENTENCES_NL, message  # noqa: E402
from hamtriage import parse_text  # noqa: E402
from hamtriage.rules.languages import DUTCH  # noqa: E402
from hamtriage.rules.languages.profile import Language  # noqa: E402

CLOCK = time.thread_time
ROUNDS = 15


def former_split(self: Language, word: str) -> tuple[tuple[int, int], ...]:
    """The split before issue 18's parity work: every head length, longest first."""
    whole = ((0, len(word)),)
    if not self.compound_heads or len(word) < 5 or not word.isalpha():
        return whole
    low = word.lower()
    for n in range(len(low) - 3, 1, -1):
        if low[:n] not in self.compound_heads:
            continue
        rest = low[n:]
        for link in ("", "s", "e", "en"):
            tail = rest[len(link) :]
            if rest.startswith(link) and (
                tail in self.compound_tails or tail in self.compound_heads
            ):
                return ((0, n), (n + len(link), len(low)))
    return whole


def corpus(lang: str) -> list[str]:
    out: list[str] = []
    for name in ("red_flags", "denials", "benign", "coverage"):
        path = ROOT / "tests" / "corpus" / lang / f"{name}.yaml"
        out += [entry["text"] for entry in yaml.safe_load(path.read_text("utf-8"))]
    return out


def per_text(texts: list[str], lang: str) -> float:
    """CPU ms per text for one pass over ``texts``."""
    start = CLOCK()
    for text in texts:
        parse_text(text, lang=lang)
    return (CLOCK() - start) / len(texts) * 1e3


def main() -> None:
    rng = random.Random(18)
    sets = {
        "300-character messages": (
            [message(rng, 300, SENTENCES) for _ in range(150)],
            [message(rng, 300, SENTENCES_NL) for _ in range(150)],
        ),
        "corpus texts": (corpus("en"), corpus("nl")),
    }
    current = Language.split

    def patch(old: bool) -> None:
        setattr(Language, "split", former_split if old else current)  # noqa: B010

    for en, nl in sets.values():  # lexicons and lemma caches built before timing
        per_text(en[:20], "en")
        per_text(nl[:20], "nl")
    for label, (en, nl) in sets.items():
        times: dict[str, list[float]] = {"en": [], "nl former": [], "nl": []}
        for _ in range(ROUNDS):
            times["en"].append(per_text(en, "en"))
            patch(True)
            times["nl former"].append(per_text(nl, "nl"))
            patch(False)
            times["nl"].append(per_text(nl, "nl"))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"{label} ({len(nl)} Dutch, {len(en)} English), median of {ROUNDS} rounds, CPU ms per text:"
        )
        print(
            f"  English {med['en']:.3f}   Dutch, former split {med['nl former']:.3f}   Dutch {med['nl']:.3f}"
        )
        print(
            f"  Dutch / English: former {med['nl former'] / med['en']:.2f}, now {med['nl'] / med['en']:.2f};"
            f" Dutch now / former: {med['nl'] / med['nl former']:.2f}"
        )
    words = [w for text in sets["corpus texts"][1] for w in text.split()]
    for name, fn in (("former", lambda w: former_split(DUTCH, w)), ("now", DUTCH.split)):
        start = CLOCK()
        for _ in range(5):
            for w in words:
                fn(w)
        print(f"  split, {name}: {(CLOCK() - start) / (5 * len(words)) * 1e6:.2f} us per word")


if __name__ == "__main__":
    main()

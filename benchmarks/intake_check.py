"""Check that a speed change to the intake changes no output: dump ``parse_text`` results, then compare.

    python benchmarks/intake_check.py dump before.pkl     # on the code before the change
    python benchmarks/intake_check.py check before.pkl    # after it: exit 1 on any difference

The texts: every ``tests/corpus/en`` and ``tests/corpus/nl`` text (held-out files
included) and the same texts run together seven at a time (long clauses, many anchors),
400 seeded 300-character messages and 10 of 3,000 characters per language (the
generator of ``benchmarks/intake.py``), its hostile 10,000-character clause, every
string literal of the intake and corpus tests (each in both languages), and a few texts
with invisible characters, odd apostrophes and letters ``lower()`` folds differently.
``check`` parses the texts stored in the dump. Each is stored as ``parse_text(text, lang).model_dump()`` (or the error it raised), so a
difference anywhere in the result (a match, a span, a note's words) is reported.
"""

from __future__ import annotations

import ast
import pickle
import random
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from benchmarks import intake as bench  # noqa: E402
from hamtriage import Engine, HamtriageError, parse_text  # noqa: E402

ODD = [
    "no numb\u200bness down below, knee\ufeff swollen",
    "I can\u2019t feel my bum \u202eleft\u202c knee to wall 6cm",
    "ſaddle numbneſs, I\u2019m 51yo",
    "KNEE BLEW UP!!! can't put weight on it - no? yes.",
    "left knee to wall 6 cm. right knee to wall 11 cm.",
    "Sam (16) felt a pop; (no swelling) [numb?] - not anymore",
    "pain 8/10, 3.5 kg lost, 12,5 cm, 120 degrees, 0 reps, -4",
    "rugpijn én tintelingen, geen gevoel in mijn kruis; knie: nee",
    "\n\n  \t ",
    "",
]


def _corpus(lang: str) -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "tests" / "corpus" / lang).glob("*.yaml")):
        out += [e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return out + [" ".join(out[i : i + 7]) for i in range(0, len(out), 7)]


def _literals() -> list[str]:
    """String literals of the intake and corpus tests (texts they parse, among others)."""
    out: set[str] = set()
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        if not path.name.startswith(("test_intake", "test_corpus", "test_safety")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and 0 < len(value) <= 10_000 and " " in value:
                out.add(value)
    return sorted(out)


def texts() -> list[tuple[str, str]]:
    """(lang, text) pairs, in a fixed order."""
    out: list[tuple[str, str]] = []
    literals = _literals()
    for lang, sentences in (("en", bench.SENTENCES), ("nl", bench.SENTENCES_NL)):
        rng = random.Random(12)
        out += [(lang, t) for t in _corpus(lang)]
        out += [(lang, bench.message(rng, 300, sentences)) for _ in range(400)]
        out += [(lang, bench.message(rng, 3000, sentences)) for _ in range(10)]
        out.append((lang, " ".join(rng.choice(bench.HOSTILE[lang]) for _ in range(2000))[:10_000]))
        out += [(lang, t) for t in literals + ODD]
    return out


def results(pairs: list[tuple[str, str]]) -> list[tuple[str, str, Any]]:
    pack = Engine.default().pack
    out: list[tuple[str, str, Any]] = []
    for lang, text in pairs:
        try:
            got: Any = parse_text(text, pack, lang=lang).model_dump()
        except HamtriageError as exc:
            got = ("error", type(exc).__name__, str(exc))
        out.append((lang, text, got))
    return out


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("dump", "check"):
        sys.exit(__doc__)
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "dump":
        now = results(texts())
        path.write_bytes(pickle.dumps(now))
        print(f"{len(now)} results written to {path}")
        return
    before = pickle.loads(path.read_bytes())
    now = results([(lang, t) for lang, t, _ in before])  # the dump's texts (tests may change)
    bad = [(lang, t, a, b) for (lang, t, a), (_, _, b) in zip(before, now, strict=True) if a != b]
    for lang, t, a, b in bad[:5]:
        print(f"[{lang}] {t[:120]!r}\n  before: {a}\n  after:  {b}")
    same = pickle.dumps([r for _, _, r in before]) == pickle.dumps([r for _, _, r in now])
    print(f"{len(now)} results, {len(bad)} differ; pickles byte-identical: {same}")
    if bad or not same:
        sys.exit(1)


if __name__ == "__main__":
    main()

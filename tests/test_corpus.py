"""The free-text corpus (tests/corpus/en): no red flag lost between the words and the level.

Prints the figures with ``pytest -s tests/test_corpus.py`` (also written to
docs/safety.md). Fails on any lost red flag, any under-triaged text, any ignored denial,
and more than 10 % of benign texts over-triaged. Coverage texts whose complaint has no
item yet only need a suspected (or present) red flag and a level within their range.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

import hamtriage
from hamtriage import TriageLevel
from hamtriage.runtime.screening import red_flag_screens

CORPUS = Path(__file__).resolve().parent / "corpus" / "en"
# Every gate of issue 12 is met and strict (figures in docs/safety.md); each prints what
# it finds with ``pytest -s``.
RANK = {level.value: level.rank for level in TriageLevel}
BENIGN_LIMIT = TriageLevel.MODIFY_TRAINING.rank


def _load(name: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{name}.yaml"
    if not path.exists():  # pragma: no cover - the corpus is part of the repository
        pytest.skip(f"{path} is missing")
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@dataclass
class Figures:
    """What the corpus run found: failures by kind, and counts for the docs."""

    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    recall: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    counts: Counter[str] = field(default_factory=Counter)

    def fail(self, kind: str, entry: dict[str, Any], why: str) -> None:
        self.failures[kind].append(f"{entry['id']}: {why}\n      {entry['text']!r}")


def _check(
    entry: dict[str, Any], fig: Figures, flags: frozenset[str], kind: str, lang: str = "en"
) -> None:
    parsed = hamtriage.parse_text(entry["text"], lang=lang)
    rep = parsed.report
    result = hamtriage.triage(rep)
    present = set(rep.symptoms) | set(rep.history)
    suspected = set(rep.suspected)
    level = result.level.rank
    for vid in entry.get("recognise", ()):
        hit = vid in present or vid in suspected
        fig.recall[vid][0] += hit
        fig.recall[vid][1] += 1
        if not hit:
            fig.fail("lost red flag", entry, f"{vid} neither present nor suspected")
    for vid in entry.get("deny", ()):
        if vid in present or vid in suspected:
            fig.fail(
                "ignored denial", entry, f"{vid} is {'present' if vid in present else 'suspected'}"
            )
    for vid in entry.get("absent", ()):
        if vid not in rep.absent:
            fig.fail("ignored denial", entry, f"{vid} not under absent")
    for vid in entry.get("not_present", ()):
        if vid in present:
            fig.fail("context ignored", entry, f"{vid} marked present")
    bounds = entry.get("level", {})
    if "min" in bounds and level < RANK[bounds["min"]]:
        fig.fail("under-triaged", entry, f"{result.level.value} < {bounds['min']}")
    if "max" in bounds and level > RANK[bounds["max"]]:
        fig.counts[f"{kind} over-triaged"] += 1
        if kind != "benign":
            fig.fail("over-triaged", entry, f"{result.level.value} > {bounds['max']}")
    if kind == "benign":
        fig.counts["benign"] += 1
        if not (present | suspected) & flags:
            fig.counts["benign without a red flag"] += 1
    if "age" in entry and rep.age != entry["age"]:
        fig.fail("numbers", entry, f"age {rep.age} != {entry['age']}")
    for mid, sides in {**entry.get("sides", {}), **entry.get("values", {})}.items():
        got = rep.measurements.get(mid)
        want = sides if isinstance(sides, dict) else float(sides)
        have = got.model_dump(exclude_none=True) if isinstance(got, hamtriage.SidedValue) else got
        if isinstance(want, dict):
            want = {k: float(v) for k, v in want.items()}
        if have != want:
            fig.fail("numbers", entry, f"{mid} {have} != {want}")
    flag = entry.get("suspect_red_flag")
    if flag is not None:
        any_flag = bool((present | suspected) & flags)
        if flag and not any_flag:
            fig.fail("lost red flag", entry, "no red flag suspected")
        if not flag and any_flag:
            fig.fail(
                "over-triaged",
                entry,
                f"red flag suspected: {sorted((present | suspected) & flags)}",
            )
    fig.counts[kind] += 0


@pytest.fixture(scope="module")
def figures() -> Figures:
    flags = frozenset(red_flag_screens(hamtriage.Engine.default().pack))
    fig = Figures()
    for kind in ("red_flags", "denials", "benign", "coverage"):
        entries = _load(kind)
        fig.counts[f"{kind} texts"] = len(entries)
        for entry in entries:
            _check(entry, fig, flags, kind if kind != "benign" else "benign")
    _print(fig)
    return fig


@pytest.fixture(scope="module")
def heldout() -> Figures:
    """The 40 held-out texts (written before the matcher saw them), scored apart: they
    check the lexicon against overfitting and are not part of the gates above."""
    flags = frozenset(red_flag_screens(hamtriage.Engine.default().pack))
    fig = Figures()
    entries = _load("heldout")
    fig.counts["heldout texts"] = len(entries)
    for entry in entries:
        kind = entry["id"].split("-")[2]  # en-ho-rf / en-ho-dn / en-ho-bn
        _check(entry, fig, flags, "benign" if kind == "bn" else kind)
    _print(fig, ("heldout",))
    return fig


def _print(
    fig: Figures,
    files: tuple[str, ...] = ("red_flags", "denials", "benign", "coverage"),
    corpus: str = "tests/corpus/en",
) -> None:
    print(f"\ncorpus figures ({corpus}: {', '.join(files)})")
    for kind in files:
        print(f"  {kind:10} {fig.counts[f'{kind} texts']} texts")
    print("  recall per red-flag item (present or suspected / texts):")
    for vid, (hit, total) in sorted(fig.recall.items()):
        print(f"    {vid:36} {hit}/{total}")
    benign = fig.counts["benign"]
    over = fig.counts["benign over-triaged"]
    print(f"  benign over-triaged: {over}/{benign}")
    print(
        f"  benign with no red flag present or suspected: {fig.counts['benign without a red flag']}/{benign}"
    )
    for kind, items in sorted(fig.failures.items()):
        print(f"  {kind}: {len(items)}")
        for line in items:
            print(f"    {line}")


def test_no_red_flag_is_lost(figures: Figures) -> None:
    assert not figures.failures["lost red flag"], "\n".join(figures.failures["lost red flag"])


def test_no_text_is_under_triaged(figures: Figures) -> None:
    """Red-flag, denial and benign texts (coverage texts: the next test)."""
    bad = [f for f in figures.failures["under-triaged"] if not f.startswith("en-cv-")]
    assert not bad, "\n".join(bad)


def test_no_coverage_text_is_under_triaged(figures: Figures) -> None:
    bad = [f for f in figures.failures["under-triaged"] if f.startswith("en-cv-")]
    assert not bad, "\n".join(bad)


def test_every_denial_and_context_is_respected(figures: Figures) -> None:
    bad = figures.failures["ignored denial"] + figures.failures["context ignored"]
    assert not bad, "\n".join(bad)


def test_at_most_a_tenth_of_benign_texts_are_over_triaged(figures: Figures) -> None:
    benign, over = figures.counts["benign"], figures.counts["benign over-triaged"]
    assert benign >= 100
    assert over <= benign // 10, f"{over}/{benign} benign texts over-triaged"


def test_ages_and_sides_are_read(figures: Figures) -> None:
    assert not figures.failures["numbers"], "\n".join(figures.failures["numbers"])


def test_heldout_figures_are_reported(heldout: Figures) -> None:
    """The held-out figures are printed (``pytest -s``); the texts are scored like the rest."""
    assert heldout.counts["heldout texts"] == 40
    assert heldout.counts["benign"] == 8
    assert sum(total for _, total in heldout.recall.values()) >= 24


def test_no_red_flag_is_lost_or_under_triaged_in_the_heldout_texts(heldout: Figures) -> None:
    bad = heldout.failures["lost red flag"] + heldout.failures["under-triaged"]
    assert not bad, "\n".join(bad)


def test_every_denial_and_context_is_respected_in_the_heldout_texts(heldout: Figures) -> None:
    bad = heldout.failures["ignored denial"] + heldout.failures["context ignored"]
    assert not bad, "\n".join(bad)

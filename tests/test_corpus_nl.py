"""The Dutch free-text corpus (tests/corpus/nl): no red flag lost between Dutch words and the level.

The same scoring and targets as the English corpus (tests/test_corpus.py, issue 12),
read with ``parse_text(text, lang="nl")``. Prints the figures with ``pytest -s``
(also in docs/safety.md). Every gate is strict: a lost red flag, an under-triaged text,
an ignored denial or context, benign over-triage above a tenth, a misread age or side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import hamtriage
from hamtriage.runtime.screening import red_flag_screens
from tests.test_corpus import Figures, _check, _print

CORPUS = Path(__file__).resolve().parent / "corpus" / "nl"


def _load(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load((CORPUS / f"{name}.yaml").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def figures() -> Figures:
    flags = frozenset(red_flag_screens(hamtriage.Engine.default().pack))
    fig = Figures()
    for kind in ("red_flags", "denials", "benign", "coverage"):
        entries = _load(kind)
        fig.counts[f"{kind} texts"] = len(entries)
        for entry in entries:
            _check(entry, fig, flags, kind, lang="nl")
    _print(fig, ("red_flags", "denials", "benign", "coverage"), "tests/corpus/nl")
    return fig


def test_the_corpus_has_the_size_of_the_english_one(figures: Figures) -> None:
    assert (
        figures.counts["red_flags texts"]
        + figures.counts["denials texts"]
        + figures.counts["benign texts"]
        >= 400
    )
    assert all(total >= 8 for _, total in figures.recall.values())
    assert len(figures.recall) >= 25


def test_no_red_flag_is_lost(figures: Figures) -> None:
    """Red-flag, denial and benign texts (coverage texts: the next test)."""
    bad = [f for f in figures.failures["lost red flag"] if not f.startswith("nl-cv-")]
    assert not bad, "\n".join(bad)


def test_every_coverage_red_flag_is_suspected(figures: Figures) -> None:
    bad = [f for f in figures.failures["lost red flag"] if f.startswith("nl-cv-")]
    assert not bad, "\n".join(bad)


def test_no_text_is_under_triaged(figures: Figures) -> None:
    """Red-flag, denial and benign texts (coverage texts: the next test)."""
    bad = [f for f in figures.failures["under-triaged"] if not f.startswith("nl-cv-")]
    assert not bad, "\n".join(bad)


def test_no_coverage_text_is_under_triaged(figures: Figures) -> None:
    bad = [f for f in figures.failures["under-triaged"] if f.startswith("nl-cv-")]
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


HELDOUT_KINDS = {"rf": "red_flags", "dn": "denials", "bn": "benign", "cv": "coverage"}


@pytest.fixture(scope="module")
def heldout() -> Figures:
    """The held-out Dutch texts (tests/corpus/nl/heldout.yaml, written before the matcher
    saw them), scored like the English ones and apart from the gates above. A text is
    "right" when nothing about it fails: every item recognised, denials and context
    respected, the level within its range, no red flag where none may be."""
    flags = frozenset(red_flag_screens(hamtriage.Engine.default().pack))
    fig = Figures()
    entries = _load("heldout")
    fig.counts["heldout texts"] = len(entries)
    for entry in entries:
        kind = HELDOUT_KINDS[entry["id"].split("-")[2]]
        before = sum(map(len, fig.failures.values())) + fig.counts[f"{kind} over-triaged"]
        _check(entry, fig, flags, kind, lang="nl")
        after = sum(map(len, fig.failures.values())) + fig.counts[f"{kind} over-triaged"]
        fig.counts[f"heldout {kind}"] += 1
        fig.counts[f"heldout {kind} right"] += after == before
    _print(fig, ("heldout",), "tests/corpus/nl")
    for kind in HELDOUT_KINDS.values():
        print(
            f"  {kind:10} texts right: {fig.counts[f'heldout {kind} right']}/{fig.counts[f'heldout {kind}']}"
        )
    return fig


def test_heldout_figures_are_reported(heldout: Figures) -> None:
    """The held-out figures are printed (``pytest -s``); every red-flag item is in them."""
    assert heldout.counts["heldout texts"] >= 60
    assert heldout.counts["benign"] >= 8
    assert len(heldout.recall) >= 25


def test_no_red_flag_is_lost_or_under_triaged_in_the_heldout_texts(heldout: Figures) -> None:
    """The safety gate: every held-out red flag recognised (coverage texts: some red flag
    suspected where one must be), no text under-triaged."""
    bad = heldout.failures["lost red flag"] + heldout.failures["under-triaged"]
    assert not bad, "\n".join(bad)

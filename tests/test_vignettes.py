"""Clinical vignettes (``tests/vignettes/*.yaml``) run on the bundled pack.

Each vignette is a report with its expected level, red flags, top hypothesis and the
recommendations it must and must not get. The summary test prints a table (run with
``-s`` to see it) and holds the targets: every red flag caught, no under-triage, and
at most 1 self-care case in 10 sent higher.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from hamtriage import Engine, TriageLevel, TriageResult

HERE = Path(__file__).parent / "vignettes"
CLAIMS = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: TriageLevel
    red_flags: list[str]
    top_hypothesis: str | None
    must_recommend: list[str] = Field(default_factory=list)
    must_not_recommend: list[str] = Field(default_factory=list)
    blocked: list[str] = Field(default_factory=list)


class Vignette(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    description: str
    source: str | None = None
    claims: list[str] = Field(default_factory=list)
    report: dict[str, Any]
    expect: Expect


def _load() -> list[Vignette]:
    out: list[Vignette] = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [Vignette.model_validate(v) for v in data["vignettes"]]
    return out


VIGNETTES = _load()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture(scope="module")
def results(engine: Engine) -> dict[str, TriageResult]:
    return {v.id: engine.triage(v.report) for v in VIGNETTES}


def test_the_vignette_set_is_large_unique_and_names_real_ids(engine: Engine) -> None:
    pack = engine.pack
    assert len(VIGNETTES) >= 40
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)
    rules = {r.id for r in pack.rules}
    for v in VIGNETTES:
        e = v.expect
        assert set(e.red_flags) <= rules, v.id
        assert e.top_hypothesis is None or e.top_hypothesis in pack.hypotheses, v.id
        recs = {*e.must_recommend, *e.must_not_recommend}
        assert recs <= set(pack.recommendations), v.id
        assert set(e.blocked) <= set(pack.activities) | set(pack.recommendations), v.id
        assert set(v.claims) <= set(CLAIMS), v.id


def test_the_vignettes_cover_every_red_flag_and_every_article_claim(
    engine: Engine, results: dict[str, TriageResult]
) -> None:
    pack = engine.pack
    flags = {r.id for r in pack.rules if r.red_flag}
    assert {f for v in VIGNETTES for f in v.expect.red_flags} == flags
    assert {c for v in VIGNETTES for c in v.claims} == set(CLAIMS)
    article = {
        r.id for r in pack.rules if pack.origins[f"rule:{r.id}"].path.endswith("article.yaml")
    }
    fired = {rid for result in results.values() for rid in result.fired_rules}
    assert article - fired == set()
    normal = [v for v in VIGNETTES if v.expect.level is TriageLevel.SELF_CARE]
    assert len(normal) >= 10


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v.id for v in VIGNETTES])
def test_vignette(vignette: Vignette, results: dict[str, TriageResult]) -> None:
    result = results[vignette.id]
    e = vignette.expect
    assert sorted(f.id for f in result.red_flags) == sorted(e.red_flags)
    top = result.hypotheses[0].id if result.hypotheses else None
    assert top == e.top_hypothesis
    recs = {r.id for r in result.recommendations}
    assert set(e.must_recommend) <= recs
    assert not set(e.must_not_recommend) & recs
    assert set(e.blocked) <= {b.id for b in result.blocked_exercises}
    assert result.disclaimer
    for rec in result.recommendations:
        if rec.kind == "referral":
            assert rec.reason, rec.id


def table(results: dict[str, TriageResult]) -> dict[str, int]:
    """The summary counts of a vignette run."""
    counts = {
        "cases": len(VIGNETTES),
        "level correct": 0,
        "red flags expected": 0,
        "red flags caught": 0,
        "self-care cases": 0,
        "over-triaged": 0,
        "under-triaged": 0,
    }
    for v in VIGNETTES:
        got = results[v.id]
        want = v.expect.level
        counts["level correct"] += got.level == want
        fired = {f.id for f in got.red_flags}
        counts["red flags expected"] += len(v.expect.red_flags)
        counts["red flags caught"] += len(set(v.expect.red_flags) & fired)
        if want is TriageLevel.SELF_CARE:
            counts["self-care cases"] += 1
            counts["over-triaged"] += got.level > want
        counts["under-triaged"] += got.level < want
    return counts


def test_vignette_table_meets_the_targets(results: dict[str, TriageResult]) -> None:
    c = table(results)
    by_level = {
        level.value: sum(1 for v in VIGNETTES if v.expect.level is level) for level in TriageLevel
    }
    print()
    print("| cases | level correct | red flags caught | over-triaged | under-triaged |")
    print("|---|---|---|---|---|")
    print(
        f"| {c['cases']} | {c['level correct']}/{c['cases']} "
        f"| {c['red flags caught']}/{c['red flags expected']} "
        f"| {c['over-triaged']}/{c['self-care cases']} self-care cases "
        f"| {c['under-triaged']}/{c['cases']} |"
    )
    print("cases by expected level: " + ", ".join(f"{k} {n}" for k, n in by_level.items()))
    misses = [
        f"{v.id}: expected {v.expect.level.value}, got {results[v.id].level.value}"
        for v in VIGNETTES
        if results[v.id].level != v.expect.level
    ]
    for miss in misses:
        print("  level differs:", miss)
    assert c["red flags caught"] == c["red flags expected"]
    assert c["under-triaged"] == 0
    assert c["over-triaged"] * 10 <= c["self-care cases"]

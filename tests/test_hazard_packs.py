"""Hazards 4, 6, 7 and 8: long chains, condition expansion, pack totals, links out of the pack.

Timings of the same cases are measured by ``benchmarks/hazard_limits.py``, not here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hamtriage import Engine, RulePackError, load_pack
from hamtriage.engine import compiled_state
from hamtriage.errors import suggest
from hamtriage.flows.lint import lint
from hamtriage.rules._files import MAX_IDS, MAX_PACK_BYTES, MAX_RULE_CONDITIONS
from tests.support.packs import MINIMAL_PACK, write_pack


def _chain_pack(root: Path, n: int, descending: bool) -> Path:
    hyps = "".join(f"  - {{id: c{i}, label: C{i}, evidence: research}}\n" for i in range(n + 1))
    pack = MINIMAL_PACK.replace("hypotheses:\n", "hypotheses:\n" + hyps)
    body = [
        f"  - {{id: r{i}, title: R{i}, evidence: research, source: S1, when: {{hypothesis: c{i}, "
        f"min_confidence: 0.1}}, then: [{{support: c{i + 1}, certainty: 0.9}}]}}\n"
        for i in range(n)
    ]
    if descending:
        body.reverse()
    start = (
        "  - {id: r_start, title: S, evidence: research, source: S1, when: {symptom: a}, "
        "then: [{support: c0, certainty: 0.9}]}\n"
    )
    return write_pack(root, {"pack.yaml": pack, "rules.yaml": "rules:\n" + start + "".join(body)})


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_a_chain_of_200_hypotheses_in_either_order(tmp_path: Path, descending: bool) -> None:
    root = _chain_pack(tmp_path / "chain", 200, descending)
    assert not [i for i in lint(root) if i.severity == "error"]
    engine = Engine.from_path(root)
    result = engine.triage({"symptoms": ["a"]})
    assert len(result.fired_rules) == 201  # every link of the chain fired, in its stage
    assert compiled_state(engine).compiled.max_stage == 200
    assert engine.explain({"symptoms": ["a"]})
    many = engine.triage_many([{"symptoms": ["a"]}, {"symptoms": ["b"]}], workers=2)
    assert many[0] == result


def test_a_cycle_in_a_long_chain_is_still_found(tmp_path: Path) -> None:
    root = _chain_pack(tmp_path / "cycle", 300, True)
    rules = (root / "rules.yaml").read_text()
    rules = rules.replace("support: c300,", "support: c5,")  # c299 -> c5 closes a loop
    (root / "rules.yaml").write_text(rules)
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    (issue,) = [i for i in caught.value.issues if i.code == "cycle"]
    assert "c5 -> c6" in issue.message
    assert "c299 -> c5" in issue.message


def _wide_rule(index: int) -> str:
    """The issue's shape: all of (31 x 32 x 32 leaves) and three any-lists (about 455 KB)."""
    inner = "{all: [" + ", ".join(["{symptom: a}"] * 32) + "]}"
    middle = "{all: [" + ", ".join([inner] * 32) + "]}"
    wide = "{all: [" + ", ".join([middle] * 31) + "]}"
    anys = ", ".join("{any: [" + ", ".join(["{symptom: b}"] * 32) + "]}" for _ in range(3))
    return (
        f"  - id: wide{index}\n    title: W\n    evidence: research\n    source: S1\n"
        f"    when: {{all: [{wide}, {anys}]}}\n"
        "    then: [{support: h1, certainty: 0.5}]\n"
    )


def test_condition_expansion_is_refused_before_it_is_done(tmp_path: Path) -> None:
    files = {"pack.yaml": MINIMAL_PACK}
    for n in range(3):  # three such files, each under the 1 MB file limit (benchmarks: ten)
        files[f"wide{n}.yaml"] = "rules:\n" + _wide_rule(n)
    root = write_pack(tmp_path / "wide", files)
    assert all(os.path.getsize(root / f) < 1_000_000 for f in files)
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    issues = [i for i in caught.value.issues if i.code == "too_big"]
    assert len(issues) == 3
    assert issues[0].path.endswith("wide0.yaml")
    assert (issues[0].line, issues[0].column) == (6, 11)
    assert f"32868 conditions; the limit is {MAX_RULE_CONDITIONS}" in issues[0].message


def test_pack_totals_are_capped_before_parsing(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "big", {"pack.yaml": MINIMAL_PACK})
    for n in range(20):  # sparse files: the sizes are real, nothing is written or read
        with open(root / f"f{n:03}.yaml", "wb") as f:
            f.truncate(990_000)
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    (issue,) = caught.value.issues
    assert issue.code == "too_big"
    assert f"the limit is {MAX_PACK_BYTES}" in issue.message


def _symptoms(start: int, count: int) -> str:
    return "symptoms:\n" + "".join(
        f"  - {{id: symptom_{i:05}, label: Symptom number {i}}}\n"
        for i in range(start, start + count)
    )


def test_vocabulary_is_capped_with_a_located_error(tmp_path: Path) -> None:
    files = {"pack.yaml": MINIMAL_PACK}
    step = 7_000
    for n, start in enumerate(range(0, MAX_IDS + 1, step)):
        files[f"s{n}.yaml"] = _symptoms(start, min(step, MAX_IDS + 1 - start))
    root = write_pack(tmp_path / "ids", files)
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    (issue,) = [i for i in caught.value.issues if i.code == "too_many"]
    assert f"more than {MAX_IDS} vocabulary ids" in issue.message
    assert issue.path.endswith("s2.yaml")


def test_did_you_mean_over_a_large_vocabulary(tmp_path: Path) -> None:
    vocab0, vocab1 = _symptoms(0, 10_000), _symptoms(10_000, 9_000)
    typos = "".join(
        f"  - {{id: t{i}, title: T, evidence: research, source: S1, "
        f"when: {{symptom: symptom_{i * 397:05}x}}, then: [{{support: h1, certainty: 0.5}}]}}\n"
        for i in range(50)
    )
    root = write_pack(
        tmp_path / "typos",
        {
            "pack.yaml": MINIMAL_PACK,
            "v0.yaml": vocab0,
            "v1.yaml": vocab1,
            "rules.yaml": "rules:\n" + typos,
        },
    )
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    unknown = [i for i in caught.value.issues if i.code == "unknown_id"]
    assert len(unknown) == 50
    assert unknown[3].suggestions[0] == f"symptom_{3 * 397:05}"


def test_suggestions_on_small_vocabularies_are_difflibs() -> None:
    import difflib

    words = ["tight_calves", "sore_calves", "low_back_spasms", "knee_pain", "h", "h1", "edu1"]
    for word in ("tight_calf", "hh", "sore", "kne_pain", "xyz"):
        assert suggest(word, words) == tuple(difflib.get_close_matches(word, words, 3, 0.6))
    many = [
        f"{w}_{i}" for i in range(20) for w in ("calf", "knee", "hip")
    ]  # 60: below the shortlist
    assert suggest("knee_1x", many) == tuple(difflib.get_close_matches("knee_1x", many, 3, 0.6))


SECRET = "SECRET_API_KEY: hunter2\n"


@pytest.mark.parametrize("case", ["secret", "dev_zero", "fifo", "loop", "dangling"])
def test_entries_that_are_not_regular_files_inside_the_pack_are_refused(
    tmp_path: Path, case: str
) -> None:
    root = write_pack(tmp_path / "pack", {"pack.yaml": MINIMAL_PACK})
    entry = root / "x.yaml"
    if case == "secret":
        (tmp_path / "secrets.env").write_text(SECRET)
        entry.symlink_to(tmp_path / "secrets.env")
    elif case == "dev_zero":
        entry.symlink_to("/dev/zero")
    elif case == "fifo":
        os.mkfifo(entry)
    elif case == "loop":
        entry.symlink_to(root / "y.yaml")
        (root / "y.yaml").symlink_to(entry)
    else:
        entry.symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(RulePackError) as caught:
        load_pack(root)
    messages = str(caught.value)
    assert "SECRET_API_KEY" not in messages
    skipped = [i for i in caught.value.issues if i.code == "not_a_file"]
    assert [Path(i.path).name for i in skipped] == (
        ["x.yaml", "y.yaml"] if case == "loop" else ["x.yaml"]
    )
    assert "not read" in skipped[0].message


def test_a_link_to_a_file_inside_the_pack_is_read(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "pack", {"pack.yaml": MINIMAL_PACK})
    (root / "parts").mkdir()
    (root / "parts" / "rules.txt").write_text(
        "rules:\n  - {id: r1, title: A, evidence: research, source: S1, when: {symptom: a}, "
        "then: [{support: h1, certainty: 0.5}]}\n"
    )
    (root / "rules.yaml").symlink_to(root / "parts" / "rules.txt")
    assert [r.id for r in load_pack(root).rules] == ["r1"]

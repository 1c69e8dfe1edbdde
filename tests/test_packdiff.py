"""The pack diff over a corpus: ``hamtriage.flows.packdiff`` and ``hamtriage diff``.

Two small packs differ so that symptom a's level goes up, symptom b's goes down,
hypothesis h2 gives way to h3, and symptom d is known only to the new pack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hamtriage import Engine
from hamtriage.flows.packdiff import combine, diff_numbered, diff_packs
from hamtriage.levels import TriageLevel

PACK = """
pack: {name: diffpack, version: "VERSION", referrals: {see_clinician: see_doc}}
sources:
  S1: {title: A source}
symptoms:
  - {id: a, label: Symptom A}
  - {id: b, label: Symptom B}
  - {id: c, label: Symptom C}
EXTRA
hypotheses:
  - {id: h1, label: H one, evidence: research}
  - {id: h2, label: H two, evidence: research}
  - {id: h3, label: H three, evidence: research}
recommendations:
  - {id: drill1, label: Drill one, kind: drill}
  - {id: drill2, label: Drill two, kind: drill}
  - {id: see_doc, label: See a doctor, kind: referral}
"""

OLD_RULES = """
rules:
  - {id: a_h1, title: A h1, evidence: research, source: S1, when: {symptom: a}, then: [{support: h1, certainty: 0.7}]}
  - {id: a_modify, title: A modify, evidence: research, source: S1, when: {symptom: a}, then: [{escalate: modify_training, reason: "Ease off."}]}
  - {id: b_h2, title: B h2, evidence: research, source: S1, when: {symptom: b}, then: [{support: h2, certainty: 0.7}]}
  - {id: b_clinician, title: B clinician, evidence: research, source: S1, when: {symptom: b}, then: [{escalate: see_clinician, reason: "B needs a look."}]}
"""

NEW_RULES = """
rules:
  - {id: a_h1, title: A h1, evidence: research, source: S1, when: {symptom: a}, then: [{support: h1, certainty: 0.7}]}
  - {id: a_clinician, title: A clinician, evidence: research, source: S1, when: {symptom: a}, then: [{escalate: see_clinician, reason: "A needs a look."}]}
  - {id: b_h3, title: B h3, evidence: research, source: S1, when: {symptom: b}, then: [{support: h3, certainty: 0.7}, {recommend: drill2}]}
"""


def _texts(version: str, rules: str, extra: str = "") -> dict[str, str]:
    return {
        "pack.yaml": PACK.replace("VERSION", version).replace("EXTRA", extra),
        "rules.yaml": rules,
    }


OLD = _texts("1", OLD_RULES)
NEW = _texts("2", NEW_RULES, "  - {id: d, label: Symptom D}")

REPORTS: list[dict[str, Any]] = [
    {"symptoms": ["a"]},  # 0: modify_training -> see_clinician
    {"symptoms": ["b"]},  # 1: see_clinician -> self_care (lowered)
    {},  # 2: self_care -> self_care
    {"symptoms": ["a", "b"]},  # 3: see_clinician -> see_clinician
    {"symptoms": ["zz"]},  # 4: invalid on both
    {"symptoms": ["b"], "absent": ["c"]},  # 5: lowered
    {"symptoms": ["d"]},  # 6: invalid on the old pack only
]


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    return Engine.from_texts(OLD), Engine.from_texts(NEW)


def test_transitions_lowered_and_raised(engines: tuple[Engine, Engine]) -> None:
    diff = diff_packs(*engines, iter(REPORTS))
    L = TriageLevel
    got = {(t.old, t.new): t.count for t in diff.transitions}
    assert got == {
        (L.SELF_CARE, L.SELF_CARE): 1,
        (L.MODIFY_TRAINING, L.SEE_CLINICIAN): 1,
        (L.SEE_CLINICIAN, L.SELF_CARE): 2,
        (L.SEE_CLINICIAN, L.SEE_CLINICIAN): 1,
    }
    assert (diff.reports, diff.compared) == (7, 5)
    assert diff.matrix()[L.SEE_CLINICIAN.rank][L.SELF_CARE.rank] == 2
    assert diff.went_down
    assert [(c.index, c.old, c.new) for c in diff.lowered] == [
        (1, L.SEE_CLINICIAN, L.SELF_CARE),
        (5, L.SEE_CLINICIAN, L.SELF_CARE),
    ]
    assert diff.lowered[0].fired_only_on_old == ("b_h2", "b_clinician")
    assert diff.lowered[0].fired_only_on_new == ("b_h3",)
    assert [(c.index, c.fired_only_on_old, c.fired_only_on_new) for c in diff.raised] == [
        (0, ("a_modify",), ("a_clinician",))
    ]


def test_hypotheses_recommendations_and_invalid(engines: tuple[Engine, Engine]) -> None:
    diff = diff_packs(*engines, REPORTS)
    assert [(c.id, c.gained, c.lost) for c in diff.hypotheses] == [("h2", 0, 3), ("h3", 3, 0)]
    recs = {c.id: (c.gained, c.lost) for c in diff.recommendations}
    assert recs["drill2"] == (2, 0)  # not with a and b: a see_clinician level holds drills back
    assert [(e.index, e.pack, e.field) for e in diff.invalid] == [
        (4, "both", "symptoms[0]"),
        (6, "old", "symptoms[0]"),
    ]


def test_no_change_does_not_go_down_and_parts_combine(engines: tuple[Engine, Engine]) -> None:
    old, new = engines
    same = diff_packs(old, Engine.from_texts(OLD), REPORTS)
    assert not same.went_down
    assert not same.raised
    assert not same.hypotheses
    assert all(t.old == t.new for t in same.transitions)
    whole = diff_packs(old, new, REPORTS)
    numbered = list(enumerate(REPORTS))
    parts = [diff_numbered(old, new, numbered[:3]), diff_numbered(old, new, numbered[3:])]
    assert combine(parts) == whole
    with pytest.raises(ValueError, match="different packs"):
        combine([whole, same])


def test_dask_partitions_equal_one_process(engines: tuple[Engine, Engine]) -> None:
    distributed = pytest.importorskip("distributed", reason="pip install hamtriage[dask]")
    from hamtriage.flows.packdiff import diff_on_dask

    old, new = engines
    corpus = list(enumerate(REPORTS * 5))
    seen: list[int] = []
    cluster_cls: Any = distributed.LocalCluster
    client_cls: Any = distributed.Client
    with (
        cluster_cls(n_workers=1, processes=False, dashboard_address=None) as cluster,
        client_cls(cluster) as client,
    ):
        got = diff_on_dask(client, old, new, iter(corpus), chunk_size=4, progress=seen.append)
    assert got == diff_numbered(old, new, corpus)
    assert sum(seen) == len(corpus)
    assert len(seen) == 9


# ------------------------------------------------------------------ the command


def _write(root: Path, texts: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    return subprocess.run(
        [sys.executable, "-m", "hamtriage", "diff", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("packdiff")
    corpus = base / "reports.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in REPORTS) + "\n", encoding="utf-8")
    return _write(base / "old", OLD), _write(base / "new", NEW), corpus


def test_cli_text_json_and_exit_codes(packs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, corpus = packs
    text = _cli(old, new, "--reports", corpus)
    assert text.returncode == 1, text.stderr
    out = text.stdout
    assert out.index("level went DOWN: 2") < out.index("line 2: see_clinician -> self_care")
    assert out.index("line 2: see_clinician -> self_care") < out.index("level went up: 1")
    assert "no longer fired: b_h2, b_clinician; newly fired: b_h3" in out
    assert "line 7 (old pack): symptoms[0]: unknown symptom or history 'd'" in out
    assert "line 5 (both packs): symptoms[0]:" in out
    assert text.stderr == ""  # no progress bar when standard error is not a terminal
    as_json = _cli(old, new, "--reports", corpus, "--json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert set(data) == {
        "old_pack",
        "new_pack",
        "reports",
        "compared",
        "transitions",
        "lowered",
        "raised",
        "hypotheses",
        "recommendations",
        "invalid",
    }
    assert [c["index"] for c in data["lowered"]] == [2, 6]  # line numbers
    assert data["transitions"][0] == {"old": "self_care", "new": "self_care", "count": 1}
    same = _cli(old, old, "--reports", corpus, "--json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["lowered"] == []


def test_cli_bad_input_exits_2(packs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, _ = packs
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"symptoms": ["a"]}\n\n{"symptoms": [\n', encoding="utf-8")
    got = _cli(old, new, "--reports", bad)
    assert got.returncode == 2
    assert f"{bad}:3: not valid JSON" in got.stderr
    assert "Traceback" not in got.stderr
    (tmp_path / "list.jsonl").write_text("[1]\n", encoding="utf-8")
    got = _cli(old, new, "--reports", tmp_path / "list.jsonl")
    assert (got.returncode, "list.jsonl:1: a report must be a JSON object" in got.stderr) == (
        2,
        True,
    )
    missing = _cli(old, new, "--reports", tmp_path / "none.jsonl")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    no_pack = _cli(tmp_path / "nope", new, "--reports", bad)
    assert no_pack.returncode == 2
    assert "Traceback" not in no_pack.stderr


def test_cli_png(packs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, corpus = packs
    png = tmp_path / "matrix.png"
    got = _cli(old, new, "--reports", corpus, "--png", png)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert got.returncode == 2
        assert (
            got.stderr.strip() == "hamtriage: --png needs matplotlib: pip install 'hamtriage[plot]'"
        )
        assert not png.exists()
        pytest.skip("matplotlib is not installed: checked the one-line error instead")
    assert got.returncode == 1, got.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_counts_on_a_terminal_only() -> None:
    import io

    from hamtriage._commands.diff import _Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = _Progress(stream)
        for _ in range(250):
            bar(1)
        bar(1000)  # a Dask chunk at a time
        bar.close()
    assert pipe.getvalue() == ""
    assert tty.getvalue().split("\r")[1:] == [
        "hamtriage diff: 100 reports",
        "hamtriage diff: 200 reports",
        "hamtriage diff: 1,250 reports",
        "hamtriage diff: 1,250 reports\n",
    ]

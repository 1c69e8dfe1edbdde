"""Batch results in compact form, streaming (``Engine.triage_iter``, ``hamtriage triage
--batch``) with bounded memory, bad lines named by line and field, and the progress bar."""

from __future__ import annotations

import gc
import json
import os
import pickle
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamtriage import BatchReportError, Engine, TriageResult
from hamtriage.cli import main
from hamtriage.engine import compiled_state
from hamtriage.flows.batch import BatchResults, stream
from tests.support.reports import make_reports

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def _atoms(value: Any) -> bool:
    """Only ids, numbers and tuples of them (what the collector can untrack)."""
    if isinstance(value, tuple):
        return all(_atoms(v) for v in value)
    return value is None or isinstance(value, str | int | float)


def test_batch_results_are_compact_rows_read_as_typed_results(engine: Engine) -> None:
    reports = make_reports(engine.pack, 300, seed=41)
    results = engine.triage_many(reports)
    assert isinstance(results, BatchResults)
    assert len(results) == 300
    assert results == [engine.triage(r) for r in reports]
    assert all(isinstance(r, TriageResult) for r in results)
    assert results[5] == engine.triage(reports[5])
    assert results[-1] == engine.triage(reports[-1])
    assert results[10:13] == [engine.triage(r) for r in reports[10:13]]
    assert all(_atoms(row) for row in results.rows)
    for _ in range(5):  # each pass untracks one more level of nested tuples
        gc.collect()
    tracked = sum(gc.is_tracked(row) for row in results.rows)
    assert tracked == 0, f"{tracked} of 300 rows are still tracked by the garbage collector"


def test_batch_results_pickle_small_and_equal(engine: Engine) -> None:
    reports = make_reports(engine.pack, 200, seed=42)
    results = engine.triage_many(reports)
    data = pickle.dumps(results)
    trees = pickle.dumps(list(results))
    assert len(data) * 3 < len(trees)  # rows, not pydantic trees
    again = pickle.loads(data)
    assert again == results
    assert list(again) == [engine.triage(r) for r in reports]


def test_batch_results_repr_and_errors_in_place(engine: Engine) -> None:
    results = engine.triage_many(
        [{"symptoms": ["tight_calves"]}, {"symptoms": ["nope"]}], on_error="return"
    )
    assert "2 results, 1 invalid" in repr(results)
    assert isinstance(results[1], BatchReportError)
    assert results[1].field == "reports[1].symptoms[0]"


def test_triage_iter_reads_a_chunk_at_a_time(engine: Engine) -> None:
    reports = make_reports(engine.pack, 1200, seed=43)
    pulled = 0
    yielded = 0
    ahead: list[int] = []

    def source() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for r in reports:
            pulled += 1
            ahead.append(pulled - yielded)
            yield r

    got = []
    for result in engine.triage_iter(source()):
        yielded += 1
        got.append(result)
    assert got == [engine.triage(r) for r in reports]
    assert max(ahead) <= 500  # never more than a chunk read ahead of the results


def _peak(fn: Any) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streaming_holds_no_results_behind_it(engine: Engine) -> None:
    # the peak of a stream is its chunks in flight (plus the interpreter's free lists),
    # not its results: a fraction of what keeping the same rows costs
    state = compiled_state(engine)
    reports = make_reports(engine.pack, 30, seed=44)

    def source() -> Iterator[dict[str, Any]]:
        return (reports[i % 30] for i in range(3000))

    def drop() -> None:
        for _ in stream(state, source(), chunk_size=100):
            pass

    kept: list[Any] = []
    drop()  # warm the engine's caches
    streamed = _peak(drop)
    keeping = _peak(lambda: kept.extend(stream(state, source(), chunk_size=100)))
    assert len(kept) == 3000
    assert streamed * 4 < keeping, (streamed, keeping)


def _lines(path: Path, reports: list[Any], bad: dict[int, str] | None = None) -> Path:
    bad = bad or {}
    rows = [json.dumps(r) for r in reports]
    for at, text in sorted(bad.items()):
        rows.insert(at - 1, text)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_cli_batch_writes_one_record_per_line(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = make_reports(engine.pack, 60, seed=45)
    src = _lines(tmp_path / "in.jsonl", reports)
    out = tmp_path / "out.jsonl"
    assert main(["triage", "--batch", str(src), "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == list(range(1, 61))
    want = [engine.triage(r) for r in reports]
    assert [TriageResult.model_validate(r["result"]) for r in records] == want
    assert capsys.readouterr().err == ""  # not a terminal: no progress bar


def test_cli_batch_stops_at_a_bad_line_naming_line_and_field(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = make_reports(engine.pack, 20, seed=46)
    src = _lines(tmp_path / "in.jsonl", reports, {8: '{"symptoms": ["low_back_spasm"]}'})
    out = tmp_path / "out.jsonl"
    assert main(["triage", "--batch", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{src}:8: symptoms[0]: unknown symptom or history 'low_back_spasm' "
        "(did you mean 'low_back_spasms'" in err
    )
    assert "--on-error continue" in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7  # the lines before it


def test_cli_batch_continue_writes_error_records_and_goes_on(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = make_reports(engine.pack, 20, seed=47)
    bad = {3: "{not json", 9: '{"age": -4}', 12: "[1, 2]"}
    src = _lines(tmp_path / "in.jsonl", reports, bad)
    with src.open("a", encoding="utf-8") as fh:
        fh.write("\n\n")  # blank lines carry no report
    out = tmp_path / "out.jsonl"
    code = main(["triage", "--batch", str(src), "--out", str(out), "--on-error", "continue"])
    assert code == 2
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 23
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    assert sorted(errors) == [3, 9, 12]
    assert errors[3]["message"].startswith("not valid JSON")
    assert errors[9]["field"] == "age"
    assert errors[12]["message"] == "a report must be a JSON object, not list"
    results = [TriageResult.model_validate(r["result"]) for r in records if "result" in r]
    assert results == [engine.triage(r) for r in reports]
    err = capsys.readouterr().err
    assert f"{src}:9: age: " in err
    assert "3 of 23 lines were invalid" in err


def test_cli_batch_refuses_reports_beside_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _lines(tmp_path / "in.jsonl", [{"symptoms": ["tight_calves"]}])
    assert main(["triage", "--batch", str(src), "--symptom", "tight_calves"]) == 2
    assert "--batch reads every report from its file" in capsys.readouterr().err
    assert main(["triage", "--workers", "2", "--symptom", "tight_calves"]) == 2
    assert "go with --batch" in capsys.readouterr().err


def test_cli_batch_writes_parquet(engine: Engine, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed")
    reports = make_reports(engine.pack, 30, seed=48)
    src = _lines(tmp_path / "in.jsonl", reports, {5: '{"symptoms": ["x"]}'})
    out = tmp_path / "out.parquet"
    code = main(["triage", "--batch", str(src), "--out", str(out), "--on-error", "continue"])
    assert code == 2
    table = pq.read_table(out).to_pydict()
    assert table["line"] == list(range(1, 32))
    assert table["error"][4] == "unknown symptom or history 'x'"
    assert table["level"][4] is None
    want = [engine.triage(r) for r in reports]
    rows = [i for i in range(31) if i != 4]
    assert [table["level"][i] for i in rows] == [w.level.value for w in want]
    assert [table["fired_rules"][i] for i in rows] == [list(w.fired_rules) for w in want]
    assert [TriageResult.model_validate_json(table["result"][i]) for i in rows] == want


def test_without_pyarrow_parquet_is_refused_with_the_fix(tmp_path: Path) -> None:
    src = _lines(tmp_path / "in.jsonl", [{"symptoms": ["tight_calves"]}])
    code = (
        "import sys; sys.modules['pyarrow'] = None; from hamtriage.cli import main; "
        f"sys.exit(main(['triage', '--batch', {str(src)!r}, '--out', 'x.parquet']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert proc.returncode == 2
    assert "needs pyarrow: pip install 'hamtriage[parquet]'" in proc.stderr


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    src = _lines(tmp_path / "in.jsonl", [{"symptoms": ["tight_calves"]}] * 50)
    hamtriage = Path(sys.executable).with_name("hamtriage")
    command = [str(hamtriage), "triage", "--batch", str(src), "--out", str(tmp_path / "o.jsonl")]
    parent, child = pty.openpty()
    try:
        proc = subprocess.run(command, stderr=child, stdout=subprocess.DEVNULL, check=False)
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(parent, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(parent)
    assert proc.returncode == 0
    assert b"[####################] 100%  50 reports" in shown
    plain = subprocess.run([*command, "--out", str(tmp_path / "p.jsonl")], capture_output=True)
    assert plain.returncode == 0
    assert plain.stderr == b""


@pytest.mark.slow
def test_cli_batch_on_workers_equals_in_process(engine: Engine, tmp_path: Path) -> None:
    reports = make_reports(engine.pack, 700, seed=49)
    src = _lines(tmp_path / "in.jsonl", reports, {650: '{"symptoms": ["nope"]}'})
    hamtriage = Path(sys.executable).with_name("hamtriage")
    outs = []
    for extra in ([], ["--workers", "2"]):
        out = tmp_path / f"out{len(extra)}.jsonl"
        proc = subprocess.run(
            [
                str(hamtriage),
                "triage",
                "--batch",
                str(src),
                "--out",
                str(out),
                "--on-error",
                "continue",
                *extra,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert f"{src}:650: symptoms[0]: unknown symptom or history 'nope'" in proc.stderr
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]

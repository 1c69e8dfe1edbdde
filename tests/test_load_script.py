"""benchmarks/load.py's own logic: reading hey's summary and rewriting its docs block
(the load run itself needs hey and minutes; the lead runs it on an idle machine)."""

from __future__ import annotations

import pytest

from benchmarks.load import MARK, Figures, Store, notes, parse_hey, rewrite_block

HEY_OK = """
Summary:
  Total:	1.0005 secs
  Requests/sec:	3998.5000

Latency distribution:
  10% in 0.0010 secs
  50% in 0.0031 secs
  99% in 0.0120 secs

Status code distribution:
  [200]	3984 responses
  [503]	 12 responses

Error distribution:
  [3]	Get "http://127.0.0.1:1/healthz": dial tcp: connection refused
  [1]	Get "http://127.0.0.1:1/healthz": EOF
"""


def test_hey_summary_counts_every_non_200_and_every_failed_request() -> None:
    sent, rps, p50, p99, errors = parse_hey(HEY_OK)
    assert sent == 3984 + 12 + 4
    assert rps == pytest.approx(3998.5)
    assert p50 == pytest.approx(3.1)
    assert p99 == pytest.approx(12.0)
    assert errors == 12 + 4


def test_hey_without_a_summary_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="no summary"):
        parse_hey("Error: connection refused\n")


def test_the_docs_block_between_the_markers_is_replaced_and_nothing_else() -> None:
    doc = f"intro\n{MARK}\nold table\n{MARK}\nafter\n"
    assert rewrite_block(doc, "new") == f"intro\n{MARK}\nnew\n{MARK}\nafter\n"
    with pytest.raises(ValueError, match="markers"):
        rewrite_block(f"intro\n{MARK}\n", "new")


def test_notes_state_both_targets_from_the_figures() -> None:
    def fig(endpoint: str, workers: int, rps: float, cpu: float) -> Figures:
        return Figures(endpoint, workers, 1000, rps, 1, 2, 0, cpu, 0.1, 1.0)

    figures = [
        fig("healthz", 1, 5000, 0.2),
        fig("triage", 1, 1000, 0.8),
        fig("healthz", 2, 8000, 0.2),
        fig("triage", 2, 1700, 0.8),
    ]
    lines = notes(Store("PostgreSQL"), figures, {1: 1400, 2: 1399}, 1400)
    assert "1 worker: /v1/triage at 20% of /healthz's" in lines[0]
    assert "1400 of 1400 triages stored" in lines[0]
    assert "1399 of 1400 triages stored" in lines[1]  # a lost record shows
    assert "2 workers at 1.70x one worker" in lines[2]
    assert "kept 0.80 and 0.80 cores busy" in lines[2]


def test_a_block_ratio_sums_each_side_of_the_block() -> None:
    from benchmarks.load import BLOCK, block_ratio, blocks_note

    assert BLOCK == (1, 2, 2, 1)
    # a machine slowing down through the block: 1 worker 1,000 then 800, 2 workers 1,700, 1,500
    assert block_ratio({1: [1000.0, 800.0], 2: [1700.0, 1500.0]}) == 3200 / 1800
    line = blocks_note("SQLite, synchronous=full", [1.5, 1.7, 1.62])
    assert "in 3 blocks" in line
    assert "median 1.62x (1.50, 1.70, 1.62)" in line


def test_blocks_must_not_be_negative(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.load import main

    with pytest.raises(SystemExit) as stop:
        main(["--blocks", "-1", "--no-write"])
    assert stop.value.code == 2
    assert "--blocks must be 0 or more" in capsys.readouterr().err

"""Triage the example reports with the library API, and show what bad input looks like.

Run: python examples/triage_example.py
"""

from __future__ import annotations

import json
from pathlib import Path

import hamtriage

HERE = Path(__file__).resolve().parent


def main() -> None:
    engine = hamtriage.Engine.default()  # the bundled pack, built once and shared
    print(f"rule pack {engine.pack.pack_id}: {len(engine.pack.rules)} rules\n")
    for path in sorted((HERE / "reports").glob("*.json")):
        report = hamtriage.Report.model_validate_json(path.read_text(encoding="utf-8"))
        result = engine.triage(report)
        print(f"{path.name}: level {result.level.value}")
        for h in result.hypotheses[:3]:
            print(f"  {h.likelihood.value:<8} {h.confidence:.2f}  {h.label} [{h.evidence.value}]")
        for rec in result.recommendations[:3]:
            print(f"  -> {rec.label} ({rec.kind.value})")
        print()

    # a report is checked against the pack's vocabulary: typos get a clear error
    try:
        engine.triage({"symptoms": ["low back spasm"], "measurements": {"knee_to_wall_cm": 6.5}})
    except hamtriage.ReportError as exc:
        print(f"rejected: {exc}")
    # synonyms athletes use are accepted and normalised to ids
    result = engine.triage({"symptoms": ["tight calves"], "measurements": {"knee to wall": 8}})
    print("from synonyms:", json.dumps([h.id for h in result.hypotheses]))
    print()
    print(result.disclaimer)


if __name__ == "__main__":
    main()

"""Check that a speed change to the triage changes no output: dump results, then compare.

    python benchmarks/triage_check.py dump before.pkl     # on the code before the change
    python benchmarks/triage_check.py check before.pkl    # after it: exit 1 on any difference

The reports: 5,000 seeded reports of the generator ``benchmarks/run.py`` uses
(``tests.support.make_reports``, seeds 1000 and 5000 as its rounds), 1,000 of up to 40
facts, every report of ``examples/`` and of the vignettes in ``tests/vignettes``, and a
set of bad reports (wrong shapes, unknown ids, values out of range, contradictions).
Each is stored as what the public API returns for it: ``engine.triage(r)`` as
``model_dump_json()`` (or the error it raised: type, message, field, problems), the
same report triaged in Dutch, and the same reports through ``engine.triage_many``
(every result read) and ``triage_many(..., on_error="return")``; where the engine has
``dump_json``, a single result's text from it must equal ``model_dump_json``'s. ``check`` triages the
reports stored in the dump, compares each string, and also checks that a result equals
its re-validated copy (``TriageResult.model_validate_json``) and is frozen.
"""

from __future__ import annotations

import json
import pickle
import random
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hamtriage import Engine, HamtriageError, TriageResult  # noqa: E402
from tests.support.reports import make_reports  # noqa: E402

BAD: list[Any] = [
    [],
    "knee",
    {"symptoms": "low_back_spasms"},
    {"symptoms": ["no_such_symptom"]},
    {"symptoms": ["low_back_spasm"]},
    {"symptoms": [""]},
    {"symptoms": ["x" * 200]},
    {"symptoms": ["low_back_spasms"], "absent": ["low_back_spasms"]},
    {"symptoms": ["low_back_spasms"], "history": ["low_back_spasms"]},
    {"measurements": {"knee_to_wall_cm": 900}},
    {"measurements": {"knee_to_wall_cm": "6"}},
    {"measurements": {"knee_to_wall_cm": {"left": None}}},
    {"measurements": {"knee_to_wall_cm": {"left": 5, "up": 2}}},
    {"measurements": {"fingertip_to_floor_cm": {"left": 5, "right": 2}}},
    {"measurements": {"knee_to_wall": 6}},
    {"measurements": {"knee_to_wall_cm": float("nan")}},
    {"age": -1},
    {"age": 30.5},
    {"sex": "other"},
    {"color": "red"},
    {"symptoms": ["low_back_spasms"] * 101},
    {"suspected": ["saddle_numbness"], "absent": ["saddle_numbness"]},
    {"symptoms": [1, 2]},
]


def reports() -> list[Any]:
    """Every report checked, in a fixed order (JSON-able)."""
    engine = Engine.default()
    out: list[Any] = make_reports(engine.pack, 2500, seed=1000)
    out += make_reports(engine.pack, 2500, seed=5000)
    out += make_reports(engine.pack, 1000, seed=77, max_facts=40)
    for path in sorted((ROOT / "examples").rglob("*.json")):
        out.append(json.loads(path.read_text(encoding="utf-8")))
    for line in (ROOT / "examples" / "checkins.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line))
    for path in sorted((ROOT / "tests" / "vignettes").glob("*.yaml")):
        for v in yaml.safe_load(path.read_text(encoding="utf-8"))["vignettes"]:
            out.append(v["report"])
    rng = random.Random(3)
    out += BAD + [dict(r, sex=rng.choice(["female", "male"])) for r in out[:50]]
    return out


def _error(exc: HamtriageError) -> tuple[Any, ...]:
    problems = tuple(map(str, getattr(exc, "problems", ()) or ()))
    return ("error", type(exc).__name__, str(exc), getattr(exc, "field", None), problems)


def _one(engine: Engine, report: Any, lang: str) -> Any:
    try:
        result = engine.triage(report, lang=lang)
    except HamtriageError as exc:
        return _error(exc)
    text = result.model_dump_json()
    fast = getattr(engine, "dump_json", None)  # absent on trees before it was added
    if fast is not None and fast(result) != text:
        return ("dump_json differs", fast(result))  # so that check fails
    return text


def results(batch: list[Any]) -> list[Any]:
    """Per report: its English and Dutch results; then the batch results."""
    engine = Engine.default()
    out: list[Any] = [(_one(engine, r, "en"), _one(engine, r, "nl")) for r in batch]
    good = [r for r, (en, _) in zip(batch, out, strict=True) if isinstance(en, str)]
    out.append([r.model_dump_json() for r in engine.triage_many(good)])
    mixed = engine.triage_many(batch, on_error="return")
    out.append([r.model_dump_json() if isinstance(r, TriageResult) else _error(r) for r in mixed])
    return out


def _sound(batch: list[Any]) -> int:
    """Results that differ from their re-validated copy or can be changed (must be 0)."""
    engine = Engine.default()
    bad = 0
    for report in batch[:2000]:
        try:
            result = engine.triage(report)
        except HamtriageError:
            continue
        if TriageResult.model_validate_json(result.model_dump_json()) != result:
            bad += 1
        try:
            result.level = result.level
            bad += 1
        except Exception:  # noqa: BLE001 - pydantic's frozen error is what is expected
            pass
    return bad


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("dump", "check"):
        sys.exit(__doc__)
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "dump":
        batch = reports()
        now = results(batch)
        path.write_bytes(pickle.dumps((batch, now)))
        print(f"{len(batch)} reports, {len(now)} results written to {path}")
        return
    batch, before = pickle.loads(path.read_bytes())
    now = results(batch)  # the dump's reports (the generator may change)
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(before, now, strict=True)) if a != b]
    for i, a, b in bad[:3]:
        print(f"#{i} {str(batch[i] if i < len(batch) else 'batch')[:200]}")
        print(f"  before: {str(a)[:600]}\n  after:  {str(b)[:600]}")
    unsound = _sound(batch)
    print(f"{len(batch)} reports, {len(bad)} results differ, {unsound} unsound")
    if bad or unsound:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Seeded, realistic report sets drawn from a pack's own vocabulary (tests and benchmarks).

:func:`make_reports` draws reports of 1 to 15 facts: ids, and sometimes a label or
synonym as athletes type them; measurements inside their valid ranges, sided tests with
both or one side; age and sex. Every report is valid for the pack it was drawn from.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from hamtriage.rules.pack import RulePack

__all__ = ["Report", "make_reports"]

Report = dict[str, Any]


def _pick_text(rng: random.Random, item_id: str, label: str, synonyms: Iterable[str]) -> str:
    """Mostly the id; sometimes the label or a synonym, as an athlete would type it."""
    roll = rng.random()
    if roll < 0.8:
        return item_id
    options = [label, *synonyms]
    return rng.choice(options)


def make_reports(pack: RulePack, n: int, seed: int, *, max_facts: int = 15) -> list[Report]:
    """``n`` valid reports of 1 to ``max_facts`` facts each, reproducible from ``seed``."""
    rng = random.Random(seed)
    symptoms: list[Any] = list(pack.symptoms.values())
    history: list[Any] = list(pack.history.values())
    activities = list(pack.activities.values())
    measurements = list(pack.measurements.values())
    out: list[Report] = []
    for _ in range(n):
        target = rng.randint(1, max_facts)
        used: set[str] = set()
        report: Report = {}
        facts = 0
        tries = 0
        while facts < target and tries < 100:
            tries += 1
            roll = rng.random()
            if roll < 0.40:
                item: Any = rng.choice(symptoms)
                key = "symptoms"
            elif roll < 0.50:
                item = rng.choice(symptoms + history)
                key = "absent"
            elif roll < 0.55 and history:
                item = rng.choice(history)
                key = "history"
            elif roll < 0.72:
                item = rng.choice(activities)
                key = "activities"
            elif roll < 0.92:
                m = rng.choice(measurements)
                if m.id in used:
                    continue
                used.add(m.id)
                lo, hi = m.range
                if m.sided:
                    sides = {
                        "left": round(rng.uniform(lo, hi), 1),
                        "right": round(rng.uniform(lo, hi), 1),
                    }
                    if rng.random() < 0.15:
                        sides.pop(rng.choice(["left", "right"]))
                    value: Any = sides
                else:
                    value = round(rng.uniform(lo, hi), 1)
                report.setdefault("measurements", {})[m.id] = value
                facts += 1
                continue
            elif roll < 0.96:
                if "age" in report:
                    continue
                report["age"] = rng.randint(12, 75)
                facts += 1
                continue
            else:
                if "sex" in report:
                    continue
                report["sex"] = rng.choice(["female", "male"])
                facts += 1
                continue
            if item.id in used:
                continue
            used.add(item.id)
            report.setdefault(key, []).append(_pick_text(rng, item.id, item.label, item.synonyms))
            facts += 1
        out.append(report)
    return out

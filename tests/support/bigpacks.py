"""Large, realistic rule packs for scale tests and benchmarks (seeded, reproducible).

:func:`big_pack_files` writes a pack the way a clinic or vendor would split one: a
``pack.yaml`` with the identity, sources, activities and referrals, and per body region
a vocabulary file (its symptoms, measurements, hypotheses and drills) and a rule file.
Rules take the shapes of the bundled pack: one complaint; a complaint during an
activity; a complaint with a field-test threshold (thresholds on a coarse grid, as
norms are published); a complaint without another; an explicitly absent sign against a
cause; red flags (a sign alone or with an age band); and drills recommended once a
cause is at least possible (a second stage).
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.support.packs import write_pack

__all__ = ["REGIONS", "big_pack_files", "write_big_pack"]

REGIONS = (
    "low_back",
    "hamstring",
    "hip",
    "knee",
    "ankle",
    "lower_leg",
    "shoulder",
    "elbow",
    "wrist",
    "neck",
)
ACTIVITIES = ("deadlift", "squat", "running", "kettlebell_swing", "rowing", "cycling")
_LEVELS = ("see_clinician", "same_day", "emergency")
_HEAD = """
pack:
  name: big
  version: "1"
  referrals: {see_clinician: see_clinician, same_day: same_day, emergency: emergency}
sources:
  S1: {title: Generated source}
activities:
"""


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (i < total % parts) for i in range(parts)]


def big_pack_files(
    rules: int, symptoms: int, measurements: int = 100, *, seed: int = 0, regions: int = 10
) -> dict[str, str]:
    """The files of a pack of ``rules`` rules over ``symptoms`` symptom ids and
    ``measurements`` measurements, split over ``regions`` body regions."""
    rng = random.Random(seed)
    regions = max(1, min(regions, len(REGIONS), symptoms // 5 or 1))
    head = _HEAD + "".join(f"  - {{id: {a}, label: {a.title()}}}\n" for a in ACTIVITIES)
    head += "recommendations:\n" + "".join(
        f"  - {{id: {lv}, label: {lv.title()}, kind: referral}}\n" for lv in _LEVELS
    )
    files = {"pack.yaml": head}
    for r, (n_sym, n_meas, n_rules) in enumerate(
        zip(
            _spread(symptoms, regions),
            _spread(measurements, regions),
            _spread(rules, regions),
            strict=True,
        )
    ):
        region = REGIONS[r]
        syms = [f"{region}_s{i:04}" for i in range(n_sym)]
        flags = syms[: max(1, n_sym // 20)]  # about 5 % are red-flag signs
        plain = syms[len(flags) :] or syms
        meas = [f"{region}_m{i:02}" for i in range(n_meas)]
        hyps = [f"{region}_h{i:03}" for i in range(max(2, n_sym // 10))]
        drills = [f"{region}_d{i:03}" for i in range(max(2, n_sym // 20))]
        vocab = ["symptoms:"]
        vocab += [
            f"  - {{id: {s}, label: {region} sign {s[-4:]}, region: {region}"
            + (", source: [S1]}" if s in flags else "}")
            for s in syms
        ]
        if meas:
            vocab.append("measurements:")
            vocab += [
                f"  - {{id: {m}, label: {region} test {m[-2:]}, unit: cm, range: [0, 100]"
                + (", sided: true, mdc: 4" if i % 4 == 0 else "")
                + "}"
                for i, m in enumerate(meas)
            ]
        vocab.append("hypotheses:")
        vocab += [
            f"  - {{id: {h}, label: {region} cause {h[-3:]}, evidence: research}}" for h in hyps
        ]
        vocab.append("recommendations:")
        vocab += [f"  - {{id: {d}, label: {region} drill {d[-3:]}, kind: drill}}" for d in drills]
        files[f"{region}_vocabulary.yaml"] = "\n".join(vocab) + "\n"
        body = ["rules:"]
        body += [
            _rule(rng, f"{region}_r{i:04}", plain, flags, meas, hyps, drills)
            for i in range(n_rules)
        ]
        files[f"{region}_rules.yaml"] = "\n".join(body) + "\n"
    return files


def _rule(
    rng: random.Random,
    rid: str,
    syms: list[str],
    flags: list[str],
    meas: list[str],
    hyps: list[str],
    drills: list[str],
) -> str:
    roll = rng.random()
    s = rng.choice(syms)
    h = rng.choice(hyps)
    cf = rng.choice((0.3, 0.4, 0.5, 0.6, 0.7, 0.8))
    then = f"[{{support: {h}, certainty: {cf}}}]"
    extra = ""
    if roll < 0.35:
        when = f"{{symptom: {s}}}"
    elif roll < 0.5:
        a, b = rng.sample(ACTIVITIES, 2)
        when = f"{{all: [{{symptom: {s}}}, {{any: [{{activity: {a}}}, {{activity: {b}}}]}}]}}"
    elif roll < 0.65 and meas:
        op = rng.choice(("ge", "le"))
        when = f"{{all: [{{symptom: {s}}}, {{measurement: {rng.choice(meas)}, {op}: {rng.randrange(10, 90, 10)}}}]}}"
    elif roll < 0.75:
        other = rng.choice(syms)
        when = (
            f"{{all: [{{symptom: {s}}}, {{not: {{symptom: {other}}}}}]}}"
            if other != s
            else f"{{symptom: {s}}}"
        )
    elif roll < 0.8:
        when = f"{{all: [{{symptom: {s}}}, {{absent: {rng.choice(syms)}}}]}}"
        then = f"[{{against: {h}, certainty: {cf}}}]"
    elif roll < 0.85:
        flag = rng.choice(flags)
        level = rng.choice(_LEVELS)
        when = (
            f"{{symptom: {flag}}}"
            if rng.random() < 0.6
            else (f"{{all: [{{symptom: {flag}}}, {{age: {{ge: {rng.choice((40, 50, 60))}}}}}]}}")
        )
        then = f"[{{escalate: {level}, reason: Sign {flag} needs a clinician.}}]"
        extra = ", red_flag: true"
    elif roll < 0.95:
        least = rng.choice((0.3, 0.6))
        when = f"{{hypothesis: {h}, min_confidence: {least}}}"
        if rng.random() < 0.5:
            when = f"{{all: [{when}, {{symptom: {s}}}]}}"
        then = f"[{{recommend: {rng.choice(drills)}}}]"
    else:
        when = f"{{all: [{{symptom: {s}}}, {{sex: {rng.choice(('female', 'male'))}}}]}}"
    return (
        f"  - {{id: {rid}, title: Rule {rid}, evidence: research, source: [S1]{extra}, "
        f"when: {when}, then: {then}}}"
    )


def write_big_pack(
    root: Path, rules: int, symptoms: int, measurements: int = 100, *, seed: int = 0
) -> Path:
    """Write :func:`big_pack_files` into ``root``; return it."""
    return write_pack(root, big_pack_files(rules, symptoms, measurements, seed=seed))

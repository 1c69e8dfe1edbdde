"""Check the free-text corpus files: format, unique ids, known vocabulary ids, counts.

This script does not run the intake; it only checks the corpus itself.

    python tests/corpus/validate.py                     # the hamtriage package of this checkout
    python tests/corpus/validate.py --hamtriage hamtriage   # an installed `hamtriage` command

The vocabulary ids are read from ``hamtriage vocab --format json`` (only each item's
``id`` and ``kind`` are used). Exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
LEVELS = ["self_care", "modify_training", "see_clinician", "same_day", "emergency"]
FIELDS = {
    "id",
    "text",
    "recognise",
    "deny",
    "absent",
    "not_present",
    "age",
    "sides",
    "values",
    "suspect_red_flag",
    "level",
    "topic",
    "source",
    "note",
}
ID_LISTS = ("recognise", "deny", "absent", "not_present")
TOPICS = {
    "dvt",
    "pe",
    "acute_knee",
    "back_age",
    "radicular",
    "tendon",
    "bone_stress",
    "acute_compartment",
    "exertional_compartment",
    "benign_lookalike",
}
# file stem -> (id prefix, minimum number of texts)
FILES = {
    "red_flags": ("en-rf-", 0),
    "denials": ("en-dn-", 70),
    "benign": ("en-bn-", 110),
    "coverage": ("en-cv-", 50),
    "heldout": ("en-ho-", 40),
}
# the Dutch corpus (issue 18): the size rules of issue 12 (60 denials, 100 benign, at least 400
# texts) and, like English, coverage texts
FILES_BY_LANG = {
    "en": FILES,
    "nl": {
        "red_flags": ("nl-rf-", 0),
        "denials": ("nl-dn-", 60),
        "benign": ("nl-bn-", 100),
        "coverage": ("nl-cv-", 50),
        "heldout": ("nl-ho-", 60),
    },
}
MIN_TEXTS = 400
MIN_PER_RED_FLAG = 8
RED_FLAG_ITEMS = [
    "saddle_numbness",
    "bladder_or_bowel_dysfunction",
    "new_sexual_dysfunction",
    "progressive_leg_weakness",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "night_pain",
    "widespread_neurology",
    "thigh_pop_with_bruising",
    "hamstring_injury_stopped_activity",
    "rapid_knee_swelling",
    "knee_locked",
    "kneecap_dislocation",
    "injured_limb_cold_or_numb",
    "hot_swollen_joint",
    "knee_giving_way",
    "unable_to_bear_weight",
    "bone_tenderness_after_injury",
    "achilles_pop_or_gap",
    "ankle_pain_not_settling",
    "positive_ankle_squeeze_test",
    "cancer_history",
    "major_trauma",
    "infection_risk",
    "osteoporosis_or_steroid_use",
]


def vocabulary(hamtriage: str | None) -> dict[str, str]:
    if hamtriage:
        command = [hamtriage]
    else:  # the package of this checkout, run from the repository root
        command = [
            sys.executable,
            "-c",
            "import sys; from hamtriage.cli import main; sys.exit(main(sys.argv[1:]))",
        ]
    out = subprocess.run(
        [*command, "vocab", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent.parent,
    )
    return {item["id"]: item["kind"] for item in json.loads(out.stdout)}


def check(corpus_dir: Path, vocab: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    files = FILES_BY_LANG.get(corpus_dir.name, FILES)
    errors: list[str] = []
    seen: dict[str, str] = {}
    texts: dict[str, str] = {}
    stats: dict[str, Any] = {
        "files": {},
        "red_flag_items": Counter(),
        "topics": Counter(),
        "denied": Counter(),
        "not_present": Counter(),
        "with_age": 0,
        "with_sides": 0,
    }
    for stem, (prefix, minimum) in files.items():
        path = corpus_dir / f"{stem}.yaml"
        if not path.exists():
            errors.append(f"{path}: missing")
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            errors.append(f"{path}: not a YAML list")
            continue
        stats["files"][stem] = len(data)
        if len(data) < minimum:
            errors.append(f"{path.name}: {len(data)} texts, at least {minimum} required")
        for n, entry in enumerate(data):
            where = f"{path.name}[{n}]"
            if not isinstance(entry, dict):
                errors.append(f"{where}: not a mapping")
                continue
            eid = entry.get("id")
            where = f"{path.name}:{eid}"
            if not isinstance(eid, str) or not eid.startswith(prefix):
                errors.append(f"{where}: id must start with {prefix!r}")
            if eid in seen:
                errors.append(f"{where}: duplicate id (also in {seen[eid]})")
            seen[str(eid)] = path.name
            text = entry.get("text")
            if not isinstance(text, str) or not text.strip():
                errors.append(f"{where}: empty text")
            else:
                key = " ".join(text.lower().split())
                if key in texts:
                    errors.append(f"{where}: same text as {texts[key]}")
                texts[key] = str(eid)
            for field in set(entry) - FIELDS:
                errors.append(f"{where}: unknown field {field!r}")
            for field in ID_LISTS:
                ids = entry.get(field, [])
                if not isinstance(ids, list):
                    errors.append(f"{where}: {field} must be a list")
                    continue
                for item in ids:
                    if item not in vocab:
                        errors.append(f"{where}: {field}: unknown vocabulary id {item!r}")
            rec, deny = set(entry.get("recognise", [])), set(entry.get("deny", []))
            absent, not_present = set(entry.get("absent", [])), set(entry.get("not_present", []))
            if rec & (deny | not_present):
                errors.append(
                    f"{where}: an id is both recognised and denied/not present: {sorted(rec & (deny | not_present))}"
                )
            if not absent <= deny:
                errors.append(f"{where}: absent ids must also be denied: {sorted(absent - deny)}")
            level = entry.get("level", {})
            if not isinstance(level, dict) or set(level) - {"min", "max"}:
                errors.append(f"{where}: level must be {{min:, max:}}")
            else:
                for bound in level.values():
                    if bound not in LEVELS:
                        errors.append(f"{where}: unknown level {bound!r}")
                if (
                    "min" in level
                    and "max" in level
                    and level["min"] in LEVELS
                    and level["max"] in LEVELS
                ):
                    if LEVELS.index(level["min"]) > LEVELS.index(level["max"]):
                        errors.append(f"{where}: level min above max")
            age = entry.get("age")
            if age is not None:
                stats["with_age"] += 1
                if not isinstance(age, int) or not 1 <= age <= 110:
                    errors.append(f"{where}: age must be an integer year")
            for field in ("sides", "values"):
                for mid, value in (entry.get(field) or {}).items():
                    if vocab.get(mid) != "measurement":
                        errors.append(f"{where}: {field}: {mid!r} is not a measurement id")
                    if field == "sides" and (
                        not isinstance(value, dict) or set(value) - {"left", "right"}
                    ):
                        errors.append(f"{where}: sides: {mid} must map left/right to numbers")
            if entry.get("sides"):
                stats["with_sides"] += 1
            if stem == "coverage":
                if entry.get("topic") not in TOPICS:
                    errors.append(f"{where}: topic must be one of {sorted(TOPICS)}")
                stats["topics"][entry.get("topic")] += 1
            if stem in ("red_flags", "coverage") and not entry.get("source"):
                errors.append(f"{where}: red-flag and coverage texts need a source")
            if stem == "red_flags":
                if not rec:
                    errors.append(f"{where}: a red-flag text must recognise at least one item")
                if "min" not in level:
                    errors.append(f"{where}: a red-flag text needs level.min")
                for item in rec:
                    stats["red_flag_items"][item] += 1
            if stem == "benign" and level.get("max") not in ("self_care", "modify_training"):
                errors.append(f"{where}: a benign text needs level.max of modify_training or lower")
            for item in deny:
                stats["denied"][item] += 1
            for item in not_present:
                stats["not_present"][item] += 1
    if sum(stats["files"].values()) < MIN_TEXTS:
        errors.append(
            f"{corpus_dir.name}: {sum(stats['files'].values())} texts, at least {MIN_TEXTS}"
        )
    for item in RED_FLAG_ITEMS:
        if item not in vocab:
            errors.append(f"red-flag item {item!r} is not in the vocabulary")
        if stats["red_flag_items"][item] < MIN_PER_RED_FLAG:
            errors.append(
                f"red_flags.yaml: {item}: {stats['red_flag_items'][item]} texts, at least {MIN_PER_RED_FLAG} required"
            )
    return errors, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--hamtriage", help="a hamtriage command to ask (default: this checkout's package)"
    )
    parser.add_argument(
        "--dir", type=Path, default=HERE / "en", help="corpus directory (default: tests/corpus/en)"
    )
    parser.add_argument("--lang", help="the corpus of a language: tests/corpus/<lang>")
    args = parser.parse_args(argv)
    errors, stats = check(HERE / args.lang if args.lang else args.dir, vocabulary(args.hamtriage))
    total = sum(stats["files"].values())
    print(f"texts: {total} ({', '.join(f'{k} {v}' for k, v in stats['files'].items())})")
    print(
        f"texts stating an age: {stats['with_age']}; stating left/right values: {stats['with_sides']}"
    )
    print("red-flag texts per item:")
    for item in RED_FLAG_ITEMS:
        print(
            f"  {item:36} {stats['red_flag_items'][item]:3}   denied in {stats['denied'][item]:2}, "
            f"not present in {stats['not_present'][item]:2}"
        )
    if stats["topics"]:
        print(
            "coverage topics: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["topics"].items()))
        )
    for error in errors:
        print("ERROR", error, file=sys.stderr)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

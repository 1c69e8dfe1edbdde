"""Helpers to write small rule packs into a temporary directory."""

from __future__ import annotations

import textwrap
from pathlib import Path

MINIMAL_PACK = """
pack:
  name: tiny
  version: "1"
  referrals: {see_clinician: see_doc}
sources:
  S1: {title: Test source}
symptoms:
  - {id: a, label: Symptom A, synonyms: ["aa thing"]}
  - {id: b, label: Symptom B}
  - {id: z, label: Symptom Z, source: [S1]}
measurements:
  - {id: k, label: K test, unit: cm, range: [0, 20], sided: true, mdc: 1.9}
  - {id: w, label: W test, unit: kg, range: [0, 200]}
activities:
  - {id: lift, label: Lifting}
history:
  - {id: old_injury, label: Old injury, source: [S1]}
hypotheses:
  - {id: h1, label: H one, evidence: research}
  - {id: h2, label: H two, evidence: coaching_lore, max_likelihood: possible}
recommendations:
  - {id: drill1, label: Drill one, kind: drill, contraindications: [z]}
  - {id: edu1, label: Education one, kind: education}
  - {id: see_doc, label: See a doctor, kind: referral}
"""


def write_pack(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (name -> YAML text, dedented) into ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)  # i18n/<lang>.yaml
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def tiny_pack(root: Path, rules: str) -> Path:
    """The minimal vocabulary above plus ``rules`` (a YAML ``rules:`` section)."""
    return write_pack(root, {"pack.yaml": MINIMAL_PACK, "rules.yaml": rules})

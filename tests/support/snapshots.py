"""Helpers for the compiled-snapshot tests: a pack with a negation, and the files stored."""

from __future__ import annotations

from pathlib import Path

RULES = """
rules:
  - id: r1
    title: A and the K test
    evidence: research
    source: [S1]
    when: {all: [{symptom: a}, {measurement: k, lt: 5}]}
    then:
      - {support: h1, certainty: 0.6}
      - {recommend: drill1}
  - id: r2
    title: Not A
    evidence: expert_opinion
    source: [S1]
    when: {not: {symptom: a}}
    then:
      - {support: h1, certainty: 0.2}
"""
"""Two rules on the minimal vocabulary of :mod:`tests.support.packs`, one with a negation
(so the compiled pack has a stage marker)."""


def compiled_files(cache: Path) -> list[Path]:
    """The compiled snapshots stored in ``cache``."""
    return sorted(cache.glob("compiled-*.pickle")) if cache.is_dir() else []

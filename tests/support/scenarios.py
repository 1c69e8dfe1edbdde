"""Shared pieces of the scenario-plugin tests: the one-line conftest, a coach's own small
pack and feature, and running pytest in-process without a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

__all__ = ["CONFTEST", "WRIST_FEATURE", "WRIST_PACK", "_no_traceback", "_run"]

CONFTEST = 'pytest_plugins = ["hamtriage.bdd"]\n'

WRIST_PACK = """\
pack:
  name: wrist-pack
  version: 1.0.0
  referrals:
    see_clinician: see_physio

sources:
  W1: {title: "Our gym's wrist care notes, 2024"}

symptoms:
  - id: sore_wrist
    label: Sore wrist
    synonyms: [wrist hurts]
  - id: tingling_fingers
    label: Tingling fingers
    source: [W1]

activities:
  - id: handstand
    label: Handstand

hypotheses:
  - id: wrist_overload
    label: Wrist overload
    evidence: expert_opinion

recommendations:
  - id: wrist_warmup
    label: Wrist warm-up
    kind: drill
  - id: see_physio
    label: See a physiotherapist
    kind: referral

rules:
  - id: wrist_from_handstands
    title: A sore wrist from handstands is overload
    evidence: expert_opinion
    source: [W1]
    when:
      all:
        - symptom: sore_wrist
        - activity: handstand
    then:
      - support: wrist_overload
        certainty: 0.7
      - recommend: wrist_warmup

  - id: tingling_needs_physio
    title: Tingling fingers need a physio
    evidence: expert_opinion
    source: [W1]
    red_flag: true
    when:
      symptom: tingling_fingers
    then:
      - escalate: see_clinician
        reason: Tingling fingers can come from a nerve.
"""

WRIST_FEATURE = """\
Feature: Wrists
  Scenario: Handstand wrist
    Given an athlete reports "wrist hurts" during "handstand"
    Then the likely cause is "wrist_overload"
    And the recommendations include "wrist_warmup"
    And rule "wrist_from_handstands" fired
"""


def _no_traceback(text: str) -> None:
    """A coach-readable failure shows no Python source, frames or exception class names."""
    assert "Traceback" not in text
    assert not re.search(r"\.py:\d+", text), text
    assert "def " not in text
    assert "ScenarioFailure" not in text
    assert "_scenario.py" not in text


def _run(pytester: pytest.Pytester, *args: str | Path) -> pytest.RunResult:
    """Run pytest in-process without the plugins these projects do not need."""
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)

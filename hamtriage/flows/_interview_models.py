"""The interview's answer: the next questions (most useful first) and whether to stop asking.

Built by :func:`hamtriage.flows.interview.next_questions`; importable from
:mod:`hamtriage.flows.interview` (and :mod:`hamtriage.interview`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..levels import TriageLevel

__all__ = ["Interview", "Question", "QuestionKind"]

QuestionKind = Literal["symptom", "history", "activity", "measurement"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Question(_Model):
    """One question about one vocabulary id."""

    id: str
    kind: QuestionKind
    label: str
    text: str
    test: str | None = None
    unit: str | None = None
    range: tuple[float, float] | None = None
    sided: bool = False
    red_flag: bool = False
    region: str | None = None
    why: str
    rules: tuple[str, ...] = ()
    score: float = 0.0


class Interview(_Model):
    """The next questions (most useful first) and whether to stop asking."""

    questions: tuple[Question, ...] = ()
    should_stop: bool
    level: TriageLevel
    top_hypothesis: str | None = None
    remaining: int = 0
    note: str | None = None

    def to_text(self) -> str:
        """Plain text: numbered questions with the test to run and why they matter."""
        lines: list[str] = []
        if self.note:
            lines.append(self.note)
        elif not self.questions:
            lines.append("No further questions.")
        for n, q in enumerate(self.questions, 1):
            flag = " [red-flag screen]" if q.red_flag else ""
            lines.append(f"{n}. {q.text}{flag}")
            lines.append(f"   about: {q.label} ({q.id}, {q.kind})")
            if q.test:
                unit = f" Record it in {q.unit}." if q.unit else ""
                sides = " Test both sides." if q.sided else ""
                lines.append(f"   test: {q.test}{unit}{sides}")
            elif q.unit:
                lines.append(f"   answer in {q.unit}")
            lines.append(f"   why: {q.why}")
        lines.append("")
        if self.should_stop:
            lines.append(
                "Stop: no answer left to ask could change the level or the top hypothesis."
            )
        else:
            lines.append(
                f"Keep asking: {self.remaining} question{'s' if self.remaining != 1 else ''} "
                "could still change the result."
            )
        return "\n".join(lines)

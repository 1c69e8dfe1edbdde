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
    lang: str = "en"

    def to_text(self) -> str:
        """Plain text: numbered questions with the test to run and why they matter (in
        this interview's ``lang``)."""
        from ..catalog import message

        def m(key: str, **values: object) -> str:
            return message(self.lang, key, **values)

        lines: list[str] = []
        if self.note:
            lines.append(self.note)
        elif not self.questions:
            lines.append(m("interview.none"))
        for n, q in enumerate(self.questions, 1):
            flag = f" [{m('interview.red_flag_screen')}]" if q.red_flag else ""
            lines.append(f"{n}. {q.text}{flag}")
            lines.append(f"   {m('interview.about')}: {q.label} ({q.id}, {q.kind})")
            if q.test:
                unit = " " + m("interview.record_in", unit=q.unit) if q.unit else ""
                sides = " " + m("interview.both_sides") if q.sided else ""
                lines.append(f"   {m('interview.test')}: {q.test}{unit}{sides}")
            elif q.unit:
                lines.append(f"   {m('interview.answer_in', unit=q.unit)}")
            lines.append(f"   {m('interview.why')}: {q.why}")
        lines.append("")
        if self.should_stop:
            lines.append(m("interview.stop"))
        else:
            key = "interview.keep_asking_one" if self.remaining == 1 else "interview.keep_asking"
            lines.append(m(key, n=self.remaining))
        return "\n".join(lines)

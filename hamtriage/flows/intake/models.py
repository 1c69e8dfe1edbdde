"""The intake's result models (:class:`ParsedText` and its parts) and fast constructors for them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ...report import Report
from ...runtime._construct import trusted

__all__ = [
    "Field",
    "Match",
    "ParsedText",
    "Span",
    "Suspect",
    "make_match",
    "make_span",
    "make_suspect",
]

Field = Literal["symptoms", "absent", "history", "activities", "measurements", "age", "sex"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Match(_Model):
    """A span of the text that became part of the report."""

    id: str
    field: Field
    text: str
    start: int
    end: int
    negated: bool = False
    value: float | None = None
    side: Literal["left", "right"] | None = None
    unit: str | None = None


class Span(_Model):
    """A stretch of text that was not used."""

    text: str
    start: int
    end: int


class Suspect(_Model):
    """A red-flag item the text hints at but does not settle, with the question that does."""

    id: str
    text: str
    start: int
    end: int
    question: str
    reason: str


class ParsedText(_Model):
    """The report built from free text, what was matched, left over and suspected."""

    report: Report
    matches: tuple[Match, ...] = ()
    unused: tuple[Span, ...] = ()
    notes: tuple[str, ...] = ()
    suspected: tuple[Suspect, ...] = ()

    @property
    def unused_text(self) -> str:
        """The unused spans joined with `` ... ``."""
        return " ... ".join(s.text for s in self.unused)


# a parse builds a few dozen of these from values it made itself: ``model_construct``
# walks every field's default in Python, which cost about a tenth of a parse
_match = trusted(Match)
_span = trusted(Span)
_suspect = trusted(Suspect)


def make_match(
    id: str,
    field: Field,
    text: str,
    start: int,
    end: int,
    negated: bool = False,
    value: float | None = None,
    side: str | None = None,  # "left" or "right": the language's side words map to these
    unit: str | None = None,
) -> Match:
    """A :class:`Match` from trusted values (not validated)."""
    return _match(
        id=id,
        field=field,
        text=text,
        start=start,
        end=end,
        negated=negated,
        value=value,
        side=side,
        unit=unit,
    )


def make_span(text: str, start: int, end: int) -> Span:
    """A :class:`Span` from trusted values (not validated)."""
    return _span(text=text, start=start, end=end)


def make_suspect(id: str, text: str, start: int, end: int, question: str, reason: str) -> Suspect:
    """A :class:`Suspect` from trusted values (not validated)."""
    return _suspect(id=id, text=text, start=start, end=end, question=question, reason=reason)

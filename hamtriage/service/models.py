"""The service's own request and response bodies, around the library's pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hamtriage import ParsedText, Report, Screen, TriageResult

from .problems import PROBLEM_MEDIA_TYPE

__all__ = [
    "BODY_ERRORS",
    "DEFAULT_LANGUAGE",
    "GET_ERRORS",
    "KNOWN_KEYS",
    "MAX_BATCH",
    "REPORT_KEYS",
    "BatchRequest",
    "BatchResponse",
    "PackResponse",
    "ParseRequest",
    "ParseResponse",
    "RetestRequest",
    "VocabularyItem",
    "VocabularyResponse",
]

MAX_BATCH = 1000
DEFAULT_LANGUAGE = "en"
REPORT_KEYS = sorted({*Report.model_fields, "reports", "text", "lang"})
"""Keys a body may have, for "did you mean" on unknown keys."""
KNOWN_KEYS: dict[str, list[str]] = {
    "": sorted({*REPORT_KEYS, "before", "after", "intervention"}),
    "before": sorted(Report.model_fields),
    "after": sorted(Report.model_fields),
}
"""Allowed keys by parent path ('' for the body), for "did you mean" on unknown keys."""


class BatchRequest(BaseModel):
    """Up to 1,000 reports, triaged in order."""

    model_config = ConfigDict(extra="forbid")
    reports: list[Report] = Field(max_length=MAX_BATCH)


class BatchResponse(BaseModel):
    """The results in the order of the reports, and the audit record id of each."""

    results: list[TriageResult]
    records: list[str]


class RetestRequest(BaseModel):
    """Two reports of one athlete, and what was done between them (a recommendation id)."""

    model_config = ConfigDict(extra="forbid")
    before: Report
    after: Report
    intervention: str | None = Field(
        default=None,
        max_length=200,
        description="the recommendation done between the two tests, e.g. inner_hamstring_opener",
    )


class ParseRequest(BaseModel):
    """Free text from the athlete."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=10_000)
    lang: str = Field(default=DEFAULT_LANGUAGE, max_length=16)


class ParseResponse(BaseModel):
    """What the text said, and the red flags still to ask about."""

    parsed: ParsedText
    suspected: list[str] = Field(
        default_factory=list, description="red flags the text hints at but does not state"
    )
    unscreened: list[str] = Field(
        default_factory=list, description="red flags of the report's regions not yet answered"
    )
    screens: list[Screen] = Field(
        default_factory=list,
        description="the questions to ask before any drill, in order: the suspected items "
        "still to confirm, then the unscreened ones (the result's to_confirm and unscreened)",
    )


class PackResponse(BaseModel):
    name: str
    version: str
    content_hash: str
    id: str
    languages: list[str]
    rules: int


class VocabularyItem(BaseModel):
    id: str
    kind: str
    label: str
    region: str | None = None
    question: str | None = None
    unit: str | None = None
    range: list[float] | None = None
    sided: bool = False
    red_flag: bool = False
    synonyms: list[str] = Field(default_factory=list)


class VocabularyResponse(BaseModel):
    lang: str
    items: list[VocabularyItem]


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _problem("malformed JSON, an empty body, or JSON nested too deeply"),
    401: _problem("an API key is required and none valid was given"),
    413: _problem("the body is larger than 64 KiB"),
    415: _problem("the body is not JSON"),
    422: _problem("invalid input: every problem with its field path and suggestions"),
    503: _problem("the service is starting or could not load its pack"),
}
GET_ERRORS: dict[int | str, dict[str, Any]] = {code: BODY_ERRORS[code] for code in (401, 422, 503)}

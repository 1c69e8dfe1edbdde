"""The ``/v1`` routes. Bodies are the library's own pydantic models."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

import hamtriage
from hamtriage import (
    Engine,
    Explanation,
    Interview,
    ParsedText,
    Report,
    ReportError,
    Screen,
    TriageResult,
)

from .app import Service
from .problems import PROBLEM_MEDIA_TYPE, ProblemError, ProblemItem, report_error_items
from .security import key_matches

if TYPE_CHECKING:
    from .store import AuditStore

__all__ = ["REPORT_KEYS", "build_router"]

MAX_BATCH = 1000
DEFAULT_LANGUAGE = "en"
REPORT_KEYS = sorted({*Report.model_fields, "reports", "text", "lang"})
"""Keys a body may have, for "did you mean" on unknown keys."""


class BatchRequest(BaseModel):
    """Up to 1,000 reports, triaged in order."""

    model_config = ConfigDict(extra="forbid")
    reports: list[Report] = Field(max_length=MAX_BATCH)


class BatchResponse(BaseModel):
    """The results in the order of the reports, and the audit record id of each."""

    results: list[TriageResult]
    records: list[str]


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

_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def _languages(engine: Engine) -> list[str]:
    langs = getattr(engine.pack, "languages", None)  # packs with translations (later)
    return list(langs) if langs else [DEFAULT_LANGUAGE]


def _negotiate(accept: str | None, available: list[str]) -> str:
    """The best of ``available`` for an ``Accept-Language`` header (else the first)."""
    if not accept:
        return available[0]
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, position, tag.strip().lower()))
    for weight, _, tag in sorted(ranked):
        if weight >= 0:
            continue
        for lang in available:
            if tag == lang or tag.split("-")[0] == lang or tag == "*":
                return lang
    return available[0]


_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_bearer = HTTPBearer(auto_error=False)


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def authorised(
    request: Request,
    key: Annotated[str | None, Depends(_api_key_header)],
    token: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """With API keys configured, one of them in ``X-API-Key`` or ``Authorization: Bearer``."""
    digests = _service(request).config.api_key_hashes
    if not digests:
        return
    presented = key if key else (token.credentials if token is not None else None)
    if not key_matches(presented, digests):
        raise ProblemError(
            401,
            "send a valid API key in X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": "Bearer"},
        )


def language(
    request: Request,
    lang: Annotated[
        str | None, Query(max_length=16, description="language of the answer, e.g. en")
    ] = None,
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> str:
    """``?lang=`` if given (422 if the pack lacks it), else the best for ``Accept-Language``."""
    engine, _ = _service(request).require()
    available = _languages(engine)
    if lang is None:
        return _negotiate(accept_language, available)
    if not _LANG.match(lang) or lang.lower() not in available:
        raise ProblemError(
            422,
            f"language '{lang}' is not available",
            [
                ProblemItem(
                    field="query.lang",
                    message=f"use one of: {', '.join(available)}",
                    suggestions=available,
                )
            ],
        )
    return lang.lower()


Lang = Annotated[str, Depends(language)]


def build_router(service: Service) -> APIRouter:
    """The ``/v1`` routes over one :class:`Service`."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(authorised)], tags=["triage"])

    def record(
        store: AuditStore,
        engine: Engine,
        endpoint: str,
        lang: str,
        pairs: list[tuple[Report, TriageResult]],
    ) -> list[str]:
        from .store import report_digest

        rows = []
        for report, result in pairs:
            digest, canonical = report_digest(_normalised(engine, report))
            rows.append(
                {
                    "endpoint": endpoint,
                    "pack_id": result.pack.id,
                    "lang": lang,
                    "level": result.level.value,
                    "red_flags": [flag.id for flag in result.red_flags],
                    "recommendations": [r.id for r in result.recommendations],
                    "report_sha256": digest,
                    "report": canonical if service.config.store_reports else None,
                }
            )
        return store.add(rows)

    @router.post(
        "/triage",
        response_model=TriageResult,
        responses=BODY_ERRORS,
        summary="Triage one report",
        description="The record id of the audit store is in the X-Hamtriage-Record header; "
        "the record is committed before the response is sent.",
    )
    def triage(report: Report, lang: Lang) -> Response:
        engine, store = service.require()
        result = engine.triage(report, lang=lang)  # the negotiated language (issue 18)
        (record_id,) = record(store, engine, "triage", lang, [(report, result)])
        return Response(
            content=result.model_dump_json(),
            media_type="application/json",
            headers={"X-Hamtriage-Record": record_id, "Content-Language": lang},
        )

    @router.post(
        "/triage/batch",
        response_model=BatchResponse,
        responses=BODY_ERRORS,
        summary="Triage up to 1,000 reports, in order",
    )
    def triage_batch(body: BatchRequest, lang: Lang) -> Response:
        engine, store = service.require()
        results = (
            engine.triage_many(_validated(engine, body.reports), lang=lang) if body.reports else []
        )
        ids = record(store, engine, "batch", lang, list(zip(body.reports, results, strict=True)))
        out = BatchResponse(results=list(results), records=ids)
        return Response(
            content=out.model_dump_json(),
            media_type="application/json",
            headers={"Content-Language": lang},
        )

    @router.post(
        "/explain",
        response_model=Explanation,
        responses=BODY_ERRORS,
        summary="Why: evidence for, against and missing, per hypothesis",
    )
    def explain(report: Report, lang: Lang) -> Response:
        engine, _ = service.require()
        return Response(
            content=engine.explain(report, lang=lang).model_dump_json(),
            media_type="application/json",
            headers={"Content-Language": lang},
        )

    @router.post(
        "/next-questions",
        response_model=Interview,
        responses=BODY_ERRORS,
        summary="The next questions to ask, red-flag screening first",
    )
    def next_questions(
        report: Report,
        lang: Lang,
        limit: Annotated[int, Query(ge=1, le=50)] = 3,
    ) -> Response:
        engine, _ = service.require()
        return Response(
            content=engine.next_questions(report, limit=limit, lang=lang).model_dump_json(),
            media_type="application/json",
            headers={"Content-Language": lang},
        )

    @router.post(
        "/parse",
        response_model=ParseResponse,
        responses=BODY_ERRORS,
        summary="Free text to a report, with suspected and unscreened red flags",
    )
    def parse(body: ParseRequest, lang: Lang) -> Response:
        engine, _ = service.require()
        available = _languages(engine)
        if body.lang.lower() not in available:
            raise ProblemError(
                422,
                f"language '{body.lang}' is not available",
                [
                    ProblemItem(
                        field="lang",
                        message=f"use one of: {', '.join(available)}",
                        suggestions=available,
                    )
                ],
            )
        parsed = hamtriage.parse_text(body.text, engine.pack, lang=body.lang.lower())
        result = engine.triage(parsed.report, lang=lang)
        out = ParseResponse(
            parsed=parsed,
            suspected=list(parsed.report.suspected),
            unscreened=[screen.id for screen in result.unscreened],
            screens=[*result.to_confirm, *result.unscreened],
        )
        return Response(
            content=out.model_dump_json(),
            media_type="application/json",
            headers={"Content-Language": lang},
        )

    @router.get(
        "/pack", response_model=PackResponse, responses=GET_ERRORS, summary="The rule pack served"
    )
    def pack(lang: Lang) -> PackResponse:
        engine, _ = service.require()
        current = engine.pack
        info = engine.triage(Report()).pack
        return PackResponse(
            name=info.name,
            version=info.version,
            content_hash=info.content_hash,
            id=info.id,
            languages=_languages(engine),
            rules=len(current.rules),
        )

    @router.get(
        "/vocabulary",
        response_model=VocabularyResponse,
        responses=GET_ERRORS,
        summary="Ids, labels, questions, units and ranges",
    )
    def vocabulary(lang: Lang) -> VocabularyResponse:
        engine, _ = service.require()
        return VocabularyResponse(lang=lang, items=_vocabulary(engine))

    return router


def _validated(engine: Engine, reports: list[Report]) -> list[Report]:
    """Every report checked before any is triaged; a 422 lists the problems of them all
    (``triage_many`` alone stops at the first invalid report)."""
    out: list[Report] = []
    items: list[ProblemItem] = []
    for index, report in enumerate(reports):
        try:
            out.append(engine.validate(report))
        except ReportError as exc:
            for item in report_error_items(exc):
                where = (
                    item.field
                    if item.field.startswith("[") or not item.field
                    else (f".{item.field}")
                )
                items.append(item.model_copy(update={"field": f"reports[{index}]{where}"}))
    if items:
        noun = "problem" if len(items) == 1 else "problems"
        raise ProblemError(422, f"{len(items)} {noun} in the reports", items)
    return out


def _vocabulary(engine: Engine) -> list[VocabularyItem]:
    pack = engine.pack
    flagged = _red_flag_ids(engine)
    out: list[VocabularyItem] = []
    for vid, kind in pack.kinds.items():
        item = pack.item(vid)
        if item is None:
            continue
        rng = getattr(item, "range", None)
        out.append(
            VocabularyItem(
                id=vid,
                kind=kind,
                label=item.label,
                region=getattr(item, "region", None),
                question=getattr(item, "question", None) or None,
                unit=getattr(item, "unit", None),
                range=list(rng) if rng is not None else None,
                sided=bool(getattr(item, "sided", False)),
                red_flag=vid in flagged,
                synonyms=list(getattr(item, "synonyms", ())),
            )
        )
    return out


def _red_flag_ids(engine: Engine) -> set[str]:
    """Symptom and history ids that the red-flag rules screen (from a full interview)."""
    interview = engine.next_questions(Report(), limit=50)
    return {q.id for q in interview.questions if q.red_flag}


def _normalised(engine: Engine, report: Report) -> dict[str, Any]:
    """The report as the engine reads it (ids only, labels resolved), for its digest."""
    facts = engine.normalize(report)
    return {
        "present": sorted(facts.present),
        "absent": sorted(facts.absent),
        "activities": sorted(facts.activities),
        "measurements": dict(sorted(facts.measurements.items())),
        "sides": {k: list(v) for k, v in sorted(facts.sides.items())},
        "age": facts.age,
        "sex": facts.sex,
    }

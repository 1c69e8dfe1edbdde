"""The ``/v1`` routes. Bodies are the library's own pydantic models.

The triage routes are ``async``: a single triage (about a millisecond of CPU) runs on the
event loop, which saves the thread hand-off and the GIL contention of a thread pool, and
then awaits the group commit of its audit record (:mod:`.writer`); the response is sent
only after that commit. Batches and the slower flows run in worker threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

import hamtriage
from hamtriage import (
    Engine,
    Explanation,
    Interview,
    Report,
    ReportError,
    RetestResult,
    TriageResult,
)

from .app import Service
from .catalog import audit_row, audit_rows, normalised
from .catalog import vocabulary as list_vocabulary
from .deps import Lang, authorised, available_languages, ready
from .models import (
    BODY_ERRORS,
    GET_ERRORS,
    REPORT_KEYS,
    BatchRequest,
    BatchResponse,
    PackResponse,
    ParseRequest,
    ParseResponse,
    RetestRequest,
    VocabularyResponse,
)
from .problems import ProblemError, ProblemItem, report_error_items

__all__ = ["REPORT_KEYS", "build_router", "triage_and_record"]


def _json(content: str, lang: str, record: str | None = None) -> Response:
    headers = {"Content-Language": lang}
    if record is not None:
        headers["X-Hamtriage-Record"] = record
    return Response(content=content, media_type="application/json", headers=headers)


async def triage_and_record(
    service: Service, reports: Sequence[Report], endpoint: str, lang: str
) -> tuple[list[TriageResult], list[str]]:
    """Triage ``reports`` and commit their audit records; the ids once committed.

    One report: ``Engine.triage`` (its ReportError is the 422). Several: every report is
    validated first, so that the 422 lists the problems of them all.
    """
    engine, committer = await ready(service)
    keep = service.config.store_reports

    def work() -> tuple[list[TriageResult], list[dict[str, Any]]]:
        if endpoint == "triage":
            results = [engine.triage(report, lang=lang) for report in reports]
        else:
            results = _triage_all(engine, reports, lang)
        return results, audit_rows(engine, endpoint, lang, reports, results, keep=keep)

    # a single triage on the event loop; up to 1,000 reports off it
    results, rows = work() if endpoint == "triage" else await asyncio.to_thread(work)
    return results, await committer.add(rows)


def build_router(service: Service) -> APIRouter:
    """The ``/v1`` routes over one :class:`Service`."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(authorised)], tags=["triage"])

    @router.post(
        "/triage",
        response_model=TriageResult,
        responses=BODY_ERRORS,
        summary="Triage one report",
        description="The record id of the audit store is in the X-Hamtriage-Record header; "
        "the record is committed before the response is sent.",
    )
    async def triage(report: Report, lang: Lang) -> Response:
        (result,), (record,) = await triage_and_record(service, [report], "triage", lang)
        return _json(result.model_dump_json(), lang, record)

    @router.post(
        "/triage/batch",
        response_model=BatchResponse,
        responses=BODY_ERRORS,
        summary="Triage up to 1,000 reports, in order",
    )
    async def triage_batch(body: BatchRequest, lang: Lang) -> Response:
        results, ids = await triage_and_record(service, body.reports, "batch", lang)
        return _json(BatchResponse(results=results, records=ids).model_dump_json(), lang)

    @router.post(
        "/retest",
        response_model=RetestResult,
        responses=BODY_ERRORS,
        summary="Re-test: what changed beyond each test's measurement error",
        description="Compares two reports of one athlete against each measurement's "
        "minimal detectable change and triages the second with the changes as evidence. "
        "The audit record (of the second triage; its digest covers both reports) is in "
        "the X-Hamtriage-Record header, committed before the response is sent.",
    )
    async def retest(body: RetestRequest, lang: Lang) -> Response:
        engine, committer = await ready(service)
        result = engine.retest(body.before, body.after, intervention=body.intervention, lang=lang)
        subject = {
            "before": normalised(engine, body.before),
            "after": normalised(engine, body.after),
            "intervention": result.intervention,
        }
        row = audit_row("retest", lang, result.after, subject, keep=service.config.store_reports)
        (record,) = await committer.add([row])
        return _json(result.model_dump_json(), lang, record)

    @router.post(
        "/explain",
        response_model=Explanation,
        responses=BODY_ERRORS,
        summary="Why: evidence for, against and missing, per hypothesis",
    )
    def explain(report: Report, lang: Lang) -> Response:
        engine, _ = service.require()
        return _json(engine.explain(report, lang=lang).model_dump_json(), lang)

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
        questions = engine.next_questions(report, limit=limit, lang=lang)
        return _json(questions.model_dump_json(), lang)

    @router.post(
        "/parse",
        response_model=ParseResponse,
        responses=BODY_ERRORS,
        summary="Free text to a report, with suspected and unscreened red flags",
    )
    def parse(body: ParseRequest, lang: Lang) -> Response:
        engine, _ = service.require()
        available = available_languages(engine)
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
        return _json(out.model_dump_json(), lang)

    @router.get(
        "/pack", response_model=PackResponse, responses=GET_ERRORS, summary="The rule pack served"
    )
    def pack(lang: Lang) -> Response:
        engine, _ = service.require()
        current = engine.pack
        info = engine.triage(Report()).pack
        out = PackResponse(
            name=info.name,
            version=info.version,
            content_hash=info.content_hash,
            id=info.id,
            languages=available_languages(engine),
            rules=len(current.rules),
        )
        return _json(out.model_dump_json(), lang)

    @router.get(
        "/vocabulary",
        response_model=VocabularyResponse,
        responses=GET_ERRORS,
        summary="Ids, labels, questions, units and ranges",
    )
    def vocabulary(lang: Lang) -> Response:
        engine, _ = service.require()
        out = VocabularyResponse(lang=lang, items=list_vocabulary(engine, lang))
        return _json(out.model_dump_json(), lang)

    return router


def _triage_all(engine: Engine, reports: Sequence[Report], lang: str) -> list[TriageResult]:
    """Every report checked before any is triaged; a 422 lists the problems of them all
    (``triage_many`` alone stops at the first invalid report)."""
    valid: list[Report] = []
    items: list[ProblemItem] = []
    for index, report in enumerate(reports):
        try:
            valid.append(engine.validate(report))
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
    return list(engine.triage_many(valid, lang=lang)) if valid else []

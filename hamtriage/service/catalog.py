"""What the routes derive from the pack and the results: the vocabulary listing, the
normalised report behind an audit digest, and the audit rows of served triages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hamtriage import Engine, Report, TriageResult

from .models import DEFAULT_LANGUAGE, VocabularyItem

__all__ = ["audit_row", "audit_rows", "normalised", "red_flag_ids", "vocabulary"]


def normalised(engine: Engine, report: Report) -> dict[str, Any]:
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


def audit_row(
    endpoint: str, lang: str, result: TriageResult, subject: Any, *, keep: bool
) -> dict[str, Any]:
    """The audit row of one served triage; ``subject`` is what its digest covers (the
    normalised report, or both reports of a re-test), kept whole only if ``keep``."""
    from .store import report_digest  # SQLAlchemy: imported with the store, not at start-up

    digest, canonical = report_digest(subject)
    return {
        "endpoint": endpoint,
        "pack_id": result.pack.id,
        "lang": lang,
        "level": result.level.value,
        "red_flags": [flag.id for flag in result.red_flags],
        "recommendations": [r.id for r in result.recommendations],
        "report_sha256": digest,
        "report": canonical if keep else None,
    }


def audit_rows(
    engine: Engine,
    endpoint: str,
    lang: str,
    reports: Sequence[Report],
    results: Sequence[TriageResult],
    *,
    keep: bool,
) -> list[dict[str, Any]]:
    return [
        audit_row(endpoint, lang, result, normalised(engine, report), keep=keep)
        for report, result in zip(reports, results, strict=True)
    ]


def vocabulary(engine: Engine, lang: str = DEFAULT_LANGUAGE) -> list[VocabularyItem]:
    """Every vocabulary item, its texts in ``lang`` (English where the pack has no
    translation of a text)."""
    pack = engine.pack
    if lang != DEFAULT_LANGUAGE:
        from hamtriage.rules.translated import translated_pack

        pack = translated_pack(pack, lang)
    flagged = red_flag_ids(engine)
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


def red_flag_ids(engine: Engine) -> set[str]:
    """Symptom and history ids that the red-flag rules screen (from a full interview)."""
    interview = engine.next_questions(Report(), limit=50)
    return {q.id for q in interview.questions if q.red_flag}

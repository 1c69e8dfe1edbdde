"""The intake page's own texts in one language, read from the library's catalog
(:mod:`hamtriage.catalog`), so the page carries no strings of its own."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from hamtriage.catalog import LANGUAGES, message, messages

from .deps import Lang, authorised
from .models import GET_ERRORS

__all__ = ["PAGE_PREFIXES", "PageTexts", "build_page_router", "page_texts"]

PAGE_PREFIXES = (
    "page.",
    "level_text.",
    "answer.yes",
    "answer.no",
    "answer.not_sure",
    "likelihood.",
    "explain.status.",
    "disclaimer",
    "region.",
)
"""The catalog keys the page reads: its own ``page.*`` block plus the library's level
names, answers, likelihoods, hypothesis statuses and body-region names (one source for
both)."""


class PageTexts(BaseModel):
    """The page's texts in ``lang``, and every language's name in its own words."""

    lang: str
    texts: dict[str, str]
    names: dict[str, str]


def page_texts(lang: str) -> PageTexts:
    """The page's texts in ``lang`` (English for a key ``lang`` lacks)."""
    keys = [k for k in messages("en") if k.startswith(PAGE_PREFIXES)]
    return PageTexts(
        lang=lang,
        texts={k: message(lang, k) for k in keys},
        # a language is offered under its own name ("Nederlands"), as people look for it
        names={tag: message(tag, "page.language_self") for tag in LANGUAGES},
    )


def build_page_router() -> APIRouter:
    """``GET /v1/page-texts``: what the page at ``/`` shows, in the negotiated language."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(authorised)], tags=["page"])

    @router.get(
        "/page-texts",
        response_model=PageTexts,
        responses=GET_ERRORS,
        summary="The intake page's texts",
    )
    def texts(lang: Lang) -> Response:
        body = page_texts(lang).model_dump_json()
        return Response(body, media_type="application/json", headers={"Content-Language": lang})

    return router

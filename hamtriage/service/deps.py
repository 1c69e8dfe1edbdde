"""The routes' dependencies: the API key check, the answer's language, and waiting for
start-up without blocking the event loop."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from hamtriage import Engine

from .app import READY_TIMEOUT, Service
from .models import DEFAULT_LANGUAGE
from .problems import ProblemError, ProblemItem
from .security import key_matches

if TYPE_CHECKING:
    from .writer import GroupCommitter

__all__ = ["Lang", "authorised", "available_languages", "language", "negotiate", "ready"]

_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


async def ready(service: Service) -> tuple[Engine, GroupCommitter]:
    """The engine and the audit writer; waits for start-up in a thread, not on the loop."""
    if not service.ready.is_set():
        await asyncio.to_thread(service.ready.wait, READY_TIMEOUT)
    engine, _ = service.require()
    assert service.committer is not None  # set with the store
    return engine, service.committer


def available_languages(engine: Engine) -> list[str]:
    langs = getattr(engine.pack, "languages", None)  # packs with translations (later)
    return list(langs) if langs else [DEFAULT_LANGUAGE]


def negotiate(accept: str | None, available: list[str]) -> str:
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


async def authorised(
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


async def language(
    request: Request,
    lang: Annotated[
        str | None, Query(max_length=16, description="language of the answer, e.g. en")
    ] = None,
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> str:
    """``?lang=`` if given (422 if the pack lacks it), else the best for ``Accept-Language``."""
    engine, _ = await ready(_service(request))
    available = available_languages(engine)
    if lang is None:
        return negotiate(accept_language, available)
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

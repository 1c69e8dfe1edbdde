"""API keys, request guards and security headers (pure ASGI, no per-request allocation
beyond what each check needs).

API keys are kept as SHA-256 digests only: the key file holds one ``sha256:HEX`` (or a
bare 64-digit hex digest) per line, optionally after a name and a space; ``#`` starts a
comment. A presented key is hashed and compared with every digest in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from .problems import PROBLEM_MEDIA_TYPE, parse_json, problem_body

__all__ = [
    "PARSED_BODY",
    "BodyGuard",
    "SecurityHeaders",
    "hash_key",
    "key_matches",
    "load_api_keys",
    "replaying",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PARSED_BODY = "hamtriage.parsed_body"
"""Scope key under which :class:`BodyGuard` leaves the JSON value of the body it checked."""

_HEX = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")


def hash_key(key: str) -> str:
    """The SHA-256 hex digest under which an API key is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def load_api_keys(path: str | Path) -> tuple[str, ...]:
    """The key digests in an API-key file (see the module docstring).

    Raises ``ValueError`` naming the line of anything that is not a digest, so that a
    plain key pasted into the file by mistake is refused instead of silently ignored.
    """
    digests: list[str] = []
    text = Path(path).read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        token = line.split()[-1]
        found = _HEX.match(token)
        if found is None:
            raise ValueError(
                f"{path}:{number}: not a SHA-256 digest (store keys hashed: "
                "printf %s KEY | sha256sum)"
            )
        digests.append(found.group(1).lower())
    if not digests:
        raise ValueError(f"{path}: no API key digests")
    return tuple(digests)


def key_matches(presented: str | None, digests: Sequence[str]) -> bool:
    """True if ``presented`` hashes to one of ``digests``; every digest is compared."""
    if not presented:
        return False
    candidate = hash_key(presented).encode()
    found = False
    for digest in digests:
        found |= hmac.compare_digest(candidate, digest.encode())
    return found


async def _send_problem(
    send: Send, status: int, detail: str, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = problem_body(status, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def _is_json(content_type: bytes | None) -> bool:
    if content_type is None:
        return False
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


class BodyGuard:
    """Checks request bodies of the API before the app sees them.

    For ``POST`` to ``/v1/...``: not JSON -> 415; over ``max_body`` bytes (declared or
    streamed) -> 413; not valid UTF-8 JSON, empty, or nested deeper than ``max_depth``
    -> 400. The body read is then handed on unchanged.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, max_depth: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith("/v1/")
        ):
            await self.app(scope, receive, send)
            return
        if not _is_json(_header(scope, b"content-type")):
            await _send_problem(send, 415, "send the body as application/json")
            return
        declared = _header(scope, b"content-length")
        too_large = f"the body is limited to {self.max_body} bytes"
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > self.max_body:
                await _send_problem(send, 413, too_large)
                return
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                await _send_problem(send, 413, too_large)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        value, why = parse_json(body, self.max_depth)
        if why is not None:
            await _send_problem(send, 400, why)
            return
        scope[PARSED_BODY] = value  # the fast path reads it instead of parsing again
        await self.app(scope, replaying(body, receive), send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, once, then the client's."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
"""The page's Content-Security-Policy: no inline script, nothing from elsewhere."""

DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
"""``/docs``: Swagger UI sets style attributes; scripts stay file-only."""


class SecurityHeaders:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (DOCS_CSP if scope["path"] == "/docs" else PAGE_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers += [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

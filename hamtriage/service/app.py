"""The FastAPI app: :func:`create_app` builds one from a :class:`ServiceConfig`.

Start-up is kept short: the app answers ``/healthz`` at once, while a background thread
loads the rule pack and opens (and if needed migrates) the audit store; ``/readyz`` and
the ``/v1`` routes wait for it (``/readyz`` says 503 until then).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import threading
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import hamtriage
from hamtriage import Engine, ReportError, RulePackError

from .config import ServiceConfig
from .problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemError,
    ProblemItem,
    problem_body,
    report_error_items,
    validation_items,
)
from .security import BodyGuard, SecurityHeaders

if TYPE_CHECKING:
    from .store import AuditStore
    from .writer import GroupCommitter

__all__ = ["Service", "app_from_env", "create_app"]

log = logging.getLogger("hamtriage.service")

STATIC = Path(__file__).parent / "static"
READY_TIMEOUT = 60.0
"""Seconds an API call waits for the pack and the store at start-up before a 503."""


def _swagger_assets() -> Path | None:
    """Swagger UI's files as shipped by ``fastapi-offline`` (found without importing it)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "static"
    return path if (path / "swagger-ui-bundle.js").is_file() else None


class Service:
    """What one app holds: its configuration, engine and store (no module-level state)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.engine: Engine | None = None
        self.store: AuditStore | None = None
        self.committer: GroupCommitter | None = None
        self.error: str | None = None
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Load the pack and open the store in the background."""
        loader = threading.Thread(target=self._load, name="hamtriage-load", daemon=True)
        self._threads.append(loader)
        loader.start()

    def _rules_path(self) -> Path:
        return Path(self.config.rules) if self.config.rules else hamtriage.bundled_rules_path()

    def _load(self) -> None:
        try:
            from .store import AuditStore  # SQLAlchemy: off the start-up path
            from .writer import GroupCommitter

            self.store = AuditStore(self.config.db_url, synchronous=self.config.sqlite_synchronous)
            self.committer = GroupCommitter(self.store)
            self.engine = Engine.from_path(self._rules_path())
            log.info("hamtriage: serving pack %s", self.engine.pack.pack_id)
        except RulePackError as exc:
            self.error = "the rule pack has errors (see the service log)"
            log.error("hamtriage: the rule pack cannot be loaded:\n%s", exc)
        except Exception as exc:  # a store that cannot be opened, a missing directory, ...
            self.error = f"start-up failed: {type(exc).__name__}"
            log.exception("hamtriage: start-up failed")
        finally:
            self.ready.set()
        if self.config.reload_rules:
            self._watch()

    def _signature(self) -> tuple[tuple[str, int, int], ...]:
        root = self._rules_path()
        out: list[tuple[str, int, int]] = []
        with contextlib.suppress(OSError):
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    info = path.stat()
                    out.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(out)

    def _watch(self) -> None:
        """Poll the pack's files; on a change, load the new pack and swap it in atomically."""
        seen = self._signature()
        while not self._stop.wait(self.config.reload_interval):
            now = self._signature()
            if now == seen:
                continue
            seen = now
            try:
                if self.engine is None:
                    self.engine = Engine.from_path(self._rules_path())
                    self.error = None if self.store is not None else self.error
                else:
                    self.engine.reload()
                log.info("hamtriage: rules reloaded, now serving %s", self.engine.pack.pack_id)
            except RulePackError as exc:
                log.error(
                    "hamtriage: the changed rule pack is refused, the old one keeps serving:\n%s",
                    exc,
                )
            except Exception:
                log.exception("hamtriage: reloading the rules failed; the old pack keeps serving")

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.committer is not None:
            self.committer.close()  # commits what is queued
        if self.store is not None:
            self.store.close()

    def require(self) -> tuple[Engine, AuditStore]:
        """The engine and the store, waiting for start-up; a 503 problem if they failed."""
        if not self.ready.wait(READY_TIMEOUT):
            raise ProblemError(503, "the service is still starting", headers={"Retry-After": "1"})
        if self.engine is None or self.store is None or self.error is not None:
            raise ProblemError(503, self.error or "the service is not ready")
        return self.engine, self.store


def _problem_response(
    status: int,
    detail: str,
    errors: list[ProblemItem] | tuple[ProblemItem, ...] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        content=problem_body(status, detail, errors),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _install_handlers(app: FastAPI, known_keys: dict[str, list[str]]) -> None:
    async def on_problem(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemError)
        return _problem_response(exc.status, exc.detail, exc.errors, exc.headers)

    async def on_validation(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return _problem_response(400, "the request body is not valid JSON")
        items = validation_items(errors, known_keys)
        noun = "problem" if len(items) == 1 else "problems"
        return _problem_response(422, f"{len(items)} {noun} in the request", items)

    async def on_report_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ReportError)
        items = report_error_items(exc)
        noun = "problem" if len(items) == 1 else "problems"
        return _problem_response(422, f"{len(items)} {noun} in the report", items)

    async def on_http(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        return _problem_response(status, detail, headers=dict(exc.headers or {}))

    async def on_error(_request: Request, exc: Exception) -> Response:
        log.error("hamtriage: internal error: %s: %s", type(exc).__name__, exc)
        return _problem_response(500, "the service failed on this request; it has been logged")

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ReportError, on_report_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_error)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        with warnings.catch_warnings():
            # pydantic warns that FastAPI's body field alias has no effect on a model
            # built with defer_build (Report); the schema is right either way
            warnings.filterwarnings("ignore", message="The 'alias' attribute", category=UserWarning)
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem.pop("$defs", {}).items():
            components[name] = definition
        components["Problem"] = problem
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """A new app over ``config`` (defaults: the bundled pack, a SQLite store in the
    working directory, no API keys, no CORS). The pack loads when the app starts."""
    from .fastpath import TriageFastPath
    from .models import KNOWN_KEYS
    from .pagetexts import build_page_router
    from .routes import build_router

    config = config or ServiceConfig()
    service = Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            await asyncio.to_thread(service.stop)

    app = FastAPI(
        title="hamtriage",
        version=hamtriage.__version__,
        description=(
            "Rule-based triage of athletes' movement complaints. Results are triage "
            "suggestions, never a diagnosis; red flags always win."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.include_router(build_router(service))
    app.include_router(build_page_router())
    _install_handlers(app, KNOWN_KEYS)

    @app.get("/healthz", tags=["service"], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["service"],
        summary="Readiness: the pack is loaded and the store is open",
        responses={
            503: {
                "description": "not ready",
                "content": {
                    PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
        },
    )
    async def readyz() -> JSONResponse:
        if not service.ready.is_set() or service.engine is None or service.error is not None:
            raise ProblemError(
                503, service.error or "the service is still starting", headers={"Retry-After": "1"}
            )
        return JSONResponse({"status": "ready", "pack": service.engine.pack.pack_id})

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    assets = _swagger_assets()
    if assets is not None:
        app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    # outermost last: headers on everything, CORS before the body guard (preflights), the
    # fast path behind the body guard (it reads checked JSON)
    app.add_middleware(TriageFastPath, service=service)
    app.add_middleware(BodyGuard, max_body=config.max_body, max_depth=config.max_depth)
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key", "Accept-Language"],
            expose_headers=["X-Hamtriage-Record"],
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
    return app


def app_from_env() -> FastAPI:
    """Uvicorn's factory for ``hamtriage serve``: the configuration comes from
    :data:`~hamtriage.service.config.CONFIG_ENV`."""
    # this process is the service's own: pydantic's warning about FastAPI's body alias on
    # a deferred-build model (Report) would be printed once per worker, and is harmless
    warnings.filterwarnings("ignore", message="The 'alias' attribute", category=UserWarning)
    return create_app(ServiceConfig.from_env())

"""The service's settings: one frozen value, passed to :func:`create_app`.

Kept free of third-party imports so that ``hamtriage serve`` parses its arguments fast.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_DB_URL",
    "MAX_BODY",
    "MAX_DEPTH",
    "ServiceConfig",
]

DEFAULT_DB_URL = "sqlite:///hamtriage-audit.sqlite3"
"""The audit store when ``--db`` is not given: a SQLite file in the working directory."""

MAX_BODY = 64 * 1024
"""Largest request body accepted, in bytes (larger: 413)."""

MAX_DEPTH = 32
"""Deepest JSON nesting accepted in a request body (deeper: 400)."""

CONFIG_ENV = "HAMTRIAGE_SERVICE_CONFIG"
"""Environment variable through which ``hamtriage serve`` hands its settings to workers."""


@dataclass(frozen=True)
class ServiceConfig:
    """Everything an app needs to know. Every field has a safe default."""

    rules: str | None = None
    """Rule pack directory; ``None`` for the bundled pack."""
    db_url: str = DEFAULT_DB_URL
    """SQLAlchemy URL of the audit store (``sqlite:///file`` or ``postgresql+psycopg://...``)."""
    api_key_hashes: tuple[str, ...] = ()
    """SHA-256 hex digests of the accepted API keys; empty: no key needed."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed to call the API from a browser (CORS); empty: none."""
    reload_rules: bool = False
    """Watch the pack's files and swap in the new pack when they change."""
    reload_interval: float = 1.0
    """Seconds between two checks of the pack's files (with ``reload_rules``)."""
    store_reports: bool = False
    """Keep each normalised report in the audit store (otherwise only its SHA-256)."""
    sqlite_synchronous: str = "full"
    """SQLite only: ``full`` (an fsync per commit: survives power loss) or ``normal``
    (WAL; survives a crash of the process, such as SIGKILL, but not of the machine)."""
    max_body: int = MAX_BODY
    max_depth: int = MAX_DEPTH
    extra: dict[str, Any] = field(default_factory=dict)
    """Reserved for later settings; ignored."""

    def to_env(self) -> str:
        """This configuration as JSON, for :data:`CONFIG_ENV`."""
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceConfig:
        """The configuration in :data:`CONFIG_ENV`, or the defaults."""
        raw = (os.environ if environ is None else environ).get(CONFIG_ENV)
        if not raw:
            return cls()
        data = json.loads(raw)
        for key in ("api_key_hashes", "cors_origins"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)

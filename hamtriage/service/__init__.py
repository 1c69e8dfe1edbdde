"""``hamtriage serve``: the HTTP API, the web intake page and the audit store.

Needs the ``server`` extra (``pip install 'hamtriage[server]'``). Build an app with
:func:`create_app`; nothing here holds global state, so several apps (other packs, other
stores) can live in one process::

    from hamtriage.service import ServiceConfig, create_app

    app = create_app(ServiceConfig(db_url="sqlite:///audit.sqlite3"))

See docs/service.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import ServiceConfig

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["ServiceConfig", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":  # FastAPI is imported only when an app is built
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'hamtriage.service' has no attribute {name!r}")

"""The only module that touches durable-rules.

It drives the C module ``durable_rules_engine`` directly (never ``durable.lang`` and
never the stock ``Host``, whose timer threads race request threads and never stop),
which makes each known hazard of durable-rules 2.0.28 impossible by construction:

* one live session per ruleset at a time (a per-ruleset lock), always deleted in a
  ``finally`` block: the 1024-session cap and session-hash collisions cannot occur;
* the compiler's boot rule fires in every session, so no session is ever deleted with
  no action run (the uninitialised-free crash);
* rulesets are freed with ``delete_ruleset`` when their owner is closed or collected;
* unmatched (code 1) and duplicate (code 2) facts are normal; any other engine error
  becomes :class:`~hamtriage.EngineError` carrying the engine's code.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import EngineError, EngineUnavailableError

REINSTALL_HINT = (
    "reinstall it with: CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject "
    "pip install --no-cache-dir --force-reinstall durable-rules==2.0.28"
)

try:
    import durable_rules_engine as _dre
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise EngineUnavailableError(
        f"the durable-rules engine extension cannot be imported on Python "
        f"{sys.version.split()[0]} ({exc}); {REINSTALL_HINT}"
    ) from exc

__all__ = ["Fired", "Ruleset", "Session"]

Fired = tuple[str, dict[str, dict[str, Any]]]
"""A rule that fired: the engine rule's name and its matched facts by alias."""

_CODE = re.compile(r"error code: (\d+)")
_NOT_FOUND = 309


def _code(exc: BaseException) -> int | None:
    m = _CODE.search(str(exc))
    return int(m.group(1)) if m else None


def _free(handle: int) -> None:
    try:
        _dre.delete_ruleset(handle)
    except Exception:  # noqa: BLE001 - a finaliser must not raise; the handle is gone either way
        return


class Session:
    """One triage's session: assert facts in stages and collect what fired."""

    __slots__ = ("_handle", "_sid")

    def __init__(self, handle: int, sid: str) -> None:
        self._handle = handle
        self._sid = sid

    def assert_facts(self, facts: list[dict[str, Any]]) -> list[Fired]:
        """Assert ``facts`` together, run the agenda to the end, return what fired in order."""
        if not facts:
            return []  # the C core dereferences a missing session state: never assert nothing
        for fact in facts:
            fact["sid"] = self._sid
        try:
            _, offset = _dre.assert_facts(self._handle, json.dumps(facts))
            fired: list[Fired] = []
            started = _dre.start_action_for_state(self._handle, offset)
            message = started[1] if started else None
            while message:
                for name, matched in json.loads(message).items():
                    fired.append((name, matched))
                message = _dre.complete_and_start_action(self._handle, offset)
        except MemoryError as exc:
            raise EngineError("the engine ran out of sessions", code=101) from exc
        except _dre.error as exc:
            raise EngineError(f"the rule engine failed: {exc}", code=_code(exc)) from exc
        return fired


class Ruleset:
    """A compiled ruleset in the C engine, owned by one :class:`~hamtriage.Engine`."""

    def __init__(self, name: str, definition: dict[str, Any]) -> None:
        try:
            handle = _dre.create_ruleset(name, json.dumps(definition, ensure_ascii=False))
        except _dre.error as exc:
            raise EngineError(
                f"the rule engine refused the ruleset: {exc}", code=_code(exc)
            ) from exc
        self._handle: int | None = handle
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._finalizer = weakref.finalize(self, _free, handle)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle is None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A fresh session, deleted on exit. Sessions of one ruleset never overlap."""
        with self._lock:
            handle = self._handle
            if handle is None:
                raise EngineError("the engine is closed")
            sid = str(next(self._counter))  # one live session at a time: no hash collisions
            try:
                yield Session(handle, sid)
            finally:
                try:
                    _dre.delete_state(handle, sid)
                except _dre.error as exc:
                    if _code(exc) != _NOT_FOUND:
                        raise EngineError(
                            f"could not delete a session: {exc}", code=_code(exc)
                        ) from exc

    def close(self) -> None:
        """Free the ruleset in the C engine. Waits for a running triage to finish."""
        with self._lock:
            if self._handle is not None:
                self._handle = None
                self._finalizer()

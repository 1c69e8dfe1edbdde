"""The only module that touches durable-rules.

It drives the C module ``durable_rules_engine`` directly (never ``durable.lang`` and
never the stock ``Host``, whose timer threads race request threads and never stop),
which makes each known hazard of durable-rules 2.0.28 impossible by construction:

* one live session per ruleset at a time (a per-ruleset lock): the 1024-session cap
  and session-hash collisions cannot occur. Creating a session costs more than the
  rules' work (the C core allocates every beta node's memory), so a session that
  ended cleanly is *reused*: every fact asserted into it is retracted (stage markers
  first, so no negation can fire) and the next triage starts from the empty session.
  A session that failed in any way is deleted instead;
* the compiler's boot rule fires in every session, so no session is ever deleted with
  no action run (the uninitialised-free crash);
* rulesets are freed with ``delete_ruleset`` when their owner is closed or collected,
  after their live session is deleted (``delete_ruleset`` does not free sessions);
* unmatched (code 1) and duplicate (code 2) facts are normal; any other engine error
  becomes :class:`~hamtriage.EngineError` carrying the engine's code.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import weakref
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


MAX_FACT_PROPERTIES = 250
"""durable-rules keeps 255 property slots per fact (``sid`` and ``id`` included); at 300
properties the 2.0.28 C core was seen to crash the process instead of returning error 302."""

_MARKER = '{"id":"st:'
"""How a stage marker's JSON starts: every rule with a negation waits for one (the
compiler's ``MARKER_PREFIX``; this module imports nothing of the compiler)."""


def _free(handle: int, live: list[str]) -> None:
    try:
        if live:
            _dre.delete_state(handle, live.pop())
    except Exception:  # noqa: BLE001 - a finaliser must not raise
        pass
    try:
        _dre.delete_ruleset(handle)
    except Exception:  # noqa: BLE001 - a finaliser must not raise; the handle is gone either way
        return


_SID = "0"
"""Every session of a ruleset uses this sid: there is at most one at a time."""


def _dumps(fact: dict[str, Any]) -> str:
    return json.dumps(fact, separators=(",", ":"))


class Session:
    """One triage's session: assert facts in stages and collect what fired.

    Facts are small JSON objects without ``sid`` or ``id`` (durable-rules' own keys);
    they may be given pre-encoded (:meth:`assert_json`, the fast path) or as dicts.
    """

    __slots__ = ("_asserted", "_handle", "_markers")

    def __init__(self, handle: int) -> None:
        self._handle = handle
        self._asserted: list[str] = []
        self._markers: list[str] = []  # stage markers, which end their batch

    def assert_json(self, facts: list[str]) -> list[str]:
        """Assert the JSON-encoded ``facts`` together, run the agenda to the end.

        Returns each action as durable's JSON text ``{"<rule>": {"<alias>": fact, ...}}``,
        in firing order. Stage markers must be encoded compactly (``{"id":"st:K",...``).
        """
        if not facts:
            return []  # the C core dereferences a missing session state: never assert nothing
        if facts[-1].startswith(_MARKER):  # the engine puts a batch's marker last
            self._markers.append(facts[-1])
            self._asserted.extend(facts[:-1])
        else:
            self._asserted.extend(facts)
        handle = self._handle
        try:
            _, offset = _dre.assert_facts(handle, "[" + ",".join(facts) + "]")
            out: list[str] = []
            started = _dre.start_action_for_state(handle, offset)
            message = started[1] if started else None
            while message:
                out.append(message)
                message = _dre.complete_and_start_action(handle, offset)
            return out
        except MemoryError as exc:
            raise EngineError("the engine ran out of sessions", code=101) from exc
        except _dre.error as exc:
            raise EngineError(f"the rule engine failed: {exc}", code=_code(exc)) from exc

    def assert_messages(self, facts: list[dict[str, Any]]) -> list[str]:
        """:meth:`assert_json` for facts given as dicts (the engine's own facts are pre-encoded)."""
        for fact in facts:
            if len(fact) >= MAX_FACT_PROPERTIES:  # the C core overruns its table past this
                raise EngineError(
                    f"a fact has {len(fact)} properties; the engine takes fewer than "
                    f"{MAX_FACT_PROPERTIES}",
                    code=302,
                )
        return self.assert_json([_dumps(f) for f in facts])

    def assert_facts(self, facts: list[dict[str, Any]]) -> list[Fired]:
        """Assert ``facts`` together, run the agenda to the end, return what fired in order."""
        fired: list[Fired] = []
        for message in self.assert_messages(facts):
            fired.extend(json.loads(message).items())
        return fired

    def _clear(self) -> bool:
        """Retract every asserted fact; True if the session is empty and idle again.

        Markers go first, then the other facts newest first, so no negation can start
        to hold while facts leave (a marker placed elsewhere than last in its batch is
        retracted with the facts; if anything fires, the caller deletes the session).
        """
        facts = self._asserted
        markers = self._markers
        if not facts and not markers:
            return True
        self._asserted = []
        self._markers = []
        facts.reverse()
        ordered = markers + facts if markers else facts
        handle = self._handle
        try:
            _, offset = _dre.retract_facts(handle, "[" + ",".join(ordered) + "]")
            # nothing can fire once the markers are gone; if something did, start afresh
            return not _dre.start_action_for_state(handle, offset)
        except (_dre.error, MemoryError):
            return False


class _Scope:
    """The context manager of :meth:`Ruleset.session` (a class: cheaper than a generator)."""

    __slots__ = ("_ruleset", "_session")

    def __init__(self, ruleset: Ruleset) -> None:
        self._ruleset = ruleset
        self._session: Session | None = None

    def __enter__(self) -> Session:
        ruleset = self._ruleset
        ruleset._lock.acquire()
        handle = ruleset._handle
        if handle is None:
            ruleset._lock.release()
            raise EngineError("the engine is closed")
        live = ruleset._live
        if live:
            live.pop()
        self._session = session = Session(handle)
        return session

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        ruleset = self._ruleset
        session = self._session
        try:
            clean = False
            if session is not None:
                try:
                    clean = exc_type is None and session._clear()
                finally:
                    if clean:
                        ruleset._live.append(_SID)
                    else:
                        ruleset._delete(session._handle, _SID)
        finally:
            self._session = None
            ruleset._lock.release()


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
        self._live: list[str] = []  # the sid of the idle session kept for reuse, if any
        self._finalizer = weakref.finalize(self, _free, handle, self._live)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle is None

    def session(self) -> _Scope:
        """An empty session, cleared (or deleted) on exit: ``with ruleset.session() as s``.

        Sessions never overlap: the scope holds the ruleset's lock.
        """
        return _Scope(self)

    @staticmethod
    def _delete(handle: int, sid: str) -> None:
        try:
            _dre.delete_state(handle, sid)
        except _dre.error as exc:
            if _code(exc) != _NOT_FOUND:
                raise EngineError(f"could not delete a session: {exc}", code=_code(exc)) from exc

    def close(self) -> None:
        """Free the ruleset in the C engine. Waits for a running triage to finish."""
        with self._lock:
            if self._handle is not None:
                self._handle = None
                self._finalizer()

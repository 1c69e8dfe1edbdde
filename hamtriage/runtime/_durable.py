"""The only module that touches durable-rules.

It drives the C module ``durable_rules_engine`` directly (never ``durable.lang`` and
never the stock ``Host``, whose timer threads race request threads and never stop),
which makes each known hazard of durable-rules 2.0.28 impossible by construction:

* a small pool of sessions per ruleset (at most :data:`MAX_SESSIONS`, with fixed sids
  whose hashes are distinct): the 1024-session cap and session-hash collisions cannot
  occur, and concurrent triages from several threads each take a session of their
  own instead of queueing on one lock (the C core holds the GIL, so they interleave
  only between calls). Creating a session costs more than the rules' work (the C core
  allocates every beta node's memory), so a session that ended cleanly is *reused*:
  every fact asserted into it is retracted (stage markers first, so no negation can
  fire) and the next triage starts from the empty session. A session that failed in
  any way is deleted instead;
* the compiler's boot rule fires in every session, so no session is ever deleted with
  no action run (the uninitialised-free crash);
* rulesets are freed with ``delete_ruleset`` when their owner is closed or collected,
  after their live sessions are deleted (``delete_ruleset`` does not free sessions);
* unmatched (code 1) and duplicate (code 2) facts are normal; any other engine error
  becomes :class:`~hamtriage.EngineError` carrying the engine's code.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import weakref
from typing import Any

from ..errors import EngineError, EngineUnavailableError
from .wire import MARKER_PREFIX as MARKER_PREFIX

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


def _free(handle: int, live: list[str]) -> None:
    while live:
        with contextlib.suppress(Exception):  # a finaliser must not raise
            _dre.delete_state(handle, live.pop())
    try:
        _dre.delete_ruleset(handle)
    except Exception:  # noqa: BLE001 - a finaliser must not raise; the handle is gone either way
        return


MAX_SESSIONS = 2
"""Sessions a ruleset keeps at most; a third concurrent triage waits for a free one.

Under the GIL more sessions add no throughput (8 threads ran at 0.8-0.9x the sequential
rate with 1, 2 or 4 sessions, within the noise), and each holds its own beta memories
(about 3 MB for the bundled pack). A second one means a thread that is descheduled
in the middle of a triage does not stall every other thread's triages."""

SIDS = tuple(str(i) for i in range(MAX_SESSIONS))
"""The sessions' ids. ``"0"`` is durable's default: its facts need no ``sid``."""


def _dumps(fact: dict[str, Any]) -> str:
    return json.dumps(fact, separators=(",", ":"))


class Session:
    """One triage's session: assert facts in stages and collect what fired.

    Facts are small flat JSON objects without ``sid`` (the session adds its own); they
    may be given pre-encoded as compact JSON (:meth:`assert_json`, the fast path) or as
    dicts. A fact's ``id`` (durable's message id) must be unique within the session.
    """

    __slots__ = ("_asserted", "_handle", "_markers", "_prefix", "sid")

    def __init__(self, handle: int, sid: str = "0") -> None:
        self._handle = handle
        self.sid = sid
        # facts of any other session carry its sid: '{"sid":"1",' + the rest of the fact
        self._prefix = "" if sid == "0" else f'{{"sid":"{sid}",'
        self._asserted: list[str] = []
        self._markers: list[str] = []  # stage markers, which end their batch

    def assert_json(self, facts: list[str]) -> list[str]:
        """Assert the JSON-encoded ``facts`` together, run the agenda to the end.

        Returns each action as durable's JSON text ``{"<rule>": {"<alias>": fact, ...}}``,
        in firing order. Stage markers must be encoded compactly (``{"id":"st:K",...``).
        """
        if not facts:
            return []  # the C core dereferences a missing session state: never assert nothing
        marked = facts[-1].startswith(MARKER_PREFIX)  # the engine puts a batch's marker last
        prefix = self._prefix
        if prefix:
            facts = [prefix + f[1:] if f != "{}" else prefix[:-1] + "}" for f in facts]
        if marked:
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
        with ruleset._cond:
            while True:
                handle = ruleset._handle
                if handle is None or ruleset._closing:
                    raise EngineError("the engine is closed")
                if ruleset._live:  # an idle session, cleared for reuse
                    sid = ruleset._live.pop()
                    break
                if len(ruleset._sids) < MAX_SESSIONS:  # a new one (created on first assert)
                    sid = next(s for s in SIDS if s not in ruleset._sids)
                    ruleset._sids.add(sid)
                    break
                ruleset._waiting += 1
                try:
                    ruleset._cond.wait()
                finally:
                    ruleset._waiting -= 1
            ruleset._busy += 1
        self._session = session = Session(handle, sid)
        return session

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        ruleset = self._ruleset
        session = self._session
        self._session = None
        if session is None:
            return
        clean = False
        try:
            clean = exc_type is None and session._clear()
        finally:
            with ruleset._cond:
                ruleset._busy -= 1
                try:
                    if clean:
                        ruleset._live.append(session.sid)
                    else:
                        ruleset._sids.discard(session.sid)
                        ruleset._delete(session._handle, session.sid)
                finally:
                    if ruleset._waiting:  # notify_all is Python code: only when needed
                        ruleset._cond.notify_all()


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
        self._cond = threading.Condition(threading.Lock())
        self._live: list[str] = []  # sids of idle sessions, cleared for reuse
        self._sids: set[str] = set()  # sids of every session that may exist (idle or busy)
        self._busy = 0
        self._waiting = 0  # scopes (and close()) waiting for a session to come back
        self._closing = False
        self._finalizer = weakref.finalize(self, _free, handle, self._live)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle is None

    def session(self) -> _Scope:
        """An empty session, cleared (or deleted) on exit: ``with ruleset.session() as s``.

        Each scope has a session of its own (at most :data:`MAX_SESSIONS` at a time).
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
        """Free the ruleset in the C engine. Waits for running triages to finish; later
        ones raise :class:`~hamtriage.EngineError`."""
        with self._cond:
            self._closing = True
            while self._busy:
                self._waiting += 1
                try:
                    self._cond.wait()
                finally:
                    self._waiting -= 1
            if self._handle is not None:
                self._handle = None
                self._sids.clear()
                self._finalizer()

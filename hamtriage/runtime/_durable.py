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
* an exception may land inside a triage at any bytecode (``KeyboardInterrupt``, a
  signal handler's, a server's timeout raised into a thread): each session is owned
  through a C lock taken by a ``with`` statement (nothing runs between taking it and
  the protected block, and the interpreter releases it), and is marked "unknown" from
  its first use until it is cleared, so an interrupted session is repaired (booted,
  drained, deleted) before its next use instead of being deleted half-made;
* after ``os.fork()`` the child replaces every ruleset's locks (held, maybe, by threads
  the child does not have) and repairs their sessions before use: the one process-level
  hook of the library, over a ``WeakSet`` of the live rulesets;
* rulesets are freed with ``delete_ruleset`` when their owner is closed or collected,
  after their live sessions are deleted (``delete_ruleset`` does not free sessions);
* unmatched (code 1) and duplicate (code 2) facts are normal; any other engine error
  becomes :class:`~hamtriage.EngineError` carrying the engine's code.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import sys
import threading
import weakref
from typing import Any

from ..errors import EngineError, EngineUnavailableError
from ._reserved import MAX_SESSIONS, SIDS
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

__all__ = ["MAX_SESSIONS", "SIDS", "Fired", "Ruleset", "Session"]

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


class _Slot:
    """One session of a ruleset's pool and the C-level lock that owns it.

    Used as ``scope = ruleset.session()`` then ``with scope.lock:`` (a C lock: no Python
    frame runs between taking it and the block, so an interrupt cannot leak it), and in
    the block ``session = scope.open()`` ... ``scope.done()``. Whatever the block is
    interrupted by, at whatever point, the lock is released and the session's state is
    recorded as unknown until :meth:`done` finishes; the next triage in this slot
    repairs it first (see :func:`_repair`).
    """

    __slots__ = ("handle", "lock", "sid", "state")

    def __init__(self, handle: int, sid: str) -> None:
        self.handle: int | None = handle  # None once the ruleset is closed
        self.sid = sid
        self.lock = threading.Lock()
        self.state = _NEW

    def open(self) -> Session:
        """The empty session of this slot (call with :attr:`lock` held)."""
        handle = self.handle
        if handle is None:
            raise EngineError("the engine is closed")
        if self.state == _UNKNOWN:
            _repair(handle, self.sid)
            self.state = _NEW
        session = Session(handle, self.sid)
        self.state = _UNKNOWN  # until done() cleared it: any interrupt leaves it for repair
        return session

    def done(self, session: Session) -> None:
        """Clear the session for the next triage, or delete it if it cannot be cleared."""
        if session._clear():
            self.state = _CLEAN
        else:
            _repair(session._handle, self.sid)
            self.state = _NEW


_NEW, _CLEAN, _UNKNOWN = 0, 1, 2
"""A slot's session: none in the engine; booted and empty; anything (repair before use)."""


def _repair(handle: int, sid: str) -> None:
    """Delete session ``sid`` whatever state an interrupted triage left it in.

    durable frees garbage when it deletes a session in which no action ever started (a
    triage interrupted between ``assert_facts`` and ``start_action_for_state``), so the
    session's state fact is asserted again (which creates the session if it is missing
    and re-activates the boot rule) and the agenda is run out before the delete.
    Idempotent: an interrupted repair is simply done again.
    """
    state = f'{{"sid":"{sid}","id":"sid-{sid}","$s":1}}'
    try:
        offset = _dre.update_state(handle, state)
        if _dre.start_action_for_state(handle, offset):
            while _dre.complete_and_start_action(handle, offset):
                pass
    except (_dre.error, MemoryError) as exc:
        raise EngineError(f"could not reset a session: {exc}", code=_code(exc)) from exc
    Ruleset._delete(handle, sid)


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
        self._slots = tuple(_Slot(handle, sid) for sid in SIDS)
        self._turn = itertools.count()
        self._finalizer = weakref.finalize(self, _free, handle, self._slots)
        _LIVE.add(self)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle is None

    def session(self) -> _Slot:
        """A slot of the pool, preferably a free one (see :class:`_Slot` for its use).

        Each slot has a session of its own (at most :data:`MAX_SESSIONS`); a triage
        waits for its slot's lock if another thread took the slot first.
        """
        for slot in self._slots:
            if not slot.lock.locked():
                return slot
        return self._slots[next(self._turn) % MAX_SESSIONS]

    @staticmethod
    def _delete(handle: int, sid: str) -> None:
        try:
            _dre.delete_state(handle, sid)
        except _dre.error as exc:
            if _code(exc) != _NOT_FOUND:
                raise EngineError(f"could not delete a session: {exc}", code=_code(exc)) from exc

    def close(self) -> None:
        """Free the ruleset in the C engine. Waits for running triages to finish; later
        ones raise :class:`~hamtriage.EngineError`. If interrupted, call it again."""
        for slot in self._slots:
            slot.handle = None  # triages that have not opened their session yet refuse
        for slot in self._slots:
            with slot.lock:  # the slot's triage, if any, has finished
                pass
        if self._handle is not None:
            self._handle = None
            self._finalizer()

    def _after_fork(self) -> None:
        # the child has only the forking thread: locks that other threads held stay held
        # forever, and their sessions are in whatever state those threads left them
        for slot in self._slots:
            slot.lock = threading.Lock()
            if slot.state != _NEW:
                slot.state = _UNKNOWN


def _free(handle: int, slots: tuple[_Slot, ...]) -> None:
    for slot in slots:
        if slot.state != _NEW:
            with contextlib.suppress(Exception):  # a finaliser must not raise
                _repair(handle, slot.sid)
            slot.state = _NEW
    try:
        _dre.delete_ruleset(handle)
    except Exception:  # noqa: BLE001 - a finaliser must not raise; the handle is gone either way
        return


_LIVE: weakref.WeakSet[Ruleset] = weakref.WeakSet()
"""Every live ruleset of the process, for the one process-level hook: after a fork, the
child resets their locks (:meth:`Ruleset._after_fork`). A WeakSet: it keeps none alive."""


def _reset_after_fork() -> None:
    for ruleset in list(_LIVE):
        ruleset._after_fork()


os.register_at_fork(after_in_child=_reset_after_fork)

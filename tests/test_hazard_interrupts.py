"""Hazards 2 and 3: exceptions landing inside a triage, and fork while threads triage.

Each case runs in a child process with a timeout: before the fix, an exception just
after the pool's lock was taken leaked it (every later triage hung), one between
durable's ``assert_facts`` and ``start_action_for_state`` made the engine delete a
session in which no action ran (``double free or corruption``, SIGABRT), and a fork
while 4 threads triaged hung the child in 17 of 20 trials.
"""

from __future__ import annotations

import pytest

from tests.support.hazard import run_child

# minutes of stress in child processes: run in the full suite (Python 3.11 on CI), not in
# the quick runs of the other interpreters, where CPython's tracing differs (3.12, 3.13)
pytestmark = pytest.mark.slow

SETUP = """
import os, random, signal, sys, threading, time
from tests.support.reports import make_reports
from hamtriage import Engine, EngineError
import hamtriage.runtime._durable as D
import hamtriage.runtime.run as E
import hamtriage.engine as API
from hamtriage.engine import compiled_state

class Injected(BaseException):
    pass

engine = Engine(Engine.default().pack)
reports = [r for r in make_reports(engine.pack, 400, seed=7)]
expected = [engine.triage(r) for r in reports]

def check_all(eng=engine):
    bad = [i for i, r in enumerate(reports) if eng.triage(r) != expected[i]]
    assert not bad, f"{len(bad)} wrong results after the interrupts"
"""


def _ok(code: str, timeout: float = 240) -> str:
    child = run_child(code, timeout=timeout)
    assert child.returncode == 0, f"child died ({child.returncode}):\n{child.stderr[-3000:]}"
    assert "DONE" in child.stdout, child.stdout[-2000:]
    return child.stdout


def test_an_exception_just_after_the_lock_is_taken_leaks_nothing() -> None:
    _ok(
        SETUP
        + """
real_open = D._Slot.open
def open_and_fail(self):
    raise Injected  # the first thing inside the protected block
D._Slot.open = open_and_fail
for _ in range(2 * D.MAX_SESSIONS):
    try:
        engine.triage(reports[0])
    except Injected:
        pass
D._Slot.open = real_open
check_all()  # hangs if a lock leaked
engine.close()
print("DONE")
"""
    )


@pytest.mark.parametrize("call", ["assert_facts", "start_action_for_state", "retract_facts"])
def test_an_exception_right_after_an_engine_call_never_deletes_an_unbooted_session(
    call: str,
) -> None:
    # assert_facts: the session exists, its boot action has not run; deleting it then
    # freed garbage. The others: a session left with work pending or half cleared.
    _ok(
        SETUP
        + f"""
real = D._dre
class Once:
    armed = 0
    def __getattr__(self, name):
        fn = getattr(real, name)
        if name != {call!r}:
            return fn
        def wrapped(*args):
            out = fn(*args)
            if Once.armed:
                Once.armed -= 1
                raise Injected
            return out
        return wrapped
D._dre = Once()
for i in range(60):
    for _ in range(1 + i % 2):  # twice in a row: the second lands in a fresh session
        Once.armed = 1
        try:
            engine.triage(reports[i])
        except Injected:
            pass
    assert engine.triage(reports[i]) == expected[i]
Once.armed = 1
try:
    engine.triage(reports[0])
except Injected:
    pass
D._dre = real
check_all()
engine.close()  # deletes the interrupted session: crashed when it was unbooted
print("DONE")
"""
    )


def test_an_exception_at_every_interruptible_point_of_a_triage() -> None:
    # sys.settrace raises at the k-th point of a triage where CPython can deliver an
    # asynchronous exception (a function's start, after a call returns, a backward jump)
    # in the adapter's and the engine's frames, for every k: in a reused session, and
    # in a session that must first be repaired (then created afresh)
    _ok(
        SETUP
        + """
import dis
files = {D.__file__, E.__file__, API.__file__}
AFTER = {dis.opmap[n] for n in ("CALL", "CALL_FUNCTION_EX", "JUMP_BACKWARD") if n in dis.opmap}
FIRST = -1
def tracer(limit, count):
    def glob(frame, event, arg):
        if frame.f_code.co_filename not in files:
            return None
        frame.f_trace_opcodes = True
        code = frame.f_code.co_code
        last = [FIRST]
        def local(frame, event, arg):
            if event == "opcode":
                op = code[frame.f_lasti]
                if last[0] == FIRST or last[0] in AFTER:
                    count[0] += 1
                    if count[0] == limit:
                        raise Injected
                last[0] = op
            return local
        return local
    return glob
report = next(r for r, e in zip(reports, expected) if len(e.fired_rules) > 2)
want = engine.triage(report)
total = {}
for mode in ("reused", "repaired"):
    k = 0
    while True:
        k += 1
        if mode == "repaired":
            for slot in compiled_state(engine).ruleset._slots:
                slot.state = D._UNKNOWN
        count = [0]
        sys.settrace(tracer(k, count))
        try:
            got = engine.triage(report)
        except Injected:
            got = None
        finally:
            sys.settrace(None)
        assert engine.triage(report) == want, (mode, k)
        if got is not None:  # the triage ended before the k-th opcode: all were covered
            assert got == want
            total[mode] = k - 1
            break
if sys.version_info < (3, 12):
    assert total["reused"] > 100 and total["repaired"] > total["reused"], total
else:
    # 3.12's sys.settrace (on sys.monitoring) was seen to deliver no opcode events in the
    # reused-session run on CI; the repaired run still covers every point of a triage
    assert total["repaired"] > 100, total
check_all()
engine.close()
print("DONE", total)
"""
    )


TIMER = """
fired = [0]
armed = [False]
def on_alarm(signum, frame):
    if armed[0]:  # one exception per triage at most, never in the test's own handler
        armed[0] = False
        fired[0] += 1
        raise Injected
signal.signal(signal.SIGALRM, on_alarm)
def triage_under_timer(n, interval):
    signal.setitimer(signal.ITIMER_REAL, interval, interval)
    done = 0
    for i in range(n):
        r = i % len(reports)
        armed[0] = i % 2 == 1  # every other triage: at a point that drifts with the timer
        try:
            got = engine.triage(reports[r])
        except Injected:
            continue
        finally:
            armed[0] = False
        assert got == expected[r], r
        done += 1
    signal.setitimer(signal.ITIMER_REAL, 0)
    return done
"""


def test_a_signal_timer_raising_during_20000_triages() -> None:
    count = 20_000
    out = _ok(
        SETUP
        + TIMER
        + f"""
done = triage_under_timer({count}, 0.0003)
assert fired[0] > {count} // 10, fired[0]  # the timer did interrupt triages
assert done >= {count} // 2, done  # and the others ran to the right result
check_all()
engine.close()
print("DONE", fired[0], done)
""",
        timeout=600,
    )
    assert out.split()[-1] != "0"


def test_interrupts_in_eight_threads_and_across_close() -> None:
    # worker threads get asynchronous exceptions (as a server's request timeout raises
    # them), the main thread a signal timer; then close() runs while they still triage
    _ok(
        SETUP
        + TIMER
        + """
import ctypes
set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
set_async.argtypes = (ctypes.c_ulong, ctypes.py_object)
wrong, counts, stop = [], {}, threading.Event()
closed_seen = []

def worker(n):
    me = counts[threading.get_ident()] = [0, 0]  # [hits acknowledged, triages done]
    while True:
        try:
            while not stop.is_set():
                r = random.randrange(len(reports))
                try:
                    got = engine.triage(reports[r])
                except EngineError:
                    closed_seen.append(n)
                    return
                if got != expected[r]:
                    wrong.append(r)
                me[1] += 1
                time.sleep(0.0002)  # between requests: locks are not fair, the main thread
                # would otherwise wait long for a session (progress, not a leak)
            return
        except Injected:
            me[0] += 1

threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
sent = {}
def injector():
    while not stop.is_set():
        for t in threads:
            hits = counts.get(t.ident, [0])[0]
            if t.is_alive() and sent.get(t.ident, 0) == hits:  # the last one was caught
                sent[t.ident] = hits + 1
                set_async(t.ident, Injected)
        time.sleep(0.002)
inj = threading.Thread(target=injector)
inj.start()
triage_under_timer(1500, 0.0004)
time.sleep(1.0)
# close while the workers triage and the injector fires; interrupts may hit close too
signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
attempts = 0
while not compiled_state(engine).ruleset.closed:
    attempts += 1
    armed[0] = True
    try:
        engine.close()
    except Injected:
        pass
    finally:
        armed[0] = False
signal.setitimer(signal.ITIMER_REAL, 0)
stop.set()
inj.join(30)
for t in threads:
    t.join(30)
assert not any(t.is_alive() for t in threads), "a worker hung"
assert wrong == [], wrong
hits = sum(c[0] for c in counts.values())
assert hits > 50, hits
assert sum(c[1] for c in counts.values()) > 500  # triages that ran to the end were right
fresh = Engine(engine.pack)
check_all(fresh)
fresh.close()
print("DONE", hits, attempts, sum(c[1] for c in counts.values()))
""",
        timeout=600,
    )


def test_fork_while_four_threads_triage() -> None:
    _ok(
        SETUP
        + """
stop = threading.Event()
def worker():
    while not stop.is_set():
        r = random.randrange(len(reports))
        assert engine.triage(reports[r]) == expected[r]
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
hung = 0
for trial in range(20):
    time.sleep(random.uniform(0.001, 0.02))
    pid = os.fork()
    if pid == 0:
        try:
            for i in range(50):
                if engine.triage(reports[i]) != expected[i]:
                    os._exit(3)
            engine.close()
            os._exit(0)
        except BaseException:
            os._exit(4)
    deadline = time.monotonic() + 20
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0, (trial, status)
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            hung += 1
            break
        time.sleep(0.01)
stop.set()
for t in threads:
    t.join()
assert hung == 0, f"{hung} of 20 children hung"
check_all()
print("DONE")
""",
        timeout=600,
    )

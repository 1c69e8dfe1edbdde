"""The cyclic garbage collector told to leave alone what a worker held before its work.

A worker holds tens of thousands of long-lived container objects before it triages
anything (the compiled pack and its models; in a Dask worker, Dask's own state too).
Each full collection during a batch walked all of them again: measured in
``benchmarks/bulk_cpu.py``, the collector took 5-13 % of a worker's CPU per triage.
Frozen objects are skipped by every collection (``gc.freeze``) and still freed by
reference counting, so this changes how often memory is scanned, never a result.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["freeze_worker", "frozen_during"]


def freeze_worker() -> None:
    """Freeze every object that exists now: for a process hamtriage started itself (a
    ``workers=N`` pool worker), once its engine is built. What it holds then lives as
    long as the process; nothing frozen is garbage (a collection there found none)."""
    gc.freeze()


@contextlib.contextmanager
def frozen_during() -> Iterator[None]:
    """Freeze what exists now for the duration of one task in a process hamtriage does not
    own (a Dask worker), and give it back to the collector after. If something else
    froze objects already (the count is not zero), its choice is left as it is. CPython
    3.12 starts with a few hundred objects of its own frozen, which cannot be told from a
    caller's: there a task leaves the collector alone (a speed-up lost, no result changed)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        # another task of this process may have frozen too: unfreezing early only costs
        # it the speed-up, and what it froze is collectable again either way
        gc.unfreeze()

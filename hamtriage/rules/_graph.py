"""Walks of the chaining graph (hypothesis -> rules that read it -> hypotheses they conclude), iterative.

A pack may chain hundreds of hypotheses one after another; recursive walks hit
Python's recursion limit (a chain of 200 did, in the loader, the compiler and lint), so
these keep their own stacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = ["find_cycle", "stratify"]


def find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str]:
    """The first cycle a depth-first walk in sorted order meets, as ``[a, b, ..., a]``; or ``[]``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        if start in state:
            continue
        trail = [start]
        state[start] = 1
        stack = [iter(sorted(edges.get(start, ())))]
        while stack:
            for nxt in stack[-1]:
                if state.get(nxt) == 1:
                    return [*trail[trail.index(nxt) :], nxt]
                if nxt not in state:
                    state[nxt] = 1
                    trail.append(nxt)
                    stack.append(iter(sorted(edges.get(nxt, ()))))
                    break
            else:
                state[trail.pop()] = 2
                stack.pop()
    return []


def stratify(
    reads: Sequence[set[str]], concludes: Mapping[str, Sequence[int]], hypotheses: Iterable[str]
) -> tuple[list[int], dict[str, int]]:
    """Each rule's stage and each hypothesis's, for an acyclic graph.

    A rule reading no hypothesis is at stage 0, else one more than the latest hypothesis it
    reads; a hypothesis is at the latest stage of the rules concluding it (0 if none).
    """
    rule_stage: dict[int, int] = {}
    hyp_stage: dict[str, int] = {}
    roots: list[tuple[str, int | str]] = [("r", i) for i in range(len(reads))]
    roots += [("h", h) for h in hypotheses]
    for root in roots:
        stack = [root]
        open_: set[tuple[str, int | str]] = set()
        while stack:
            kind, key = node = stack[-1]
            if (kind == "r" and key in rule_stage) or (kind == "h" and key in hyp_stage):
                stack.pop()
                continue
            todo: list[tuple[str, int | str]]
            if kind == "r":
                assert isinstance(key, int)
                todo = [("h", h) for h in reads[key] if h not in hyp_stage]
            else:
                assert isinstance(key, str)
                todo = [("r", i) for i in concludes.get(key, ()) if i not in rule_stage]
            if todo:
                if node in open_:
                    raise ValueError(f"the chaining graph has a cycle through {key!r}")
                open_.add(node)
                stack.extend(todo)
                continue
            open_.discard(node)
            stack.pop()
            if kind == "r":
                assert isinstance(key, int)
                rule_stage[key] = 1 + max((hyp_stage[h] for h in reads[key]), default=-1)
            else:
                assert isinstance(key, str)
                hyp_stage[key] = max((rule_stage[i] for i in concludes.get(key, ())), default=0)
    return [rule_stage[i] for i in range(len(reads))], hyp_stage

"""Refuse ``workers=N`` called from a script's top level without a ``__main__`` guard.

Worker processes are started with ``spawn``: each one imports the main script again. A
call at the script's top level then runs again in every worker, which multiprocessing
stops with a ``RuntimeError`` in the child and an opaque ``BrokenProcessPool`` in the
parent. The calling line is found on the stack and checked against the script's syntax
tree before any process starts.
"""

from __future__ import annotations

import ast
import sys
from types import FrameType

from ..errors import HamtriageError

__all__ = ["GUARD_HINT", "check_main_guard"]

GUARD_HINT = (
    'put the code that calls it under `if __name__ == "__main__":` (worker processes '
    "import the main script again, and would run the call again)"
)


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


def _guarded(tree: ast.Module, line: int) -> bool:
    """Whether top-level line ``line`` lies inside an ``if __name__ == "__main__":`` body."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test):
            first = node.body[0].lineno
            last = node.body[-1].end_lineno or first
            if first <= line <= last:
                return True
    return False


def _top_level_call(main_globals: dict[str, object]) -> FrameType | None:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals is main_globals:
            return frame
        frame = frame.f_back  # type: ignore[assignment]
    return None


def check_main_guard(what: str) -> None:
    """Raise :class:`HamtriageError` if ``what`` is called from the unguarded top level of
    the main script (a file run as ``python script.py``)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not str(path).endswith(".py"):
        return  # an interactive session, -c or -m of a package: nothing is re-run
    frame = _top_level_call(vars(main))
    if frame is None:
        return  # called from a function: the function is not run on import
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
    except (OSError, SyntaxError, ValueError):
        return  # cannot tell: let multiprocessing run
    if not _guarded(tree, frame.f_lineno):
        raise HamtriageError(
            f"{what} was called at the top level of {path} (line {frame.f_lineno}): {GUARD_HINT}"
        )

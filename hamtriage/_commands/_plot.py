"""The transition matrix of ``hamtriage diff`` as a picture (optional: matplotlib)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ..errors import HamtriageError
from ..flows.packdiff import LEVELS, PackDiff

__all__ = ["require_matplotlib", "write_matrix"]


def require_matplotlib() -> None:
    """Raise a one-line :class:`HamtriageError` if matplotlib is not installed."""
    if importlib.util.find_spec("matplotlib") is None:
        raise HamtriageError("--png needs matplotlib: pip install 'hamtriage[plot]'")


def write_matrix(diff: PackDiff, path: str) -> None:
    """Draw the old-level by new-level counts as a heat map with the counts written in,
    to ``path`` (PNG, SVG or PDF by its suffix)."""
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display: a file is all we write
    import matplotlib.pyplot as plt

    matrix = diff.matrix()
    labels = [str(level) for level in LEVELS]
    fig: Any
    ax: Any
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    try:
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel(f"new: {diff.new_pack.name} {diff.new_pack.version}")
        ax.set_ylabel(f"old: {diff.old_pack.name} {diff.old_pack.version}")
        ax.set_title(
            f"level transitions over {diff.compared} reports (below the diagonal: lowered)"
        )
        peak = max(max(row) for row in matrix) or 1
        for i, row in enumerate(matrix):
            for j, count in enumerate(row):
                colour = "white" if count > peak / 2 else "black"
                ax.text(j, i, str(count), ha="center", va="center", color=colour)
        fig.tight_layout()
        try:
            fig.savefig(Path(path))
        except (OSError, ValueError) as exc:
            raise HamtriageError(f"--png: cannot write {path}: {exc}") from None
    finally:
        plt.close(fig)

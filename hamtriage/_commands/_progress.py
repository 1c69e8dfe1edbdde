"""A one-line progress bar on standard error, drawn only when it is a terminal."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]

_EVERY = 0.2  # seconds between redraws: drawing costs more than a few hundred triages


class Progress:
    """``count`` items done, at what rate and, given ``total`` bytes, how far through the input."""

    def __init__(self, stream: TextIO, total: int | None, *, enabled: bool) -> None:
        self._stream = stream
        self._total = total if total else None
        self._enabled = enabled
        self._start = time.monotonic()
        self._next = self._start + _EVERY
        self.count = 0
        self.errors = 0
        self._width = 0

    def update(self, done_bytes: int) -> None:
        """Count one item; redraw if it is time (cheap when it is not)."""
        self.count += 1
        if not self._enabled:
            return
        now = time.monotonic()
        if now >= self._next:
            self._next = now + _EVERY
            self._draw(now, done_bytes)

    def _draw(self, now: float, done_bytes: int) -> None:
        rate = self.count / max(now - self._start, 1e-9)
        text = f"{self.count:,} reports, {rate:,.0f}/s"
        if self._total:
            share = min(1.0, done_bytes / self._total)
            filled = int(share * 20)
            text = f"[{'#' * filled}{'.' * (20 - filled)}] {share:4.0%}  {text}"
        if self.errors:
            text += f", {self.errors:,} invalid"
        pad = " " * max(0, self._width - len(text))
        self._width = len(text)
        self._stream.write(f"\r{text}{pad}")
        self._stream.flush()

    def close(self) -> None:
        """Draw the final line and end it (nothing if disabled)."""
        if self._enabled:
            self._draw(time.monotonic(), self._total or 0)
            self._stream.write("\n")
            self._stream.flush()

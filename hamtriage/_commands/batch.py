"""``hamtriage triage --batch FILE``: triage a JSON Lines file of reports as a stream.

One report per line; results are written as they come, to JSON Lines (one
``{"line": N, "result": {...}}`` per report) or, with ``--out FILE.parquet`` and pyarrow
installed, to Parquet, so memory stays bounded however long the file. A line that is
not JSON or not a valid report is named with its line number and field path on
standard error; ``--on-error stop`` (the default) stops there, ``--on-error continue``
writes ``{"line": N, "error": {...}}`` in its place and goes on. Either way the exit
code is 2 when a line was invalid.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from ..engine import Engine, compiled_state
from ..errors import HamtriageError, ReportError
from ..flows.batch import TABLE_COLUMNS, stream
from ._progress import Progress

__all__ = ["add_batch_arguments", "run_batch"]

_ROW_GROUP = 5000  # Parquet rows buffered before a row group is written
_PREFIX = re.compile(r"^reports\[\d+\]\.?")


def add_batch_arguments(p: argparse.ArgumentParser) -> None:
    """The options of batch mode (on ``hamtriage triage``)."""
    g = p.add_argument_group("batch mode (a JSON Lines file of reports)")
    g.add_argument(
        "--batch", metavar="FILE", help="reports, one JSON object per line (- for stdin)"
    )
    g.add_argument(
        "--out",
        metavar="FILE",
        help="results: FILE.jsonl (JSON Lines, the default: standard output) or "
        "FILE.parquet (needs pyarrow: pip install 'hamtriage[parquet]')",
    )
    g.add_argument("--workers", type=int, metavar="N", help="triage on N worker processes")
    g.add_argument(
        "--on-error",
        choices=("stop", "continue"),
        default="stop",
        help="at an invalid line: stop there (default), or write an error record and go on",
    )
    g.add_argument(
        "--no-progress", action="store_true", help="no progress bar (drawn only on a terminal)"
    )


class _Lines:
    """The reports of a JSON Lines input, with each one's line number and the bytes read."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.done = 0  # bytes consumed
        self.numbers: collections.deque[int] = collections.deque()  # lines in flight
        self.bad: dict[int, str] = {}  # line -> why it is not a JSON object

    def __iter__(self) -> Iterator[Any]:
        for number, raw in enumerate(self._source, 1):
            self.done += len(raw)
            if not raw.strip():
                continue  # blank lines carry no report
            self.numbers.append(number)
            try:
                report = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                self.bad[number] = f"not valid JSON: {exc}"
                report = None
            else:
                if not isinstance(report, dict):
                    self.bad[number] = (
                        f"a report must be a JSON object, not {type(report).__name__}"
                    )
            yield report


def _error(exc: ReportError) -> dict[str, Any]:
    return {
        "field": _PREFIX.sub("", exc.field),
        "message": exc.message,
        "suggestions": list(exc.suggestions),
    }


class _JsonLines:
    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def result(self, line: int, item: Any) -> None:
        self._out.write(f'{{"line":{line},"result":{item}}}\n')

    def error(self, line: int, error: dict[str, Any]) -> None:
        self._out.write(json.dumps({"line": line, "error": error}, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._out.flush()


class _Parquet:
    def __init__(self, path: str) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise HamtriageError(
                f"writing {path} needs pyarrow: pip install 'hamtriage[parquet]' "
                "(or write JSON Lines: --out FILE.jsonl)"
            ) from None
        self._pa: Any = pa
        strings, floats = pa.list_(pa.string()), pa.list_(pa.float64())
        types = {"hypotheses": strings, "confidences": floats, "recommendations": strings}
        types |= {"red_flags": strings, "fired_rules": strings}
        fields = [("line", pa.int64())]
        fields += [(c, types.get(c, pa.string())) for c in TABLE_COLUMNS]
        fields += [("error", pa.string()), ("field", pa.string())]
        self._schema = pa.schema(fields)
        self._writer: Any = pq.ParquetWriter(path, self._schema)
        self._rows: list[tuple[Any, ...]] = []
        self._empty = (None,) * len(TABLE_COLUMNS)

    def result(self, line: int, item: tuple[Any, ...]) -> None:
        self._rows.append((line, *item, None, None))
        if len(self._rows) >= _ROW_GROUP:
            self._flush()

    def error(self, line: int, error: dict[str, Any]) -> None:
        self._rows.append((line, *self._empty, error["message"], error["field"]))

    def _flush(self) -> None:
        if self._rows:
            columns = list(zip(*self._rows, strict=True))
            names = self._schema.names
            data = {n: list(col) for n, col in zip(names, columns, strict=True)}
            self._writer.write_table(self._pa.table(data, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def run_batch(args: argparse.Namespace, engine: Engine) -> int:
    """Stream ``args.batch`` through the engine into ``args.out``; the exit code."""
    if args.workers is not None and args.workers < 1:
        raise HamtriageError(f"--workers takes a positive number of processes, not {args.workers}")
    parquet = bool(args.out) and args.out.lower().endswith(".parquet")
    name = "<stdin>" if args.batch == "-" else args.batch
    try:
        source: IO[bytes] = sys.stdin.buffer if args.batch == "-" else open(args.batch, "rb")  # noqa: SIM115
    except OSError as exc:
        raise HamtriageError(f"cannot read {args.batch}: {exc.strerror}") from None
    total = None if args.batch == "-" else os.fstat(source.fileno()).st_size
    with contextlib.ExitStack() as stack:
        if args.batch != "-":
            stack.enter_context(source)
        writer: _JsonLines | _Parquet
        if parquet:
            writer = _Parquet(args.out)
        elif args.out and args.out != "-":
            try:
                writer = _JsonLines(stack.enter_context(open(args.out, "w", encoding="utf-8")))
            except OSError as exc:
                raise HamtriageError(f"cannot write {args.out}: {exc.strerror}") from None
        else:
            writer = _JsonLines(sys.stdout)
        show = not args.no_progress and sys.stderr.isatty()
        progress = Progress(sys.stderr, total, enabled=show)
        lines = _Lines(source)
        results = stream(
            compiled_state(engine),
            lines,
            workers=args.workers,
            encoding="table" if parquet else "json",
        )
        stopped = False
        try:
            with contextlib.closing(results):
                for item in results:
                    number = lines.numbers.popleft()
                    if isinstance(item, ReportError):
                        progress.errors += 1
                        error = _error(item)
                        why = lines.bad.pop(number, None)
                        if why is not None:
                            error = {"field": "", "message": why, "suggestions": []}
                        where = f"{error['field']}: " if error["field"] else ""
                        hint = ", ".join(repr(x) for x in error["suggestions"])
                        hint = f" (did you mean {hint}?)" if hint else ""
                        if show:
                            sys.stderr.write("\n")
                        print(
                            f"hamtriage: {name}:{number}: {where}{error['message']}{hint}",
                            file=sys.stderr,
                        )
                        if args.on_error == "stop":
                            stopped = True
                            break
                        writer.error(number, error)
                    else:
                        writer.result(number, item)
                    progress.update(lines.done)
        finally:
            writer.close()
            progress.close()
    done = progress.count
    if stopped:
        print(
            f"hamtriage: stopped at the first invalid line ({done:,} results written before "
            "it); --on-error continue writes an error record for each invalid line and goes on",
            file=sys.stderr,
        )
        return 2
    if progress.errors:
        print(
            f"hamtriage: {progress.errors:,} of {done:,} lines were invalid (error records "
            "written in their place)",
            file=sys.stderr,
        )
        return 2
    return 0

"""One job's log bytes -> normalised, line-aligned chunks (streaming, bounded).

Handles the per-job text GitHub serves (every line prefixed
``2024-03-12T10:15:02.1234567Z ``, ``##[group]Run …`` step headers, ``##[error]``) and raw
pasted text (the web view shows ``##[error]X`` as ``Error: X``). Containers holding several
jobs (zip, ``gh run view --log-failed``) are split by `logsources` first; steps are found by
`steps`. This module never opens files.

Memory does not grow with the log: bytes are read in fixed-size blocks, normalised a chunk
at a time and handed on; only a bounded tail window is kept for logs over the byte budget.
Timestamps are *not* stripped here (it would cost a copy of every line); rule patterns
tolerate the prefix instead (see ``rules.engine``).
"""

from __future__ import annotations

import codecs
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

KiB = 1024
MiB = 1024 * KiB

# Optional GitHub timestamp prefix, as the runner writes it (`Logging.cs`: ToString("O")).
TIMESTAMP = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z "
_TIMESTAMP_RE = re.compile(TIMESTAMP)

# ANSI escape sequences: CSI (`ESC [ params intermediates final`), OSC (`ESC ] … BEL|ST`)
# and two-byte escapes. Possessive quantifiers never backtrack, so a hostile
# `ESC [` + `;` * 100_000 (CVE-2021-3807's shape) is stripped in linear time.
_ANSI_RE = re.compile(
    rb"\x1b(?:\[[0-?]*+[ -/]*+[@-~]?|\][^\x07\x1b\n]*+(?:\x07|\x1b\\)?|[()][0-9A-Za-z]|[@-Z\\-_])"
)

_UTF8_BOM = b"\xef\xbb\xbf"

# Bytes normalised and searched at a time. Every chunk exists in a few copies while it is
# normalised and one is in flight in the search thread, so this sets the buffer memory:
# 256 KiB costs no speed over 1 MiB and 10 MB less peak RSS on a 100 MiB log
# (benchmarks/analyzer.py; below 128 KiB the per-chunk overhead shows).
CHUNK_SIZE = 256 * KiB


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one job's log may cost. Defaults fit a 2-core runner comfortably."""

    line_cap: int = 4 * KiB
    chunk_size: int = CHUNK_SIZE
    # Bytes analysed from the start of a job log; beyond this only `tail_bytes` more are
    # analysed (the end of a log is where failures are) while the rest is counted.
    max_bytes: int = 256 * MiB
    tail_bytes: int = 4 * MiB
    # Reading stops altogether here (the stream is abandoned).
    hard_max_bytes: int = 2048 * MiB
    max_zip_entries: int = 2000
    max_zip_ratio: int = 200
    # All entries of one archive together (2,000 entries x 16 MiB would be 32 GiB; #t45).
    max_zip_total: int = 4096 * MiB


CUT_MARKER = " …[line cut: {n} bytes]"


@dataclass(slots=True)
class ReadStats:
    bytes_read: int = 0
    bytes_skipped: int = 0
    lines_cut: int = 0


@dataclass(frozen=True, slots=True)
class Chunk:
    """Normalised complete lines (each ending in ``\\n``) starting at line `first_line`."""

    data: bytes
    first_line: int
    n_lines: int


# --------------------------------------------------------------------------- normalising


def strip_ansi(data: bytes) -> bytes:
    if b"\x1b" not in data:
        return data
    return _ANSI_RE.sub(b"", data)


def strip_timestamp(line: str) -> str:
    """Drop the runner's timestamp prefix from one decoded line (for display)."""
    if len(line) > 20 and line[4] == "-" and line[10] == "T":
        match = _TIMESTAMP_RE.match(line.encode("utf-8", "replace")[:40])
        if match:
            return line[len(match.group(0)) :]
    return line


def resolve_redraws(line: bytes) -> bytes:
    """What a terminal shows of a line with `\r` progress redraws: its last non-blank
    segment (behind the runner's timestamp). Applied to the lines autorecover reports;
    matching sees every segment, so nothing printed before a redraw is lost."""
    if b"\r" not in line:
        return line
    segments = [segment for segment in line.split(b"\r") if segment.strip()]
    if not segments:
        return b""
    match = _TIMESTAMP_RE.match(line)
    if match and not _TIMESTAMP_RE.match(segments[-1]):
        return match.group(0) + segments[-1]
    return segments[-1]


def _cap_lines(data: bytes, cap: int, stats: ReadStats) -> bytes:
    """Cut lines longer than `cap`, without splitting the chunk into lines.

    Any line longer than `cap` wholly contains one of the contiguous windows of cap/2
    bytes probed here, so checking each window for a newline (C-level `find`, ~500 probes
    per MiB) finds every long line; only those lines are rebuilt.
    """
    half = max(cap // 2, 1)
    size = len(data)
    pieces: list[bytes] = []
    kept = 0
    start = 0
    while start + half <= size:
        if data.find(b"\n", start, start + half) >= 0:
            start += half
            continue
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", start)
        line_end = size if line_end < 0 else line_end
        if line_end - line_start > cap:
            stats.lines_cut += 1
            pieces += (data[kept:line_start], _cut(data[line_start:line_end], cap))
            kept = line_end
        start = line_end + 1
    if not pieces:
        return data
    pieces.append(data[kept:])
    return b"".join(pieces)


def _cut(line: bytes, cap: int, dropped: int = 0) -> bytes:
    """The line cut to at most `cap` bytes, marker included (so it is never cut twice)."""
    room = max(cap - 48, cap // 2)
    keep = line[:room]
    # Do not leave half a UTF-8 sequence before the marker.
    while keep and 0x80 <= keep[-1] < 0xC0 and len(keep) > room - 4:
        keep = keep[:-1]
    if keep and keep[-1] >= 0xC0:
        keep = keep[:-1]
    n = len(line) - len(keep) + dropped
    return keep + CUT_MARKER.format(n=n).encode()


# Both runner markers in one search: one pass over the chunk instead of two.
_MARKER_RE = re.compile(rb"##\[(?:error|warning)\]")


def normalise(data: bytes, limits: Limits, stats: ReadStats) -> bytes:
    """Normalise complete lines: ANSI, `##[error]`, long lines.

    Line ends are left alone: a pattern ending in `$` tolerates a `\r` before it (see
    `rules.schema.prepare_pattern`), and reported lines resolve `\r` (`resolve_redraws`),
    which spares a pass over every chunk of the (many) logs with progress bars.
    """
    data = strip_ansi(data)
    # The web view and copied logs show `##[error]X` as `Error: X`; match one spelling.
    if _MARKER_RE.search(data) is not None:
        data = data.replace(b"##[error]", b"Error: ").replace(b"##[warning]", b"Warning: ")
    return _cap_lines(data, limits.line_cap, stats)


class LineChunker:
    """Turns arbitrary byte blocks into normalised, line-aligned `Chunk`s.

    Long lines are cut while still being read, so a 50 MB line without a newline never
    sits in memory; logs over `limits.max_bytes` keep only a bounded tail window.
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.stats = ReadStats()
        self._pending = b""
        self._discarding = 0  # bytes of an over-long line being dropped
        self._line = 1
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._in_tail_mode = False
        self._skipped_lines = 0
        self._decoder: codecs.IncrementalDecoder | None = None
        self._first = True

    def feed_all(self, blocks: Iterable[bytes]) -> Iterator[Chunk]:
        for block in blocks:
            yield from self.feed(block)
            if self.stats.bytes_read >= self.limits.hard_max_bytes:
                break
        yield from self.finish()

    def feed(self, block: bytes) -> Iterator[Chunk]:
        if not block:
            return
        self.stats.bytes_read += len(block)
        if self._first:
            block = self._start(block)
        if self._decoder is not None:
            block = self._decoder.decode(block).encode("utf-8", "surrogatepass")
        if self._in_tail_mode:
            self._keep_tail(block)
            return
        analysed = self.stats.bytes_read - self.stats.bytes_skipped
        if analysed > self.limits.max_bytes:
            self._in_tail_mode = True
            self._keep_tail(block)
            return
        yield from self._take(block)

    def finish(self) -> Iterator[Chunk]:
        if self._in_tail_mode:
            yield from self._flush_tail()
        if self._decoder is not None:
            yield from self._take(self._decoder.decode(b"", final=True).encode("utf-8"))
        if self._pending or self._discarding:
            tail = self._pending
            self._pending = b""
            if self._discarding:
                self.stats.lines_cut += 1
                tail = _cut(tail, self.limits.line_cap, self._discarding)
                self._discarding = 0
            yield from self._emit(tail + b"\n")

    # -- internals ----------------------------------------------------------------------

    def _start(self, block: bytes) -> bytes:
        self._first = False
        if block.startswith(_UTF8_BOM):
            return block[len(_UTF8_BOM) :]
        if block[:2] in (b"\xff\xfe", b"\xfe\xff"):
            # UTF-16 logs (saved from Windows tools) are transcoded as they stream.
            self._decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        return block

    def _take(self, block: bytes) -> Iterator[Chunk]:
        if self._discarding:
            newline = block.find(b"\n")
            if newline < 0:
                self._discarding += len(block)
                return
            self.stats.lines_cut += 1
            cut = _cut(self._pending, self.limits.line_cap, self._discarding + newline)
            self._pending = b""
            self._discarding = 0
            yield from self._emit(cut + b"\n")
            block = block[newline + 1 :]
        last = block.rfind(b"\n")
        if last < 0:
            self._pending += block
            self._check_overlong()
            return
        # One copy per chunk: the pending line and the block's complete lines are joined
        # straight from a view, not concatenated and then sliced.
        if self._pending:
            data = b"".join((self._pending, memoryview(block)[: last + 1]))
        else:
            data = block if last + 1 == len(block) else block[: last + 1]
        self._pending = block[last + 1 :]
        self._check_overlong()
        yield from self._split(data)

    def _split(self, data: bytes) -> Iterator[Chunk]:
        """`data` (complete lines) in chunks of about `chunk_size`. A last piece under a
        quarter of it joins the chunk before: reading `chunk_size` at a time, every block
        left a few lines over, and every such chunk cost a search round of its own."""
        size = self.limits.chunk_size
        body_end = len(data)
        start = 0
        while start < body_end:
            if body_end - start <= size + size // 4:
                end = body_end
            else:
                end = data.find(b"\n", start + size - 1, body_end)
                end = body_end if end < 0 else end + 1
            yield from self._emit(data if start == 0 and end == body_end else data[start:end])
            start = end

    def _check_overlong(self) -> None:
        cap = self.limits.line_cap
        if len(self._pending) > cap:
            self._discarding += len(self._pending) - cap
            self._pending = self._pending[:cap]

    def _emit(self, data: bytes) -> Iterator[Chunk]:
        data = normalise(data, self.limits, self.stats)
        n_lines = data.count(b"\n")
        chunk = Chunk(data=data, first_line=self._line, n_lines=n_lines)
        self._line += n_lines
        yield chunk

    def _keep_tail(self, block: bytes) -> None:
        self._tail.append(block)
        self._tail_size += len(block)
        while self._tail_size - len(self._tail[0]) >= self.limits.tail_bytes:
            dropped = self._tail.popleft()
            self._tail_size -= len(dropped)
            self._skip(dropped)

    def _skip(self, dropped: bytes) -> None:
        # Skipped bytes are still counted, so line numbers in the tail stay exact.
        self.stats.bytes_skipped += len(dropped)
        data = self._pending + dropped
        self._skipped_lines += data.count(b"\n")
        last = data.rfind(b"\n")
        self._pending = data[last + 1 :][-self.limits.line_cap :] if last >= 0 else b""
        self._discarding = 0

    def _flush_tail(self) -> Iterator[Chunk]:
        tail = b"".join(self._tail)
        self._tail.clear()
        self._tail_size = 0
        self._in_tail_mode = False
        data = self._pending + tail
        first_newline = data.find(b"\n")
        if self._skipped_lines and first_newline >= 0:
            # Drop the partial first line: its beginning was skipped.
            self.stats.bytes_skipped += first_newline + 1
            self._skipped_lines += 1
            data = data[first_newline + 1 :]
        self._line += self._skipped_lines
        self._skipped_lines = 0
        self._pending = b""
        yield from self._take(data)


def read_blocks(stream: IO[bytes], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    while True:
        block = stream.read(size)
        if not block:
            return
        yield block

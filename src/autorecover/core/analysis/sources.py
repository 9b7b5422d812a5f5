"""Log containers -> per-job byte streams: plain text, `gh run view --log-failed`
output (several jobs, `job<TAB>step<TAB>line`), and run-logs zips.

Nothing here decodes or interprets lines; `logs.LineChunker` does that per job.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from autorecover.core.analysis.lines import KiB, Limits, MiB, read_blocks
from autorecover.errors import LogError

_UTF8_BOM = b"\xef\xbb\xbf"
_GH_LINE_RE = re.compile(rb"^([^\t\n]{1,200})\t([^\t\n]{0,500})\t")
_STEP_FILE_RE = re.compile(r"^(\d+)_(.*)\.txt$")
_JOB_FILE_RE = re.compile(r"^(\d+)_(.*)\.txt$")


@dataclass(slots=True)
class RawJob:
    """One job's undecoded log bytes, and the name the container gave it."""

    name: str
    blocks: Iterator[bytes]


def sniff(head: bytes) -> str:
    """Classify the first bytes of a log file: zip, gh, text, or a binary kind."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "text"
    body = head[len(_UTF8_BOM) :] if head.startswith(_UTF8_BOM) else head
    if b"\x00" in body[: 8 * KiB]:
        return "binary"
    first = body.split(b"\n", 1)[0]
    if _GH_LINE_RE.match(first):
        return "gh"
    return "text"


def iter_jobs(stream: IO[bytes], name: str, limits: Limits | None = None) -> Iterator[RawJob]:
    """Split one log file (any accepted format) into per-job byte streams.

    Raises `LogError` for what cannot be a log: empty input, binary data, a broken zip.
    Each job's `blocks` must be consumed before the next job is requested.
    """
    limits = limits or Limits()
    head = stream.read(64 * KiB)
    if not head.strip():
        raise LogError(f"{name}: the file is empty; expected a GitHub Actions job log")
    kind = sniff(head)
    if kind == "gzip":
        raise LogError(f"{name}: this is gzip-compressed data; decompress it first (gunzip)")
    if kind == "binary":
        raise LogError(f"{name}: this looks like binary data, not a job log (it contains NULs)")
    if kind == "zip":
        yield from _zip_jobs(io.BytesIO(head + stream.read()), name, limits)
        return
    blocks = _chain(head, read_blocks(stream, limits.chunk_size))
    if kind == "gh":
        yield from _gh_jobs(blocks)
        return
    yield RawJob(name=name, blocks=blocks)


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest


def _zip_jobs(buffer: IO[bytes], name: str, limits: Limits) -> Iterator[RawJob]:
    # Entries are read through ZipFile.open (streamed); nothing is ever extracted by
    # name, so `../../x` entries (docs/security.md#t45) cannot write anywhere.
    try:
        archive = zipfile.ZipFile(buffer)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LogError(f"{name}: not a readable zip archive ({exc})") from exc
    if len(infos) > limits.max_zip_entries:
        raise LogError(
            f"{name}: the zip has {len(infos)} entries; at most {limits.max_zip_entries} "
            "are read (a run-logs archive has one file per job and step)"
        )
    jobs, steps = _zip_layout(infos)
    if not jobs and not steps:
        raise LogError(f"{name}: the zip holds no .txt job logs")
    budget = [limits.max_zip_total]  # bytes left to expand, across all entries
    for job_name, info in jobs:
        yield RawJob(name=job_name, blocks=_zip_entry(archive, [info], name, limits, budget))
    for job_name, step_infos in steps.items():
        yield RawJob(name=job_name, blocks=_zip_entry(archive, step_infos, name, limits, budget))


def _zip_layout(
    infos: list[zipfile.ZipInfo],
) -> tuple[list[tuple[str, zipfile.ZipInfo]], dict[str, list[zipfile.ZipInfo]]]:
    """Top-level ``N_job.txt`` files are whole jobs; ``job/N_step.txt`` are used only for
    jobs that have no top-level file (GitHub sometimes omits either kind)."""
    jobs: list[tuple[int, str, zipfile.ZipInfo]] = []
    steps: dict[str, list[tuple[int, zipfile.ZipInfo]]] = {}
    for info in infos:
        if info.is_dir() or not info.filename.endswith(".txt"):
            continue
        parts = info.filename.replace("\\", "/").split("/")
        if len(parts) == 1:
            match = _JOB_FILE_RE.match(parts[0])
            order, job = (int(match.group(1)), match.group(2)) if match else (0, parts[0][:-4])
            jobs.append((order, job, info))
        elif len(parts) == 2:
            match = _STEP_FILE_RE.match(parts[1])
            if match:
                steps.setdefault(parts[0], []).append((int(match.group(1)), info))
    job_names = {job for _, job, _ in jobs}
    ordered_jobs = [(job, info) for _, job, info in sorted(jobs, key=lambda item: item[0])]
    ordered_steps = {
        job: [info for _, info in sorted(entries, key=lambda item: item[0])]
        for job, entries in steps.items()
        if job not in job_names
    }
    return ordered_jobs, ordered_steps


def _zip_entry(
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    name: str,
    limits: Limits,
    budget: list[int],
) -> Iterator[bytes]:
    for info in infos:
        read = 0
        last = b"\n"
        with archive.open(info) as entry:
            while block := entry.read(limits.chunk_size):
                read += len(block)
                budget[0] -= len(block)
                if budget[0] < 0:
                    raise LogError(
                        f"{name}: its entries expand to more than {limits.max_zip_total} bytes "
                        "in all; refusing a likely zip bomb"
                    )
                compressed = max(info.compress_size, 1)
                if read > 16 * MiB and read / compressed > limits.max_zip_ratio:
                    raise LogError(
                        f"{name}: entry {info.filename!r} expands more than "
                        f"{limits.max_zip_ratio}x; refusing a likely zip bomb"
                    )
                if read > limits.hard_max_bytes:
                    return
                last = block[-1:]
                yield block
        if last != b"\n":
            # Step files are concatenated; a missing final newline would glue two lines.
            yield b"\n"


class _LineReader:
    """Line iterator with one line of look-ahead over byte blocks (for the gh format)."""

    def __init__(self, blocks: Iterator[bytes], cap: int) -> None:
        self._blocks = blocks
        self._buffer = b""
        self._started = False
        self._lines: deque[bytes] = deque()
        self._done = False
        self._cap = cap

    def peek(self) -> bytes | None:
        while not self._lines and not self._done:
            block = next(self._blocks, None)
            if block is None:
                self._done = True
                if self._buffer:
                    self._lines.append(self._buffer)
                    self._buffer = b""
                break
            data = self._buffer + block
            if not self._started:
                # sniff() skips a byte-order mark; so must the split into jobs.
                self._started = True
                data = data.removeprefix(_UTF8_BOM)
            lines = data.split(b"\n")
            self._buffer = lines.pop()
            if len(self._buffer) > 4 * self._cap:
                self._buffer = self._buffer[: 4 * self._cap]
            self._lines.extend(lines)
        return self._lines[0] if self._lines else None

    def pop(self) -> bytes:
        self.peek()
        return self._lines.popleft()


def _gh_jobs(blocks: Iterator[bytes]) -> Iterator[RawJob]:
    reader = _LineReader(blocks, Limits().line_cap)
    while (line := reader.peek()) is not None:
        match = _GH_LINE_RE.match(line)
        if not match:
            reader.pop()  # a stray line before the first job: nothing to attach it to
            continue
        job = match.group(1).decode("utf-8", "replace")
        stream = _gh_job_lines(reader, match.group(1))
        yield RawJob(name=job, blocks=stream)
        for _ in stream:  # drain what the consumer did not read
            pass


def _gh_job_lines(reader: _LineReader, job: bytes) -> Iterator[bytes]:
    batch: list[bytes] = []
    size = 0
    while (line := reader.peek()) is not None:
        match = _GH_LINE_RE.match(line)
        if match and match.group(1) != job:
            break
        reader.pop()
        text = line[match.end() :] if match else line
        batch.append(text + b"\n")
        size += len(text) + 1
        if size >= 256 * KiB:
            yield b"".join(batch)
            batch, size = [], 0
    if batch:
        yield b"".join(batch)

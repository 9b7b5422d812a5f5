"""The log reader: normalisation, streaming bounds, containers, steps (rows T40-T45)."""

from __future__ import annotations

import io
import resource
import time
import zipfile

import pytest

from autorecover.core.analysis.lines import (
    Limits,
    LineChunker,
    resolve_redraws,
    strip_ansi,
    strip_timestamp,
)
from autorecover.core.analysis.sources import iter_jobs, sniff
from autorecover.core.analysis.steps import StepTracker
from autorecover.errors import LogError

TS = b"2024-03-12T10:15:02.1234567Z "


def chunks_text(data: bytes, limits: Limits | None = None) -> bytes:
    chunker = LineChunker(limits)
    return b"".join(chunk.data for chunk in chunker.feed_all([data]))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"\xef\xbb\xbfhello\n", b"hello\n", id="utf8-bom"),
        pytest.param(b"\x1b[31mFAILED\x1b[0m x\n", b"FAILED x\n", id="ansi-sgr"),
        pytest.param(b"\x1b]8;;http://x\x07link\x1b]8;;\x07\n", b"link\n", id="ansi-osc-hyperlink"),
        pytest.param(b"\x1b[2K\x1b[1Gdone\n", b"done\n", id="ansi-cursor"),
        pytest.param(TS + b"##[error]boom\n", TS + b"Error: boom\n", id="error-marker"),
        pytest.param(b"##[warning]careful\n", b"Warning: careful\n", id="warning-marker"),
        pytest.param(b"no newline at end", b"no newline at end\n", id="final-line"),
    ],
)
def test_normalisation(raw: bytes, expected: bytes) -> None:
    assert chunks_text(raw) == expected


def test_crlf_is_left_for_matching_and_resolved_for_display() -> None:
    assert chunks_text(b"a\r\nb\r\n") == b"a\r\nb\r\n"
    assert resolve_redraws(b"a\r") == b"a"


def test_utf16_with_bom_is_transcoded() -> None:
    raw = "héllo\nError: x\n".encode("utf-16")
    assert chunks_text(raw) == "héllo\nError: x\n".encode()


def test_invalid_utf8_survives_and_decodes_with_replacement() -> None:
    data = chunks_text(b"bad \xff\xfe bytes\n")
    assert data.decode("utf-8", "replace") == "bad \ufffd\ufffd bytes\n"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        pytest.param(b"10%\r50%\r100%", b"100%", id="redraws"),
        pytest.param(TS + b"10%\r100%\r", TS + b"100%", id="trailing-cr-keeps-timestamp"),
        pytest.param(b"plain", b"plain", id="no-cr"),
        pytest.param(b"\r\r", b"", id="only-cr"),
    ],
)
def test_progress_redraws_resolve_to_the_last_segment(line: bytes, shown: bytes) -> None:
    assert resolve_redraws(line) == shown


def test_timestamp_stripped_for_display() -> None:
    assert strip_timestamp("2024-03-12T10:15:02.1234567Z hello") == "hello"
    assert (
        strip_timestamp("hello 2024-03-12T10:15:02.1234567Z")
        == "hello 2024-03-12T10:15:02.1234567Z"
    )


def test_long_lines_are_cut_and_marked() -> None:
    limits = Limits(line_cap=100)
    data = chunks_text(b"short\n" + b"x" * 1000 + b"\nafter\n", limits)
    lines = data.split(b"\n")
    assert lines[0] == b"short"
    assert lines[1].startswith(b"x" * 50) and b"line cut: 948 bytes" in lines[1]
    assert len(lines[1]) <= 100
    assert lines[2] == b"after"


def test_line_exactly_at_cap_is_kept_whole() -> None:
    limits = Limits(line_cap=100)
    assert chunks_text(b"y" * 100 + b"\n", limits) == b"y" * 100 + b"\n"


def test_single_huge_line_never_sits_in_memory_t41() -> None:
    """T41: a 50 MB line without a newline is cut while it is read."""
    limits = Limits(line_cap=4096, chunk_size=1 << 20)
    chunker = LineChunker(limits)

    def blocks():
        for _ in range(50):
            yield b"z" * (1 << 20)
        yield b"\nError: Process completed with exit code 1.\n"

    out = list(chunker.feed_all(blocks()))
    text = b"".join(chunk.data for chunk in out)
    first, second = text.split(b"\n")[:2]
    assert len(first) < 4200 and b"line cut" in first
    assert second == b"Error: Process completed with exit code 1."
    assert chunker.stats.lines_cut == 1


def test_over_budget_logs_keep_the_tail_with_exact_line_numbers_t40() -> None:
    limits = Limits(max_bytes=1 << 20, tail_bytes=256 << 10, chunk_size=64 << 10)
    lines = [b"noise line %07d\n" % n for n in range(200_000)]
    lines[-1] = b"Error: the real failure\n"
    chunker = LineChunker(limits)
    blocks = (b"".join(lines[i : i + 1000]) for i in range(0, len(lines), 1000))
    seen = {}
    for chunk in chunker.feed_all(blocks):
        for offset, line in enumerate(chunk.data.split(b"\n")[:-1]):
            seen[chunk.first_line + offset] = line
    assert seen[200_000] == b"Error: the real failure"
    assert seen[1] == b"noise line 0000000"
    assert chunker.stats.bytes_skipped > 0
    # Every reported line number is the line's true number.
    for number, line in seen.items():
        if number < 200_000:
            assert line == b"noise line %07d" % (number - 1)


def test_memory_stays_flat_on_a_300mb_stream_t40() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    block = b"2024-03-12T10:15:02.1234567Z Collecting thing==1.0 (from -r req.txt)\n" * 16000
    chunker = LineChunker()
    total = 0
    for chunk in chunker.feed_all(block for _ in range(300 * (1 << 20) // len(block))):
        total += len(chunk.data)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert chunker.stats.bytes_read >= 299 * (1 << 20)
    assert grown_mib < 64


def test_ansi_stripping_is_linear_on_hostile_input_t17() -> None:
    hostile = b"\x1b[" + b";" * 100_000 + b"\n"
    start = time.perf_counter()
    strip_ansi(hostile * 5)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(b"PK\x03\x04rest", "zip", id="zip"),
        pytest.param(b"\x1f\x8b\x08\x00", "gzip", id="gzip"),
        pytest.param(b"ELF\x00\x00\x00", "binary", id="binary-nul"),
        pytest.param(b"test (3.11)\tRun pytest\t2024-03-12T10:15:02Z x\n", "gh", id="gh"),
        pytest.param(TS + b"hello\n", "text", id="framed"),
        pytest.param(b"just pasted text\n", "text", id="raw"),
        pytest.param("x".encode("utf-16"), "text", id="utf16"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"   \n\n", "empty", id="blank"),
        pytest.param(b"\x1f\x8b\x08\x00\x00\x00", "gzip", id="gzip-t44"),
        pytest.param(b"\x00\x01\x02binary", "binary", id="nul-t44"),
        pytest.param(b"PK\x03\x04not really a zip", "zip", id="broken-zip"),
    ],
)
def test_bad_inputs_raise_log_errors(data: bytes, message: str) -> None:
    with pytest.raises(LogError, match=message):
        list(iter_jobs(io.BytesIO(data), "x.log"))


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_top_level_job_files() -> None:
    data = _zip(
        {
            "0_lint.txt": TS + b"lint output\n",
            "1_test (3.11).txt": TS + b"test output\n",
            "lint/1_Set up job.txt": b"ignored: the job file is whole\n",
        }
    )
    jobs = [(job.name, b"".join(job.blocks)) for job in iter_jobs(io.BytesIO(data), "run.zip")]
    assert [name for name, _ in jobs] == ["lint", "test (3.11)"]
    assert b"test output" in jobs[1][1]


def test_zip_with_only_step_files_concatenates_them_in_order() -> None:
    data = _zip({"build/2_Run make.txt": b"second", "build/1_Set up job.txt": b"first\n"})
    (job,) = list(iter_jobs(io.BytesIO(data), "run.zip"))
    assert job.name == "build"
    assert b"".join(job.blocks) == b"first\nsecond\n"


def test_zip_entry_names_are_never_paths_t45(tmp_path) -> None:
    data = _zip({"../../escape.txt": b"x\n", "../1_up.txt": b"y\n", "0_ok.txt": b"z\n"})
    before = set(tmp_path.parent.iterdir())
    names = [job.name for job in iter_jobs(io.BytesIO(data), "run.zip") if b"".join(job.blocks)]
    assert set(tmp_path.parent.iterdir()) == before
    assert names == ["ok", ".."]


def test_zip_with_too_many_entries_t45() -> None:
    data = _zip({f"{i}_job{i}.txt": b"x\n" for i in range(30)})
    with pytest.raises(LogError, match="entries"):
        list(iter_jobs(io.BytesIO(data), "run.zip", Limits(max_zip_entries=10)))


def test_zip_bomb_is_refused_t45() -> None:
    data = _zip({"0_job.txt": b"\n" * (40 << 20)})
    job = next(iter_jobs(io.BytesIO(data), "run.zip"))
    with pytest.raises(LogError, match="zip bomb"):
        for _ in job.blocks:
            pass


def test_zip_without_text_files() -> None:
    with pytest.raises(LogError, match="no .txt"):
        list(iter_jobs(io.BytesIO(_zip({"image.png": b"\x89PNG"})), "run.zip"))


def test_gh_log_failed_paste_is_split_per_job() -> None:
    data = (
        b"lint\tRun ruff\t2024-03-12T10:15:02.1Z ruff output\n"
        b"lint\tRun ruff\t2024-03-12T10:15:03.1Z ##[error]Process completed with exit code 1.\n"
        b"test\tRun pytest\t2024-03-12T10:16:02.1Z FAILED t.py::x\n"
    )
    jobs = []
    for job in iter_jobs(io.BytesIO(data), "paste.txt"):
        jobs.append((job.name, b"".join(job.blocks)))
    assert [name for name, _ in jobs] == ["lint", "test"]
    assert jobs[0][1].startswith(b"2024-03-12T10:15:02.1Z ruff output\n")
    assert b"FAILED t.py::x" in jobs[1][1]


def test_gh_jobs_not_consumed_are_drained() -> None:
    data = b"a\ts\tx\n" * 5 + b"b\ts\ty\n"
    names = [job.name for job in iter_jobs(io.BytesIO(data), "paste.txt")]
    assert names == ["a", "b"]


class TestSteps:
    def test_failing_step_is_the_one_with_the_exit_code(self) -> None:
        tracker = StepTracker()
        tracker.event("step", 5, "Run pip install -r requirements.txt")
        tracker.event("error", 7, "")
        tracker.event("step", 9, "Run pytest")
        tracker.event("exit", 20, "1")
        tracker.event("post", 21, "")
        failing = tracker.failing_step()
        assert failing is not None and failing.name == "Run pytest"
        assert tracker.exit_code == 1

    def test_exit_code_zero_is_not_a_failure(self) -> None:
        tracker = StepTracker()
        tracker.event("step", 2, "Run true")
        tracker.event("exit", 3, "0")
        assert tracker.failing_step() is None

    def test_cancelled_step(self) -> None:
        tracker = StepTracker()
        tracker.event("step", 2, "Run sleep 9999")
        tracker.event("cancel", 3, "")
        failing = tracker.failing_step()
        assert failing is not None and failing.name == "Run sleep 9999" and failing.cancelled

    def test_last_error_when_no_exit_code(self) -> None:
        tracker = StepTracker()
        tracker.event("step", 2, "Run actions/checkout@v4")
        tracker.event("error", 3, "")
        tracker.event("step", 4, "Run owner/deploy@v1")
        tracker.event("error", 5, "")
        failing = tracker.failing_step()
        assert failing is not None and failing.name == "Run owner/deploy@v1"

    def test_millions_of_headers_keep_the_latest_step(self) -> None:
        tracker = StepTracker(max_steps=10)
        for line in range(1, 10_000):
            tracker.event("step", line, f"Run step {line}")
        tracker.event("exit", 10_000, "2")
        assert len(tracker.steps) == 10
        failing = tracker.failing_step()
        assert failing is not None and failing.name == "Run step 9999"

"""The log reader: normalisation, streaming bounds (rows docs/security.md#t40, #t41, #t17).

Containers (zip, `gh run view --log-failed`) are tested in test_sources.py, steps in
test_steps.py.
"""

from __future__ import annotations

import resource
import time

import pytest

from autorecover.core.analysis.lines import (
    Limits,
    LineChunker,
    resolve_redraws,
    strip_ansi,
    strip_timestamp,
)

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
    """docs/security.md#t41: a 50 MB line without a newline is cut while it is read."""
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

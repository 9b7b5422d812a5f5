"""One pass over a job's chunks: rule findings with their context lines (also across chunk
boundaries), the per-rule and total caps, annotations as line 0, and the structural events
(steps, exit context, repository and requirements-file hints)."""

from __future__ import annotations

from typing import Any

import pytest

from autorecover.core.analysis.lines import Limits, LineChunker
from autorecover.core.analysis.scan import (
    CONTEXT_AFTER,
    CONTEXT_BEFORE,
    EXIT_CONTEXT,
    MAX_FINDINGS,
    MAX_FINDINGS_PER_RULE,
    LogScan,
    decode_line,
)
from autorecover.core.analysis.steps import STRUCTURE_PATTERNS
from autorecover.core.rules.engine import MAX_HITS_PER_PATTERN
from autorecover.core.rules.loader import RuleSet
from autorecover.core.rules.schema import Rule, parse_rule

TS = "2024-03-12T10:15:02.1234567Z "


def make_rule(rule_id: str, pattern: str, **fields: Any) -> Rule:
    return parse_rule(
        {
            "id": rule_id,
            "category": "build_error",
            "severity": "medium",
            "title": rule_id,
            "patterns": [pattern],
            "explanation": "e",
            "remediation": "r",
            **fields,
        }
    )


BOOM = make_rule("boom", "^boom (?P<n>\\d+)", unless=["\\(expected\\)"], title="boom {n}")
TIMEOUT = make_rule("net-timeout", "Read timed out")
RULES = RuleSet((BOOM, TIMEOUT))

# Chunk sizes: the whole log at once, and (about) one line per chunk, so context lines and
# exit context must be carried from one chunk to the next.
CHUNKINGS = [
    pytest.param(1 << 20, id="one-chunk"),
    pytest.param(1, id="chunk-per-line"),
]


def scan(
    text: str, chunk_size: int = 1 << 20, ruleset: RuleSet = RULES, presearch: bool = False
) -> LogScan:
    """Scan `text` as `JobAnalysis` does: chunked by the real `LineChunker`; with
    `presearch` the Set's blocks are passed in as the analysis's worker thread does."""
    log = LogScan(ruleset.matcher(STRUCTURE_PATTERNS))
    chunker = LineChunker(Limits(chunk_size=chunk_size))
    for chunk in chunker.feed_all([text.encode()]):
        found = log.matcher.blocks(chunk.data) if presearch else None
        log.chunk(chunk.data, chunk.first_line, chunk.n_lines, found)
    log.tracker.close(log.last_line)
    return log


def numbered(count: int, hit_at: int = 0, hit: str = "boom 7") -> str:
    """`count` lines `line N` (with the runner's timestamp); line `hit_at` is `hit`."""
    lines = [hit if n == hit_at else f"line {n}" for n in range(1, count + 1)]
    return "".join(f"{TS}{line}\n" for line in lines)


# --------------------------------------------------------------------------- context


@pytest.mark.parametrize("chunk_size", CHUNKINGS)
@pytest.mark.parametrize(
    ("count", "hit_at", "before", "after"),
    [
        pytest.param(9, 5, [3, 4], [6, 7, 8], id="middle"),
        pytest.param(9, 1, [], [2, 3, 4], id="first-line"),
        pytest.param(9, 2, [1], [3, 4, 5], id="second-line"),
        pytest.param(9, 8, [6, 7], [9], id="before-the-last-line"),
        pytest.param(9, 9, [7, 8], [], id="last-line"),
        pytest.param(1, 1, [], [], id="only-line"),
    ],
)
def test_context_lines_before_and_after(
    count: int, hit_at: int, before: list[int], after: list[int], chunk_size: int
) -> None:
    (record,) = scan(numbered(count, hit_at), chunk_size).records
    assert record.line == hit_at
    assert record.text == "boom 7"
    assert record.before == [(n, f"line {n}") for n in before]
    assert record.after == [(n, f"line {n}") for n in after]
    assert record.after_missing == CONTEXT_AFTER - len(after)
    assert len(before) <= CONTEXT_BEFORE


def test_context_after_is_completed_by_the_next_chunk() -> None:
    log = LogScan(RULES.matcher(STRUCTURE_PATTERNS))
    log.chunk(b"line 1\nboom 1\nline 3\n", 1, 3)
    (record,) = log.records
    assert record.after == [(3, "line 3")] and record.after_missing == 2
    assert log.pending == [record]
    log.chunk(b"line 4\n", 4, 1)
    assert record.after_missing == 1
    log.chunk(b"line 5\nline 6\n", 5, 2)
    assert record.after == [(3, "line 3"), (4, "line 4"), (5, "line 5")]
    assert record.after_missing == 0 and log.pending == []


def test_reported_lines_drop_timestamps_and_resolve_redraws() -> None:
    text = f"{TS}10%\r{TS}50%\r{TS}done\n{TS}boom 3\n{TS}\x1b[31mred\x1b[0m\n"
    (record,) = scan(text).records
    assert record.text == "boom 3"
    assert record.before == [(1, "done")]
    assert record.after == [(3, "red")]


@pytest.mark.parametrize("presearch", [False, True], ids=["scan-searches", "blocks-given"])
@pytest.mark.parametrize("chunk_size", CHUNKINGS)
def test_records_know_their_step_and_captures(chunk_size: int, presearch: bool) -> None:
    text = (
        f"{TS}##[group]Run make\n{TS}boom 1\n"
        f"{TS}##[group]Run pytest\n{TS}x\n{TS}Read timed out.\n"
        f"{TS}##[error]Process completed with exit code 1.\n"
    )
    log = scan(text, chunk_size, presearch=presearch)
    assert [(r.rule.id, r.line, r.step and r.step.name, r.captures) for r in log.records] == [
        ("boom", 2, "Run make", (("n", "1"),)),
        ("net-timeout", 5, "Run pytest", ()),
    ]
    failing = log.tracker.failing_step()
    assert failing is not None and failing.name == "Run pytest"
    assert log.last_line == 6


# --------------------------------------------------------------------------- caps


@pytest.mark.parametrize("chunk_size", CHUNKINGS)
@pytest.mark.parametrize(
    ("hits", "kept"),
    [
        pytest.param(MAX_FINDINGS_PER_RULE - 1, MAX_FINDINGS_PER_RULE - 1, id="under"),
        pytest.param(MAX_FINDINGS_PER_RULE, MAX_FINDINGS_PER_RULE, id="at-the-cap"),
        pytest.param(12, MAX_FINDINGS_PER_RULE, id="over"),
    ],
)
def test_findings_per_rule_are_capped_and_counted(hits: int, kept: int, chunk_size: int) -> None:
    log = scan("".join(f"boom {n}\n" for n in range(1, hits + 1)), chunk_size)
    assert [r.line for r in log.records] == list(range(1, kept + 1))  # the first ones
    assert log.dropped == hits - kept
    assert log.per_rule == {"boom": hits}


def test_findings_in_total_are_capped() -> None:
    rules = RuleSet(tuple(make_rule(f"r{n:02}", f"^r{n:02} ") for n in range(13)))
    text = "".join(f"r{n:02} hit\n" for n in range(13) for _ in range(MAX_FINDINGS_PER_RULE))
    log = scan(text, ruleset=rules)
    assert 13 * MAX_FINDINGS_PER_RULE > MAX_FINDINGS
    assert len(log.records) == MAX_FINDINGS
    assert log.dropped == 13 * MAX_FINDINGS_PER_RULE - MAX_FINDINGS
    assert {r.rule.id for r in log.records} == {f"r{n:02}" for n in range(12)}


def test_hits_beyond_the_engine_cap_count_as_dropped() -> None:
    lines = 100
    log = scan("boom 1\n" * lines)  # one chunk: the engine locates 64, counts "more" once
    assert len(log.records) == MAX_FINDINGS_PER_RULE
    assert log.dropped == (MAX_HITS_PER_PATTERN - MAX_FINDINGS_PER_RULE) + 1


# --------------------------------------------------------------------------- unless


@pytest.mark.parametrize(
    ("line", "recorded"),
    [
        pytest.param("boom 1", True, id="plain"),
        pytest.param("boom 1 (expected)", False, id="unless-on-the-same-line"),
        pytest.param(f"{TS}boom 1 (expected)", False, id="unless-with-timestamp"),
    ],
)
def test_unless_suppresses_a_finding_without_counting_it(line: str, recorded: bool) -> None:
    log = scan(f"{line}\nline 2\n")
    assert [r.rule.id for r in log.records] == (["boom"] if recorded else [])
    assert log.per_rule == ({"boom": 1} if recorded else {})
    assert log.dropped == 0


def test_unless_on_a_neighbouring_line_does_not_suppress() -> None:
    log = scan("(expected)\nboom 1\n(expected)\n")
    assert [r.line for r in log.records] == [2]


# --------------------------------------------------------------------------- annotations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("boom 3", [("boom", "boom 3")], id="one-line"),
        pytest.param("  boom 3  ", [("boom", "boom 3")], id="stripped"),
        pytest.param(
            "intro\n\nboom 3\nRead timed out",
            [("boom", "boom 3"), ("net-timeout", "Read timed out")],
            id="every-line-scanned",
        ),
        pytest.param("boom 3 (expected)", [], id="unless-applies"),
        pytest.param("Error: Process completed with exit code 1.", [], id="structure-ignored"),
        pytest.param("", [], id="empty"),
    ],
)
def test_annotations_are_findings_on_line_zero(text: str, expected: list[tuple[str, str]]) -> None:
    log = scan(numbered(3))
    log.annotation(text)
    assert [(r.rule.id, r.text) for r in log.records] == expected
    assert all(r.line == 0 and r.step is None and not r.before and not r.after for r in log.records)
    assert log.tracker.exit_code is None and log.tracker.errors == 0


def test_annotations_share_the_per_rule_cap() -> None:
    log = scan("".join(f"boom {n}\n" for n in range(MAX_FINDINGS_PER_RULE)))
    log.annotation("boom 99")
    assert len(log.records) == MAX_FINDINGS_PER_RULE
    assert log.dropped == 1


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("chunk_size", CHUNKINGS)
def test_exit_context_is_the_lines_before_the_first_failing_exit(chunk_size: int) -> None:
    body = [f"out {n}" for n in range(1, 31)]
    text = (
        f"{TS}##[group]Run true\n{TS}##[error]Process completed with exit code 0.\n"
        + "".join(f"{TS}{line}\n" for line in body)
        + f"{TS}##[error]Process completed with exit code 2.\n"
        + f"{TS}more\n{TS}##[error]Process completed with exit code 3.\n"
    )
    log = scan(text, chunk_size)
    assert len(log.exit_context) == EXIT_CONTEXT
    assert log.exit_context == [(n + 2, f"out {n}") for n in range(16, 31)]
    assert log.tracker.exit_code == 2


@pytest.mark.parametrize("chunk_size", CHUNKINGS)
def test_tail_holds_the_last_lines(chunk_size: int) -> None:
    log = scan(numbered(40), chunk_size)
    assert list(log.tail) == [(n, f"line {n}") for n in range(26, 41)]


@pytest.mark.parametrize(
    ("lines", "repo_hint", "requirements_file"),
    [
        pytest.param(["nothing here"], None, None, id="none"),
        pytest.param(["Syncing repository: octo/widgets"], "octo/widgets", None, id="checkout"),
        pytest.param(["rootdir: /home/runner/work/gadgets/gadgets"], "gadgets", None, id="pytest"),
        pytest.param(
            [
                "Syncing repository: octo/widgets",
                "rootdir: /home/runner/work/gadgets/gadgets",
                "Syncing repository: octo/other",
            ],
            "octo/widgets",
            None,
            id="first-hint-wins",
        ),
        pytest.param(
            ["pip install -r requirements.txt", "pip install -r requirements-dev.txt"],
            None,
            "requirements-dev.txt",
            id="last-requirements-file-wins",
        ),
    ],
)
def test_repository_and_requirements_hints(
    lines: list[str], repo_hint: str | None, requirements_file: str | None
) -> None:
    log = scan("".join(f"{TS}{line}\n" for line in lines))
    assert log.repo_hint == repo_hint
    assert log.requirements_file == requirements_file
    assert log.records == []


def test_a_cancellation_is_not_counted_as_an_error_of_the_job() -> None:
    log = scan(f"{TS}##[group]Run sleep 600\n{TS}##[error]The operation was canceled.\n")
    assert log.tracker.cancelled and log.tracker.errors == 0


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param(TS.encode() + b"hello", "hello", id="timestamp"),
        pytest.param(b"10%\r50%\r100%", "100%", id="redraws"),
        pytest.param(TS.encode() + b"10%\r100%\r", "100%", id="redraws-with-timestamp"),
        pytest.param(b"bad \xff byte", "bad \ufffd byte", id="invalid-utf8"),
        pytest.param(b"say 2024-03-12T10:15:02Z x", "say 2024-03-12T10:15:02Z x", id="inner-time"),
    ],
)
def test_decode_line(raw: bytes, shown: str) -> None:
    assert decode_line(raw) == shown

"""The RE2 Set matcher: which patterns occur in a chunk, where (with captures), the per-pattern
hit cap, `unless` suppression, and agreement between the Set and each pattern on its own
(what the DFA-out-of-memory fallback runs)."""

from __future__ import annotations

from typing import Any

import pytest

from autorecover.core.analysis.lines import LineChunker
from autorecover.core.analysis.steps import STRUCTURE_PATTERNS
from autorecover.core.rules.engine import BLOCK_SIZE, MAX_HITS_PER_PATTERN, Block, Matcher
from autorecover.core.rules.loader import load_ruleset
from autorecover.core.rules.schema import Rule, parse_rule
from testing import DATA

TS = b"2024-03-12T10:15:02.1234567Z "
STRUCTURE = {
    "exit": r"^Error: Process completed with exit code (?P<v>\d+)",
    "cancel": r"^Error: The operation was canceled\.",
    "error": r"^Error: ",
}


def make_rule(rule_id: str, *patterns: str, **fields: Any) -> Rule:
    return parse_rule(
        {
            "id": rule_id,
            "category": "network_error",
            "severity": "medium",
            "title": rule_id,
            "patterns": list(patterns),
            "explanation": "e",
            "remediation": "r",
            **fields,
        }
    )


RULES = [
    make_rule("mirror", r"mirror said (?P<status>5\d\d)", r"^mirror down$"),
    make_rule("shout", r"(?i)^fatal: (?P<what>\w+)"),
    make_rule("span", r"begin\s+end", r"open[^x]+close"),
    make_rule(
        "opt",
        r"^pkg (?P<name>[a-z]+)(?: version (?P<version>[\d.]+))?",
        unless=[r"\(ignored\)", r"^pkg skip"],
    ),
]
MATCHER = Matcher(RULES, STRUCTURE)


def label(matcher: Matcher, index: int) -> str:
    entry = matcher.entries[index]
    return entry.kind or matcher.rules[entry.rule].id


def test_entries_are_structure_first_then_each_pattern_of_each_rule() -> None:
    assert [(e.kind, e.rule) for e in MATCHER.entries] == [
        ("exit", -1),
        ("cancel", -1),
        ("error", -1),
        ("", 0),
        ("", 0),
        ("", 1),
        ("", 2),
        ("", 2),
        ("", 3),
    ]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        pytest.param(b"", [], id="empty"),
        pytest.param(b"nothing to see\n", [], id="no-match"),
        pytest.param(b"a\nmirror said 503\nb\n", ["mirror"], id="one-rule"),
        pytest.param(b"mirror said 503\nmirror down\n", ["mirror", "mirror"], id="both-patterns"),
        pytest.param(TS + b"mirror down\n", ["mirror"], id="caret-after-timestamp"),
        pytest.param(b"mirror down\r\n", ["mirror"], id="dollar-before-crlf"),
        pytest.param(b"the mirror down\n", [], id="caret-is-line-start"),
        pytest.param(b"mirror down now\n", [], id="dollar-is-line-end"),
        pytest.param(b"FATAL: disk\n", ["shout"], id="case-insensitive-flag"),
        pytest.param(b"begin\nend\n", [], id="whitespace-never-crosses-a-line"),
        pytest.param(b"open\nclose\n", [], id="negated-class-never-crosses-a-line"),
        pytest.param(b"open it close\n", ["span"], id="negated-class-within-a-line"),
        pytest.param(
            b"x\nError: Process completed with exit code 1.\n",
            ["exit", "error"],
            id="structure",
        ),
        pytest.param(
            TS + b"Error: The operation was canceled.\nmirror said 502\n",
            ["cancel", "error", "mirror"],
            id="structure-and-rules",
        ),
    ],
)
def test_candidates_on_a_chunk(data: bytes, found: list[str]) -> None:
    assert sorted(label(MATCHER, i) for i in MATCHER.candidates(data)) == sorted(found)


def test_scan_locates_hits_in_order_with_captures() -> None:
    data = b"pkg abc\nError: The operation was canceled.\nmirror said 503\n"
    hits, over = MATCHER.scan(data)
    assert over == 0
    assert [(label(MATCHER, h.entry), data[h.start : h.end], dict(h.groups)) for h in hits] == [
        ("opt", b"pkg abc", {"name": "abc"}),
        ("cancel", b"Error: The operation was canceled.", {}),
        ("error", b"Error: ", {}),
        ("mirror", b"mirror said 503", {"status": "503"}),
    ]


@pytest.mark.parametrize(
    ("data", "groups"),
    [
        pytest.param(b"pkg abc\n", {"name": "abc"}, id="unmatched-group-omitted"),
        pytest.param(
            b"pkg abc version 1.2\n", {"name": "abc", "version": "1.2"}, id="optional-group"
        ),
        pytest.param(TS + b"pkg abc\n", {"name": "abc"}, id="after-timestamp"),
        pytest.param(b"fatal: disk\r\n", {"what": "disk"}, id="crlf-kept-out"),
        pytest.param(b"mirror said 503\n", {"status": "503"}, id="unanchored"),
    ],
)
def test_captures(data: bytes, groups: dict[str, str]) -> None:
    hits, _ = MATCHER.scan(data)
    assert [dict(hit.groups) for hit in hits] == [groups]


def test_scan_runs_only_the_candidates_it_is_given() -> None:
    data = b"mirror said 503\nfatal: disk\n"
    shout = next(i for i, e in enumerate(MATCHER.entries) if e.rule == 1)
    assert MATCHER.scan(data, [])[0] == []
    only = [Block(0, len(data), (shout,))]
    assert [label(MATCHER, h.entry) for h in MATCHER.scan(data, only)[0]] == ["shout"]
    assert [label(MATCHER, h.entry) for h in MATCHER.scan(data)[0]] == ["mirror", "shout"]


@pytest.mark.parametrize(
    ("lines", "hits", "over"),
    [
        pytest.param(MAX_HITS_PER_PATTERN - 1, MAX_HITS_PER_PATTERN - 1, 0, id="under"),
        pytest.param(MAX_HITS_PER_PATTERN, MAX_HITS_PER_PATTERN, 0, id="at-the-cap"),
        pytest.param(MAX_HITS_PER_PATTERN + 1, MAX_HITS_PER_PATTERN, 1, id="one-over"),
        pytest.param(10_000, MAX_HITS_PER_PATTERN, 1, id="hostile"),
    ],
)
def test_hits_per_pattern_are_capped(lines: int, hits: int, over: int) -> None:
    found, more = MATCHER.scan(b"mirror down\n" * lines)
    assert (len(found), more) == (hits, over)


def test_each_pattern_over_the_cap_is_counted() -> None:
    data = (b"mirror down\nmirror said 500\nfatal: x\n") * (MAX_HITS_PER_PATTERN + 1)
    found, more = MATCHER.scan(data)
    assert more == 3
    assert len(found) == 3 * MAX_HITS_PER_PATTERN
    assert [h.start for h in found] == sorted(h.start for h in found)


@pytest.mark.parametrize(
    ("rule", "line", "suppressed"),
    [
        pytest.param(3, b"pkg abc", False, id="no-unless-match"),
        pytest.param(3, b"pkg abc (ignored)", True, id="first-unless"),
        pytest.param(3, b"pkg skip", True, id="second-unless"),
        pytest.param(3, TS + b"pkg skip", True, id="unless-caret-after-timestamp"),
        pytest.param(3, b"a pkg skip", False, id="unless-caret-is-line-start"),
        pytest.param(0, b"mirror said 503 (ignored)", False, id="rule-without-unless"),
    ],
)
def test_unless(rule: int, line: bytes, suppressed: bool) -> None:
    assert MATCHER.suppressed(rule, line) is suppressed
    assert MATCHER.suppressed(rule, line) is suppressed  # compiled once, then reused


def _corpus_chunks() -> list[tuple[str, bytes]]:
    chunks = []
    for path in sorted((DATA / "logs").glob("*/*.log")):
        for chunk in LineChunker().feed_all([path.read_bytes()]):
            chunks.append((path.name, chunk.data))
    return chunks


def test_set_and_single_patterns_agree_on_the_corpus() -> None:
    """The Set's answer is what each pattern alone finds (the fallback when RE2's DFA runs
    out of memory locates with each pattern alone), and the built-in rules fit the Set's
    memory budget on real logs: no fallback was needed."""
    fresh = Matcher([r for r in load_ruleset().rules if r.patterns], STRUCTURE_PATTERNS)
    chunks = _corpus_chunks()
    assert len(chunks) > 50
    for name, data in chunks:
        alone = [i for i, entry in enumerate(fresh.entries) if entry.regex.search(data)]
        assert sorted(fresh.candidates(data)) == alone, name
    assert fresh.fallbacks == 0


def test_blocks_are_line_aligned_and_cover_every_match() -> None:
    """Hits located block by block are what each pattern finds over the whole chunk,
    including a line that straddles a block's nominal boundary."""
    filler = b"x" * 100 + b"\n"
    lines = [filler] * (3 * BLOCK_SIZE // len(filler))
    lines[BLOCK_SIZE // len(filler)] = b"y" * 60 + b" mirror said 503 " + b"y" * 60 + b"\n"
    lines[5] = b"fatal: early\n"
    lines[-2] = b"pkg late\n"
    data = b"".join(lines)
    blocks = MATCHER.blocks(data)
    assert all(data[b.start - 1 : b.start] in (b"", b"\n") for b in blocks)
    assert all(data[b.end - 1 : b.end] == b"\n" for b in blocks)
    hits, _ = MATCHER.scan(data, blocks)
    whole = sorted(
        (m.start(), i)
        for i in MATCHER.candidates(data)
        for m in MATCHER.entries[i].regex.finditer(data)
    )
    assert [(h.start, h.entry) for h in hits] == whole
    assert {label(MATCHER, h.entry) for h in hits} == {"mirror", "shout", "opt"}


def test_the_hit_cap_holds_across_blocks() -> None:
    data = b"mirror down\n" * (BLOCK_SIZE // 4)  # many blocks, each full of matches
    assert len(MATCHER.blocks(data)) > 2
    found, more = MATCHER.scan(data)
    assert (len(found), more) == (MAX_HITS_PER_PATTERN, 1)

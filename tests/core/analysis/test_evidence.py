"""The lines a person reads first: runner framing never, error lines first, at most 12."""

from __future__ import annotations

import pytest

from autorecover.core.analysis.diagnose import analyze_text
from autorecover.core.analysis.evidence import MAX_LINES, for_unrecognised, is_framing, score


@pytest.mark.parametrize(
    ("line", "framing"),
    [
        ("##[group]Run pytest -q", True),
        ("##[endgroup]", True),
        ("shell: /usr/bin/bash -e {0}", True),
        ("env:", True),
        ("  pythonLocation: /opt/hostedtoolcache/Python/3.12.1/x64", True),
        ("[command]/usr/bin/git version", True),
        ("Error: Process completed with exit code 1.", True),
        ("Post job cleanup.", True),
        ("", True),
        ("E   assert 1 == 2", False),
        ("error: could not compile `foo`", False),
        ("    raise ValueError(x)", False),
    ],
)
def test_framing(line: str, framing: bool) -> None:
    assert is_framing(line) is framing


@pytest.mark.parametrize(
    ("line", "rank"),
    [
        ("##[group]Run make", 0),
        ("Compiling foo v0.1.0", 0),
        ("warning: unused variable", 0),
        ("make: *** [all] Error 2", 4),
        ("fatal: could not read Username", 6),
        ("Traceback (most recent call last):", 3),
        ("E   AssertionError: assert 1 == 2", 6),
    ],
)
def test_score(line: str, rank: int) -> None:
    assert score(line) == rank


def test_unrecognised_shows_the_highest_scoring_lines_in_log_order() -> None:
    lines = [(n, f"step output {n}") for n in range(1, 30)]
    lines += [(30, "fatal: bad object"), (31, "shell: /usr/bin/bash -e {0}"), (32, "aborted")]
    shown = for_unrecognised(lines, str)
    assert [e.line for e in shown] == [30, 32]


def test_unrecognised_is_capped() -> None:
    lines = [(n, f"error {n}") for n in range(1, 40)]
    assert len(for_unrecognised(lines, str)) == MAX_LINES


def test_a_match_shows_its_line_first_and_no_framing() -> None:
    log = (
        "##[group]Run pytest\n"
        "shell: /usr/bin/bash -e {0}\n"
        "##[endgroup]\n"
        "collected 2 items\n"
        "FAILED tests/test_a.py::test_one - AssertionError: assert 1 == 2\n"
        "FAILED tests/test_a.py::test_two - KeyError: 'x'\n"
        "##[error]Process completed with exit code 1.\n"
    )
    d = analyze_text(log)
    texts = [e.text for e in d.evidence]
    assert texts[0].startswith("FAILED tests/test_a.py::test_one")
    assert not any(is_framing(t) for t in texts) and len(texts) <= MAX_LINES

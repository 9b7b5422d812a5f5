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


PEM = [
    "    -----BEGIN RSA PRIVATE KEY-----",
    "    MIIEowIBAAKCAQEA7vXq9mKjVh3fQn1Rk5h2pL4aT8sZc6bWmYxE0dN3uGjP9qR",
    "    Lt2xVbH7sK1mN4pQ6rS8tU0vW1xYZq8aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1x",
    "    -----END RSA PRIVATE KEY-----",
]


def test_a_key_over_several_lines_is_redacted_whole_t19() -> None:
    """Line by line, only the BEGIN line gives the key away; as one block, all of it goes."""
    from autorecover.core.analysis.evidence import redact_block
    from autorecover.core.text.redact import Redactor

    redactor = Redactor()
    assert "MIIEow" in redactor(PEM[1])  # alone, a body line looks like nothing
    texts = redact_block(["error: could not load the key:", *PEM, "done"], redactor)
    assert len(texts) == 6 and texts[0] == "error: could not load the key:"
    assert not any("MIIEow" in t or "Lt2xVb" in t for t in texts)
    assert "[REDACTED private-key]" in "\n".join(texts) and texts[-1] == "done"


def test_findings_and_evidence_of_a_log_are_redacted_as_a_whole_t19() -> None:
    log = "\n".join(
        ["##[group]Run pytest", "FAILED tests/test_k.py::test_load - ValueError: bad key", *PEM]
    )
    from autorecover.core.analysis.diagnose import AnalysisContext
    from autorecover.core.text.redact import Redactor

    d = analyze_text(log + "\n", context=AnalysisContext(redact=Redactor()))
    shown = "\n".join(e.text for e in d.evidence) + "\n".join(f.text for f in d.findings)
    assert "FAILED tests/test_k.py::test_load" in shown
    assert "MIIEow" not in shown and "Lt2xVb" not in shown


# The shapes of real logs in the world corpus's training part:
# c1-cargo-index-crates-timeout-windows and c1-gradle-exec-output-handler-heap-space.
RETRIES = """\
##[group]Run cargo build
##[endgroup]
warning: spurious network error (3 tries remaining): [28] Timeout was reached
Updating crates.io index
warning: spurious network error (2 tries remaining): [28] Timeout was reached
Updating crates.io index
warning: spurious network error (1 tries remaining): [28] Timeout was reached
Updating crates.io index
error: failed to download from `https://index.crates.io/3/s/syn`
##[error]Process completed with exit code 101.
"""
HEAP = """\
##[group]Run ./gradlew assemble
##[endgroup]
java.lang.OutOfMemoryError: Java heap space
	at java.base/java.util.Arrays.copyOf(Arrays.java:3537)
	at java.base/java.io.ByteArrayOutputStream.ensureCapacity(ByteArrayOutputStream.java:100)
##[error]Process completed with exit code 1.
"""


def test_a_retried_failure_is_shown_once() -> None:
    texts = [line.text for line in analyze_text(RETRIES).evidence]
    assert sum("spurious network error" in text for text in texts) == 1


def test_stack_frames_do_not_continue_the_message() -> None:
    texts = [line.text for line in analyze_text(HEAP).evidence]
    assert texts[0] == "java.lang.OutOfMemoryError: Java heap space"
    assert not any(text.lstrip().startswith("at ") for text in texts)

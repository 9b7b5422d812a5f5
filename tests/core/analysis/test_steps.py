"""Steps of a job from its structural markers: the failing step, exit codes, cancellation,
timeouts, and the bound on how many steps are kept."""

from __future__ import annotations

import pytest

from autorecover.core.analysis.lines import LineChunker
from autorecover.core.analysis.steps import (
    COMPLETE_JOB,
    SET_UP_JOB,
    STRUCTURE_PATTERNS,
    Step,
    StepTracker,
)
from autorecover.core.rules.engine import Matcher

TS = "2024-03-12T10:15:02.1234567Z "

Event = tuple[str, int, str]


def track(events: list[Event], max_steps: int = 500) -> StepTracker:
    tracker = StepTracker(max_steps=max_steps)
    for kind, line, text in events:
        tracker.event(kind, line, text)
    return tracker


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


@pytest.mark.parametrize(
    ("events", "failing"),
    [
        pytest.param([], None, id="empty-log"),
        pytest.param([("step", 2, "Run a"), ("step", 5, "Run b")], None, id="only-headers"),
        pytest.param([("step", 2, "Run a"), ("exit", 3, "0")], None, id="exit-zero"),
        pytest.param([("exit", 9, "1")], SET_UP_JOB, id="unframed-exit-is-in-set-up-job"),
        pytest.param(
            [("step", 2, "Run a"), ("exit", 3, "2"), ("step", 4, "Run b"), ("exit", 5, "1")],
            "Run a",
            id="first-step-with-an-exit-code",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("error", 3, ""), ("step", 4, "Run b"), ("exit", 5, "1")],
            "Run b",
            id="exit-code-beats-an-earlier-error",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("exit", 3, "1"), ("step", 4, "Run b"), ("error", 9, "")],
            "Run a",
            id="exit-code-beats-a-later-error",
        ),
        pytest.param(
            [
                ("step", 2, "Run a"),
                ("cancel", 3, ""),
                ("step", 4, "Run b"),
                ("step_timeout", 5, ""),
            ],
            "Run b",
            id="timeout-beats-an-earlier-cancel",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("cancel", 3, ""), ("step", 4, "Run b"), ("error", 5, "")],
            "Run a",
            id="cancel-beats-a-later-error",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("step_timeout", 3, ""), ("step", 4, "Run b"), ("exit", 5, "1")],
            "Run a",
            id="timeout-and-exit-code-rank-by-step-order",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("error", 3, ""), ("error", 4, ""), ("step", 6, "Run b")],
            "Run a",
            id="last-error-even-if-a-later-step-is-clean",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("exit", 3, "1"), ("post", 4, ""), ("error", 5, "")],
            "Run a",
            id="post-job-error-does-not-move-the-failure",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("post", 3, ""), ("error", 4, "")],
            "Post job cleanup",
            id="post-job-cleanup-can-fail",
        ),
        pytest.param(
            [("step", 2, "Run a"), ("complete", 3, ""), ("error", 4, "")],
            COMPLETE_JOB,
            id="complete-job-can-fail",
        ),
    ],
)
def test_failing_step(events: list[Event], failing: str | None) -> None:
    step = track(events).failing_step()
    assert (step.name if step else None) == failing


@pytest.mark.parametrize(
    ("texts", "exit_code"),
    [
        pytest.param(["1"], 1, id="one"),
        pytest.param(["137"], 137, id="killed"),
        pytest.param(["0"], None, id="zero-is-success"),
        pytest.param([""], None, id="no-digits"),
        pytest.param(["0", "2"], 2, id="zero-then-failure"),
        pytest.param(["2", "1"], 2, id="first-failure-kept"),
        pytest.param(["12345678901234"], 123456789, id="digits-capped"),
    ],
)
def test_exit_code(texts: list[str], exit_code: int | None) -> None:
    tracker = track([("step", 2, "Run a")] + [("exit", 3 + i, t) for i, t in enumerate(texts)])
    assert tracker.exit_code == exit_code
    assert tracker.current.exit_code == exit_code


def test_cancellation_line_is_not_counted_as_an_error() -> None:
    # The scan reports `Error: The operation was canceled.` as both `cancel` and `error`.
    tracker = track([("step", 2, "Run a"), ("cancel", 5, ""), ("error", 5, ""), ("error", 6, "")])
    assert tracker.cancelled and tracker.current.cancelled
    assert tracker.errors == 1 and tracker.current.errors == 1
    assert tracker.current.last_error_line == 6


@pytest.mark.parametrize(
    ("step", "failed"),
    [
        pytest.param(Step(1, "Run a", 1), False, id="clean"),
        pytest.param(Step(1, "Run a", 1, exit_code=1), True, id="exit-code"),
        pytest.param(Step(1, "Run a", 1, exit_code=0), False, id="exit-zero"),
        pytest.param(Step(1, "Run a", 1, cancelled=True), True, id="cancelled"),
        pytest.param(Step(1, "Run a", 1, timed_out=True), True, id="timed-out"),
        pytest.param(Step(1, "Run a", 1, errors=3), False, id="errors-alone"),
    ],
)
def test_step_failed(step: Step, failed: bool) -> None:
    assert step.failed is failed


def test_steps_are_numbered_and_delimited() -> None:
    tracker = track([("step", 3, "Run a"), ("step", 10, "Run b"), ("post", 20, "")])
    tracker.close(25)
    assert [(s.number, s.name, s.start_line, s.end_line) for s in tracker.steps] == [
        (1, SET_UP_JOB, 1, 2),
        (2, "Run a", 3, 9),
        (3, "Run b", 10, 19),
        (4, "Post job cleanup", 20, 25),
    ]
    assert tracker.framed


def test_close_never_ends_a_step_before_it_starts() -> None:
    tracker = track([("step", 7, "Run a")])
    tracker.close(3)
    assert tracker.current.end_line == 7


def test_unframed_log_is_one_set_up_job_step() -> None:
    tracker = track([("error", 4, "")])
    assert not tracker.framed
    assert [s.name for s in tracker.steps] == [SET_UP_JOB]


def test_step_names_are_cut_to_200_characters() -> None:
    assert track([("step", 2, "Run " + "x" * 500)]).current.name == "Run " + "x" * 196


@pytest.mark.parametrize(
    ("line", "name"),
    [
        pytest.param(1, SET_UP_JOB, id="first-line"),
        pytest.param(4, SET_UP_JOB, id="before-the-first-header"),
        pytest.param(5, "Run a", id="on-a-header"),
        pytest.param(9, "Run a", id="inside"),
        pytest.param(10, "Run b", id="next-header"),
        pytest.param(10_000, "Run b", id="past-the-end"),
        pytest.param(0, SET_UP_JOB, id="annotation-line-zero"),
    ],
)
def test_step_at(line: int, name: str) -> None:
    tracker = track([("step", 5, "Run a"), ("step", 10, "Run b")])
    assert tracker.step_at(line).name == name


def test_max_steps_never_drops_a_failed_step() -> None:
    events: list[Event] = [("step", 2, "Run a"), ("exit", 3, "1")]
    events += [("step", line, f"Run noise {line}") for line in range(4, 1000)]
    tracker = track(events, max_steps=3)
    assert [s.name for s in tracker.steps] == [SET_UP_JOB, "Run a", "Run noise 999"]
    failing = tracker.failing_step()
    assert failing is not None and failing.name == "Run a"


def test_max_steps_keeps_a_failed_latest_step_when_the_next_opens() -> None:
    events: list[Event] = [("step", 2, "Run a"), ("step", 3, "Run b"), ("exit", 4, "1")]
    events += [("step", 5, "Run c")]
    tracker = track(events, max_steps=3)
    assert [s.name for s in tracker.steps] == [SET_UP_JOB, "Run a", "Run b", "Run c"]


def _structure(line: str) -> list[tuple[str, str | None]]:
    matcher = Matcher([], STRUCTURE_PATTERNS)
    data = b"".join(chunk.data for chunk in LineChunker().feed_all([line.encode() + b"\n"]))
    hits, _ = matcher.scan(data)
    return [(matcher.entries[hit.entry].kind, dict(hit.groups).get("v")) for hit in hits]


@pytest.mark.parametrize(
    ("line", "events"),
    [
        pytest.param("##[group]Run pytest", [("step", "Run pytest")], id="step"),
        pytest.param(TS + "##[group]Run pytest -q\r", [("step", "Run pytest -q")], id="step-crlf"),
        pytest.param("##[group]Set up Python", [], id="group-that-is-not-a-step"),
        pytest.param("Post job cleanup.", [("post", None)], id="post"),
        pytest.param("Cleaning up orphan processes", [("complete", None)], id="complete"),
        pytest.param(
            TS + "##[error]Process completed with exit code 2.",
            [("exit", "2"), ("error", None)],
            id="exit-is-also-an-error",
        ),
        pytest.param(
            "##[error]The operation was canceled.",
            [("cancel", None), ("error", None)],
            id="cancel-before-its-error",
        ),
        pytest.param(
            "##[error]The action 'Run tests' has timed out after 10 minutes.",
            [("step_timeout", None), ("error", None)],
            id="step-timeout",
        ),
        pytest.param("Error: x", [("error", None)], id="pasted-error"),
        pytest.param("  Error: indented", [], id="indented-error-is-output"),
        pytest.param("##[warning]x", [], id="warning"),
        pytest.param(
            "Syncing repository: octo/widgets", [("repo", "octo/widgets")], id="checkout-repo"
        ),
        pytest.param(
            "rootdir: /home/runner/work/widgets/widgets", [("rootdir", "widgets")], id="rootdir"
        ),
        pytest.param("rootdir: /tmp/x", [], id="rootdir-outside-the-workspace"),
        pytest.param(
            "pip install -r requirements-dev.txt",
            [("reqfile", "requirements-dev.txt")],
            id="reqfile",
        ),
        pytest.param(
            "python -m pip install --upgrade -r requirements/test.txt",
            [("reqfile", "requirements/test.txt")],
            id="reqfile-after-options",
        ),
        pytest.param(
            "pip3 install --requirement=reqs.in", [("reqfile", "reqs.in")], id="reqfile-long-option"
        ),
        pytest.param("pip install requests", [], id="install-without-a-file"),
    ],
)
def test_structure_patterns(line: str, events: list[tuple[str, str | None]]) -> None:
    assert _structure(line) == events

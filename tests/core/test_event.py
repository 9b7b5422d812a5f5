"""The workflow_run payload -> WorkflowRun: validation with a clear message, and trust by
numeric repository ids and the triggering event only (docs/security.md#s1, #t01, #t02)."""

from __future__ import annotations

from typing import Any

import pytest

from autorecover.core.event import TRUSTED_EVENTS, parse_event
from autorecover.errors import UserError

SHA = "a" * 40


def payload(**run: Any) -> dict[str, Any]:
    base = {
        "id": 9, "run_attempt": 2, "event": "push", "conclusion": "failure", "head_sha": SHA,
        "head_branch": "main", "name": "CI", "html_url": "https://github.com/o/r/actions/runs/9",
        "head_repository": {"id": 1, "full_name": "o/r"},
    }  # fmt: skip
    return {
        "action": "completed",
        "repository": {"id": 1, "full_name": "o/r", "default_branch": "trunk"},
        "workflow_run": {**base, **run},
    }


def test_fields_and_the_run_key() -> None:
    run = parse_event("workflow_run", payload())
    assert (run.id, run.attempt, run.key) == (9, 2, "9:2")
    assert run.default_branch == "trunk" and run.name == "CI"
    data = run.to_dict()
    assert data["id"] == 9 and data["attempt"] == 2 and data["trusted"] is True
    assert set(data) >= {"workflow", "head_sha", "trust_reason", "same_repository"}


@pytest.mark.parametrize(
    ("run", "trusted", "why"),
    [
        pytest.param({}, True, "trusted: same repository", id="same-repo-push"),
        pytest.param(
            {"head_repository": {"id": 2, "full_name": "o/r"}}, False, "is not o/r",
            id="fork-with-the-same-name",
        ),
        pytest.param({"head_repository": None}, False, "unknown", id="no-head-repository"),
        pytest.param(
            {"event": "pull_request_target"}, False, "'pull_request_target' are handled read-only",
            id="untrusted-event",
        ),
        pytest.param(
            {"head_branch": "main", "actor": {"login": "dependabot[bot]"},
             "head_repository": {"id": 3, "full_name": "evil/r"}},
            False, "evil/r", id="fork-branch-main-t02",
        ),
    ],
)  # fmt: skip
def test_trust_is_by_ids_and_event(run: dict[str, Any], trusted: bool, why: str) -> None:
    parsed = parse_event("workflow_run", payload(**run))
    assert parsed.trusted is trusted and why in parsed.trust_reason


def test_trusted_events_are_ones_a_fork_cannot_cause() -> None:
    assert "pull_request_target" not in TRUSTED_EVENTS and "workflow_run" not in TRUSTED_EVENTS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(payload(head_sha="abc"), "workflow_run.head_sha", id="short-sha"),
        pytest.param({"action": "completed"}, "workflow_run", id="no-run"),
        pytest.param(payload(run_attempt=0), "workflow_run.run_attempt", id="attempt-zero"),
    ],
)
def test_malformed_payload_names_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError, match=f"malformed: {message}"):
        parse_event("workflow_run", data)


def test_other_events_are_refused() -> None:
    with pytest.raises(UserError, match="expected a workflow_run event, got 'push'"):
        parse_event("push", payload())

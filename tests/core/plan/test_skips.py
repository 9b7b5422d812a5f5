"""The policy (pure): the severity matrix, its overrides, run-level rules, trust."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from autorecover.core import plan as planner
from autorecover.core.models import (
    Category,
)
from testing.plans import TESTS, event, jobs, run, settings_for

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param({}, None, id="failure-is-analysed"),
        pytest.param({"action": "requested"}, "not completed", id="not-completed"),
        pytest.param({"conclusion": "success"}, "succeeded; nothing", id="first-success"),
        pytest.param({"conclusion": "success", "run_attempt": 2}, None, id="success-after-rerun"),
        pytest.param({"conclusion": "skipped"}, "concluded 'skipped'", id="skipped"),
        pytest.param({"conclusion": "cancelled"}, None, id="cancelled-looked-at"),
        pytest.param(
            {"head_branch": "autorecover/linting_error/0123abcd"}, "own branch", id="bot-branch"
        ),
        pytest.param(
            {"head_commit": {"message": "Apply black\n\nAutorecover-Fingerprint: ab"}},
            "made by autorecover", id="bot-commit",
        ),
    ],
)  # fmt: skip
def test_skip_run(fields: dict[str, Any], reason: str | None) -> None:
    found = planner.skip_run(event(**fields))
    assert found is None if reason is None else reason in (found or "")


def test_skip_trigger() -> None:
    assert planner.skip_trigger("workflow_run") is None
    assert "'push', not workflow_run" in (planner.skip_trigger("push") or "")
    assert "'unknown'" in (planner.skip_trigger("") or "")


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        pytest.param({}, None, id="defaults"),
        pytest.param({"enabled": False}, "disabled by `enabled: false`", id="disabled"),
        pytest.param({"workflows": ["Docs"]}, "'CI' is not in `workflows:`", id="workflow"),
        pytest.param({"branches": ["release/*"]}, "'feature' matches none", id="branch"),
        pytest.param({"branches": ["feat*"]}, None, id="branch-glob-matches"),
    ],
)
def test_skip_configured(config: dict[str, Any], reason: str | None) -> None:
    found = planner.skip_configured(event(), settings_for(**config))
    assert found is None if reason is None else reason in (found or "")


def test_skip_analysed_cancelled_without_a_timeout() -> None:
    cancelled = event(conclusion="cancelled")
    timed_out = replace(TESTS, category=Category.TIMEOUT)
    assert "cancelled (by a person" in (planner.skip_analysed(cancelled, jobs(TESTS)) or "")
    assert planner.skip_analysed(cancelled, jobs(timed_out)) is None
    assert planner.skip_analysed(event(), jobs(TESTS)) is None


def test_skip_redelivered() -> None:
    assert "already handled" in (planner.skip_redelivered(event(), ["9:1"]) or "")
    assert planner.skip_redelivered(event(), ["9:2"]) is None
    # A fork's event delivered twice is recognised too (it must not comment twice).
    assert "already handled" in (planner.skip_redelivered(run(trusted=False), ["9:1"]) or "")


@pytest.mark.parametrize(
    ("trusted", "pending", "dry_run", "reason"),
    [
        pytest.param(False, 1, False, "forks are not recorded", id="fork"),
        pytest.param(True, None, False, "did not request", id="not-our-rerun"),
        pytest.param(True, 2, False, "did not request", id="pending-for-a-later-attempt"),
        pytest.param(True, 1, True, "dry run: not recorded", id="dry-run"),
        pytest.param(True, 1, False, None, id="recorded"),
    ],
)
def test_skip_bookkeeping(
    trusted: bool, pending: int | None, dry_run: bool, reason: str | None
) -> None:
    found = planner.skip_bookkeeping(run(trusted=trusted, attempt=2), pending, dry_run)
    assert found is None if reason is None else reason in (found or "")


# -- follow-ups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed", "open_pulls", "config", "reason"),
    [
        pytest.param(None, 0, {}, None, id="nothing-in-the-way"),
        pytest.param((4, "2026-12-01T12:00:00Z"), 0, {}, "#4 was closed without merging",
                     id="closed-two-days-ago"),
        pytest.param((4, "2026-11-01T12:00:00Z"), 0, {}, None, id="closed-a-month-ago"),
        pytest.param((4, "junk"), 0, {}, "cooldown", id="unreadable-close-time-is-quiet"),
        pytest.param(None, 5, {}, "5 autorecover pull requests are open", id="max-open"),
        pytest.param(None, 5, {"pull_requests": {"max_open": 6}}, None, id="max-open-raised"),
        pytest.param((4, "2026-12-01T12:00:00Z"), 0,
                     {"pull_requests": {"cooldown_days": 1}}, None, id="short-cooldown"),
    ],
)  # fmt: skip
def test_skip_fix_pr(
    closed: tuple[int, str] | None, open_pulls: int, config: dict[str, Any], reason: str | None
) -> None:
    found = planner.skip_fix_pr(closed, open_pulls, settings_for(**config), NOW)
    assert found is None if reason is None else reason in (found or "")

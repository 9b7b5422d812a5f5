"""What a failure tracked before gets (pure): update, comment, silence, cooldown, open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from autorecover.constants import Seen, fingerprint_marker, format_time, marked_seen
from autorecover.core.plan import IssueStep, comment_due, issue_step
from autorecover.core.tracker import Item
from testing.plans import settings_for

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
FP = fingerprint_marker("0123abcd0123abcd")


def ago(**delta: float) -> str:
    return format_time(NOW - timedelta(**delta))


def issue(number: int, state: str = "open", commented: str = "", **data: Any) -> Item:
    body = f"{FP}\n{Seen(1, commented, commented).marker()}\n" if commented else f"{FP}\n"
    return Item.of({"number": number, "state": state, "body": body, **data})


IGNORE = [{"name": "autorecover"}, {"name": "Autorecover: Ignore"}]


@pytest.mark.parametrize(
    ("existing", "step", "number"),
    [
        pytest.param([], IssueStep.OPEN, None, id="nothing-yet"),
        pytest.param([issue(1, commented=ago(hours=2))], IssueStep.UPDATE, 1, id="commented-2h-ago"),
        pytest.param([issue(1, commented=ago(hours=25))], IssueStep.COMMENT, 1, id="a-day-later"),
        pytest.param([issue(1)], IssueStep.COMMENT, 1, id="no-marker"),
        pytest.param([issue(1, labels=IGNORE)], IssueStep.SILENCED, 1, id="ignore-label-open"),
        pytest.param([issue(2, "closed", closed_at=ago(days=90)), issue(1, "closed", labels=IGNORE)],
                     IssueStep.SILENCED, 1, id="ignore-label-on-an-older-closed-one"),
        pytest.param([issue(1, "closed", state_reason="not_planned", closed_at=ago(days=90))],
                     IssueStep.SILENCED, 1, id="not-planned"),
        pytest.param([issue(2, commented=ago(hours=1)),
                      issue(1, "closed", state_reason="not_planned", closed_at=ago(days=9))],
                     IssueStep.UPDATE, 2, id="an-open-one-after-not-planned"),
        pytest.param([issue(1, "closed", state_reason="completed", closed_at=ago(days=2))],
                     IssueStep.COOLDOWN, 1, id="completed-in-cooldown"),
        pytest.param([issue(1, "closed", state_reason="completed", closed_at=ago(days=8))],
                     IssueStep.OPEN, 1, id="completed-after-cooldown"),
        pytest.param([issue(1, "closed", state_reason="reopened", closed_at=ago(days=8))],
                     IssueStep.OPEN, 1, id="reopened-then-closed"),
    ],
)  # fmt: skip
def test_issue_step(existing: list[Item], step: IssueStep, number: int | None) -> None:
    plan = issue_step(existing, settings_for(), NOW)
    assert plan.step is step
    assert (plan.item.number if plan.item else None) == number
    if step in (IssueStep.SILENCED, IssueStep.COOLDOWN, IssueStep.UPDATE):
        assert plan.reason


@pytest.mark.parametrize(
    ("counted", "handling", "step"),
    [
        pytest.param("77:1", "77:1", IssueStep.COUNTED, id="the-same-run-again"),
        pytest.param("77:1", "77:2", IssueStep.UPDATE, id="its-next-attempt"),
        pytest.param("", "77:1", IssueStep.UPDATE, id="a-marker-from-before-runs"),
        pytest.param("77:1", "", IssueStep.UPDATE, id="no-run-key"),
    ],
)
def test_a_run_the_issue_already_counted_is_not_counted_again_t21(
    counted: str, handling: str, step: IssueStep
) -> None:
    stamp = ago(hours=1)
    body = f"{FP}\n{Seen(1, stamp, stamp, counted).marker()}\n"
    item = Item.of({"number": 3, "state": "open", "body": body})
    plan = issue_step([item], settings_for(), NOW, handling)
    assert plan.step is step and plan.item is item
    if step is IssueStep.COUNTED:
        assert plan.reason == "run 77:1 was already counted in #3"


def test_seen_markers_round_trip_with_and_without_the_run() -> None:
    seen = Seen(4, "2026-12-03T10:00:00Z", "2026-12-02T09:00:00Z", "8012345678:2")
    assert marked_seen(f"{FP}\n{seen.marker()}") == seen
    old = "<!-- autorecover:seen=3 last=2026-12-01T00:00:00Z commented= -->"
    assert marked_seen(old) == Seen(3, "2026-12-01T00:00:00Z", "", "")


def test_silence_reasons_say_how_to_undo_them() -> None:
    labelled = issue_step([issue(4, labels=IGNORE)], settings_for(), NOW)
    assert "`autorecover: ignore`" in labelled.reason and "remove it" in labelled.reason
    closed = issue(5, "closed", state_reason="not_planned", closed_at=ago(days=1))
    assert "reopen it" in issue_step([closed], settings_for(), NOW).reason


@pytest.mark.parametrize(
    ("hours", "commented", "due"),
    [
        pytest.param(24, ago(hours=23), False, id="within"),
        pytest.param(24, ago(hours=24), True, id="at"),
        pytest.param(1, ago(hours=2), True, id="short-interval"),
        pytest.param(0, ago(seconds=1), True, id="zero-always"),
        pytest.param(24, "garbled", True, id="unreadable"),
    ],
)
def test_comment_due(hours: float, commented: str, due: bool) -> None:
    settings = settings_for(issues={"comment_interval_hours": hours})
    assert comment_due(issue(1, commented=commented), settings, NOW) is due

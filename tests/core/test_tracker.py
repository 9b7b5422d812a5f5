"""autorecover's open issues and PRs as typed records, found by their hidden markers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from autorecover.constants import DASHBOARD_MARKER, fingerprint_marker, format_time
from autorecover.core.tracker import Item, Tracker, closed_recently

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def item(number: int, body: str = "", state: str = "open", **data: object) -> Item:
    return Item.of({"number": number, "body": body, "state": state, "title": f"#{number}", **data})


def test_item_of_an_issue_list_entry() -> None:
    pr = Item.of(
        {"number": 3, "state": "closed", "pull_request": {"merged_at": "2026-01-01T00:00:00Z"},
         "html_url": "https://github.com/o/r/pull/3", "body": None}
    )  # fmt: skip
    assert pr.is_pull and pr.merged and pr.body == "" and not pr.is_open
    issue = Item.of({"number": 4, "state": "open"})
    assert not issue.is_pull and not issue.merged and issue.is_open


def test_finding_by_marker() -> None:
    fp = "0123abcd0123abcd"
    tracker = Tracker(
        (
            item(1, fingerprint_marker(fp)),
            item(2, fingerprint_marker(fp), pull_request={}),
            item(3, DASHBOARD_MARKER),
            item(4, "unrelated", state="closed"),
        )
    )
    assert [i.number for i in tracker.for_fingerprint(fp)] == [1]
    assert [i.number for i in tracker.with_marker(fingerprint_marker(fp), pulls=True)] == [2]
    assert [i.number for i in tracker.open_pulls()] == [2]
    assert [i.number for i in tracker.open_issues()] == [1]
    assert [i.number for i in tracker.dashboards()] == [3]


@pytest.mark.parametrize(
    ("state", "closed_at", "recent"),
    [
        pytest.param("open", "", False, id="open"),
        pytest.param("closed", format_time(NOW - timedelta(days=2)), True, id="two-days"),
        pytest.param("closed", format_time(NOW - timedelta(days=8)), False, id="eight-days"),
        pytest.param("closed", "junk", True, id="unreadable-is-quiet"),
    ],
)
def test_closed_recently(state: str, closed_at: str, recent: bool) -> None:
    assert closed_recently(item(1, state=state, closed_at=closed_at), 7, NOW) is recent


def test_this_runs_own_creations_are_merged_into_the_listing() -> None:
    listed = Tracker((item(3, state="closed"), item(1)))
    created = [item(4, labels=[{"name": "autorecover"}]), item(3)]  # 3: as this run left it
    merged = listed.merged(created)
    assert [(i.number, i.state) for i in merged.items] == [(4, "open"), (3, "open"), (1, "open")]
    assert merged.items[0].labels == ("autorecover",)
    assert listed.merged([]) == listed

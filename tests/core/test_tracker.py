"""autorecover's open issues and PRs as typed records, found by their hidden markers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from autorecover.constants import (
    DASHBOARD_MARKER,
    OCCURRENCES_END,
    OCCURRENCES_START,
    Seen,
    fingerprint_marker,
    format_time,
    marked_seen,
)
from autorecover.core.tracker import (
    Item,
    Tracker,
    closed_recently,
    next_seen,
    with_section,
    with_seen,
)

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


def test_item_labels_and_state_reason() -> None:
    closed = item(5, state="closed", state_reason="not_planned",
                  labels=[{"name": "autorecover"}, "autorecover: ignore"])  # fmt: skip
    assert closed.labels == ("autorecover", "autorecover: ignore")
    assert closed.state_reason == "not_planned"
    assert item(6, state_reason=None).state_reason == ""


FP = fingerprint_marker("0123abcd0123abcd")
SEEN = Seen(2, "2026-12-03T12:00:00Z", "2026-12-02T08:00:00Z")
SECTION = f"{OCCURRENCES_START}\n| Seen | 2 |\n{OCCURRENCES_END}"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(f"{FP}\ntext", f"{FP}\n{SEEN.marker()}\ntext", id="inserted"),
        pytest.param(f"{FP}\n{Seen(1).marker()}\ntext", f"{FP}\n{SEEN.marker()}\ntext",
                     id="replaced"),
        pytest.param("no marker", f"{SEEN.marker()}\nno marker", id="at-the-top"),
    ],
)  # fmt: skip
def test_with_seen(body: str, expected: str) -> None:
    assert with_seen(body, SEEN) == expected
    assert marked_seen(expected) == SEEN


def test_a_seen_marker_far_down_the_body_is_not_read() -> None:
    body = f"{FP}\n" + "x" * 400 + Seen(99, "", "2999-01-01T00:00:00Z").marker()
    assert marked_seen(body) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(f"a\n{OCCURRENCES_START}\nold\n{OCCURRENCES_END}\nb", f"a\n{SECTION}\nb",
                     id="replaced"),
        pytest.param("a\n### Occurrences\nb", None, id="no-section"),
        # An excerpt that spells the delimiters comes first; the section is the last pair.
        pytest.param(f"{OCCURRENCES_START} {OCCURRENCES_END}\n{OCCURRENCES_START}\nold\n"
                     f"{OCCURRENCES_END}\nb", f"{OCCURRENCES_START} {OCCURRENCES_END}\n{SECTION}\nb",
                     id="last-pair"),
    ],
)  # fmt: skip
def test_with_section(body: str, expected: str | None) -> None:
    assert with_section(body, f"rendered\n{SECTION}\n") == expected


@pytest.mark.parametrize(
    ("previous", "entry", "comment", "expected"),
    [
        pytest.param(Seen(3, "t0", "t0"), {}, False, Seen(4, "t1", "t0"), id="update"),
        pytest.param(Seen(3, "t0", "t0"), {}, True, Seen(4, "t1", "t1"), id="comment"),
        pytest.param(None, {"occurrences": 7}, True, Seen(7, "t1", "t1"), id="old-issue-ledger"),
        pytest.param(None, {}, True, Seen(2, "t1", "t1"), id="old-issue-no-ledger"),
    ],
)
def test_next_seen(
    previous: Seen | None, entry: dict[str, int], comment: bool, expected: Seen
) -> None:
    assert next_seen(previous, entry, "t1", comment) == expected


def test_an_item_is_silenced_by_the_ignore_label_in_any_case() -> None:
    assert item(1, labels=[{"name": "AutoRecover: IGNORE"}]).silenced
    assert not item(2, labels=[{"name": "autorecover"}]).silenced

"""What the dashboard lists, as data and as GitHub renders it: open issues grouped by
category with their runs and last seen, open fix PRs, reran failures, recent recoveries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from autorecover.adapters.render import Renderer
from autorecover.constants import CATEGORY_LABEL, DASHBOARD_MARKER, fingerprint_marker, format_time
from autorecover.core import bodies
from autorecover.core import dashboard as board
from autorecover.core import ledger as ledgerlib
from autorecover.core.ledger import Cure, Ledger
from autorecover.core.text import mdsafe
from autorecover.core.text.mdsafe import ZWSP
from autorecover.core.tracker import Item
from testing.markdown import MD, sections, structure_problems, tables

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LINT, NET, GONE = "a" * 16, "b" * 16, "c" * 16
URL = "https://github.com/o/r"


def item(number: int, fingerprint: str, *, pull: bool = False, **data: Any) -> Item:
    return Item.of(
        {
            "number": number,
            "title": data.pop("title", f"[autorecover] failure {number}"),
            "body": fingerprint_marker(fingerprint),
            "state": "open",
            "html_url": f"{URL}/{'pull' if pull else 'issues'}/{number}",
            **({"pull_request": {}} if pull else {}),
            **data,
        }
    )


def at(hours: float) -> str:
    return format_time(NOW - timedelta(hours=hours))


def seen(fingerprint: str, category: str, title: str, hours: float, run: int) -> ledgerlib.Update:
    return ledgerlib.occurred(
        ledgerlib.Occurrence(fingerprint, category, "r", title, run, at(hours))
    )


def populated() -> Ledger:
    """Two lint runs, a network failure reran twice (one cured), a merged fix."""
    steps = [
        ("1:1", [seen(LINT, "linting_error", "Black | would reformat", 30, 1)]),
        ("2:1", [seen(LINT, "linting_error", "Black | would reformat", 2, 2)]),
        ("3:1", [seen(NET, "network_error", "pip timed out", 5, 3),
                 ledgerlib.rerun_requested(3, 1, [NET], at(5))]),
        ("3:2", [ledgerlib.attempt_finished(3, 2, True, at(4.9))]),
        ("4:1", [seen(NET, "network_error", "pip timed out", 1, 4),
                 ledgerlib.rerun_requested(4, 1, [NET], at(1))]),
        ("4:2", [ledgerlib.attempt_finished(4, 2, False, at(0.9))]),
        ("5:1", [ledgerlib.tracked(LINT, pull_request=9)]),
        ("6:1", [ledgerlib.pull_request_closed(LINT, 9, True, at(0.5))]),
    ]  # fmt: skip
    ledger = ledgerlib.empty()
    for key, updates in steps:
        ledger = ledgerlib.apply_once(ledger, key, updates)
    return ledger


def test_open_issues_grouped_by_category_the_latest_first() -> None:
    known = {LINT: {"category": "linting_error", "occurrences": 2, "last_seen": at(2)},
             NET: {"category": "network_error", "occurrences": 5, "last_seen": at(1)}}  # fmt: skip
    issues = [item(1, LINT), item(4, NET), item(5, LINT)]
    net, lint = board.issue_groups(issues, known)
    assert (net.category, lint.category) == ("network_error", "linting_error")
    assert [row.item.number for row in lint.issues] == [5, 1]
    assert (lint.occurrences, lint.last_seen) == (4, "2026-12-03 10:00 UTC")


def test_an_issue_the_ledger_does_not_know_takes_its_category_from_its_label() -> None:
    labelled = item(2, GONE, labels=[{"name": CATEGORY_LABEL.format("timeout")}])
    timeout, unknown = board.issue_groups([labelled, item(3, GONE)], {})
    assert (timeout.category, unknown.category) == ("timeout", "unknown")
    assert timeout.issues[0].occurrences == 0 and timeout.last_seen == ""


def test_an_issue_a_person_silenced_is_named_not_listed() -> None:
    known = {NET: {"category": "network_error", "occurrences": 5, "last_seen": at(1)}}
    quiet = item(7, NET, labels=[{"name": "autorecover"}, {"name": "Autorecover: Ignore"}])
    (net,) = board.issue_groups([item(4, NET), quiet], known)
    assert [row.item.number for row in net.issues] == [4]
    assert board.silenced([quiet, item(4, NET)]) == (quiet,)
    body = render(populated(), [item(4, NET), quiet], [])
    assert "Silenced with the label `autorecover: ignore`: [#7](" in body
    assert "Silenced with" not in render(populated(), [item(4, NET)], [])


def test_recoveries_the_newest_first_within_thirty_days() -> None:
    ledger = populated()
    ledger["recoveries"].insert(0, {"how": "rerun", "fingerprints": [NET], "at": at(24 * 40)})
    ledger["recoveries"].append({"how": "magic", "fingerprints": [NET], "at": at(0.1)})
    fix, rerun = board.recoveries(ledger, NOW)
    assert (fix.how, fix.pull_request, fix.titles) == (Cure.FIX_PR, 9, ("Black | would reformat",))
    assert (rerun.how, rerun.run, rerun.attempt, rerun.took) == (Cure.RERUN, 3, 2, "6 min")


def render(ledger: Ledger, issues: list[Item], pulls: list[Item]) -> str:
    context = bodies.dashboard_context(pulls, issues, ledger, NOW)
    return Renderer().render("dashboard.md.j2", context, trusted=True)


def test_the_body_as_github_renders_it() -> None:
    issues = [item(1, LINT, title="[autorecover] Black | would @reformat"), item(4, NET)]
    body = render(populated(), issues, [item(12, NET, pull=True, title="autorecover: pin pip")])
    assert structure_problems(body) == [], body
    assert body.startswith(DASHBOARD_MARKER)  # kept when GitHub's limit cuts the tail
    parts = sections(body)
    assert list(parts) == [
        "Open issues", "Open fix pull requests", "Flaky failures", "Recent recoveries",
        f"Failures in the last {30} days",
    ]  # fmt: skip
    net, lint = tables(parts["Open issues"])
    assert net == [
        ["Issue", "Runs", "Last seen"],
        ["#4 [autorecover] failure 4", "2", "2026-12-03 11:00 UTC"],
    ]
    # A title's pipe stays in its cell, a mention is not one.
    assert lint[1][0].replace(ZWSP, "") == "#1 [autorecover] Black | would @reformat"
    assert "@reformat" not in body
    assert tables(parts["Open fix pull requests"]) == [
        [["Pull request", "Fixes", "Category"], ["#12 autorecover: pin pip", "pip timed out", "network_error"]]
    ]  # fmt: skip
    (flaky,) = tables(parts["Flaky failures"])
    assert flaky[1][1:] == ["network_error", "2", "1", "50%", "6 min"]
    assert "Overall: 1 of 2 reruns recovered" in parts["Flaky failures"]
    (recoveries,) = tables(parts["Recent recoveries"])
    assert [row[2] for row in recoveries[1:]] == [
        "fix pull request #9 merged", "attempt 2 of run 3 passed after a rerun (6 min)"
    ]  # fmt: skip
    links = [
        child.attrs["href"]
        for token in MD.parse(body)
        for child in token.children or []
        if child.type == "link_open"
    ]
    assert links == [f"{URL}/issues/4", f"{URL}/issues/1", f"{URL}/pull/12"]


def test_an_empty_repository_still_has_no_empty_section() -> None:
    body = render(ledgerlib.empty(), [], [])
    assert structure_problems(body) == [] and tables(body) == []
    assert sections(body)["Open issues"] == "_None._"
    assert sections(body)["Recent recoveries"] == "_None in the last 30 days._"


def test_the_same_state_renders_the_same_body() -> None:
    """No clock in the body: an unchanged repository is not rewritten."""
    first = render(populated(), [item(1, LINT)], [])
    later = bodies.dashboard_context([], [item(1, LINT)], populated(), NOW + timedelta(minutes=5))
    assert Renderer().render("dashboard.md.j2", later, trusted=True) == first


def test_a_dashboard_too_long_for_github_keeps_its_marker() -> None:
    issues = [item(n, f"{n:016x}", title="[autorecover] " + "x" * 200) for n in range(1, 501)]
    body = mdsafe.cap_body(render(ledgerlib.empty(), issues, [])).text
    assert len(body) < len(render(ledgerlib.empty(), issues, [])) and DASHBOARD_MARKER in body

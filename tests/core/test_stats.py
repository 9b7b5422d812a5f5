"""Recovery statistics from the ledger: what the dashboard and `autorecover stats` show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from autorecover.constants import format_time
from autorecover.core import ledger as ledgerlib
from autorecover.core.stats import compute, duration, ledger_from_reports, render_text

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def ledger_with(*updates: ledgerlib.Update) -> ledgerlib.Ledger:
    return ledgerlib.apply_once(ledgerlib.empty(), "1:1", list(updates))


def occurred(fp: str, category: str, at: datetime) -> ledgerlib.Update:
    return ledgerlib.occurred(
        ledgerlib.Occurrence(fp, category, "rule", "title", 1, format_time(at))
    )


def test_counts_rates_and_recent_categories() -> None:
    ledger = ledger_with(
        occurred("a", "network_error", NOW - timedelta(days=1)),
        occurred("a", "network_error", NOW - timedelta(days=2)),
        occurred("b", "linting_error", NOW - timedelta(days=40)),
        ledgerlib.rerun_requested(1, 1, ["a"], format_time(NOW - timedelta(minutes=10))),
        ledgerlib.attempt_finished(1, 2, True, format_time(NOW)),
        ledgerlib.tracked("b", pull_request=5),
    )
    stats = compute(ledger, NOW)
    assert stats["recent_by_category"] == {"network_error": 2}
    first = stats["fingerprints"][0]
    assert first["fingerprint"] == "a" and first["occurrences"] == 2
    assert first["rerun_success"] == 1.0 and first["mean_seconds_to_recovery"] == 600
    assert stats["totals"]["fix_prs_opened"] == 1 and stats["totals"]["failures"] == 3
    assert "failures recorded     3" in render_text(stats)


def test_a_rerun_that_failed_again_is_no_recovery() -> None:
    ledger = ledger_with(
        ledgerlib.rerun_requested(1, 1, ["a"], format_time(NOW)),
        ledgerlib.attempt_finished(1, 2, False, format_time(NOW)),
    )
    totals = compute(ledger, NOW)["totals"]
    assert (totals["reruns"], totals["recoveries"], totals["rerun_success"]) == (1, 0, 0.0)


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "—"), (45, "45 s"), (600, "10 min"), (9000, "2.5 h")]
)
def test_duration(seconds: int | None, text: str) -> None:
    assert duration(seconds) == text


def test_replaying_reports_counts_each_run_once() -> None:
    diagnosis = {"fingerprint": "a", "category": "network_error", "action": "rerun", "title": "t"}
    run = {"id": 1, "attempt": 1, "conclusion": "failure"}
    report = {
        "run": run,
        "jobs": [{"id": 7, "diagnosis": diagnosis}],
        "outcomes": [{"action": "rerun", "status": "done", "jobs": [7]}],
    }
    ledger = ledger_from_reports(
        [report, report, {"run": {**run, "attempt": 2, "conclusion": "success"}, "jobs": []}]
    )
    data = ledger["fingerprints"]["a"]
    assert data["occurrences"] == 1 and data["reruns"] == 1 and data["recoveries"] == 1


def test_replaying_reports_counts_a_matrix_once_and_the_fixes_it_opened() -> None:
    diagnosis = {"fingerprint": "b", "category": "linting_error", "action": "fix_pr", "title": "t"}
    report = {
        "run": {"id": 3, "attempt": 1, "conclusion": "failure"},
        "jobs": [{"id": n, "diagnosis": diagnosis} for n in (1, 2, 3)],
        "outcomes": [
            {"action": "fix_pr", "status": "done", "fingerprint": "b", "jobs": [1, 2, 3],
             "url": "https://github.com/o/r/pull/7"},
            {"action": "issue", "status": "failed", "fingerprint": "c", "url": ""},
        ],
    }  # fmt: skip
    data = ledger_from_reports([report])["fingerprints"]
    assert (data["b"]["occurrences"], data["b"]["fix_prs_opened"]) == (1, 1)
    assert data["b"]["pull_request"] == 7 and "c" not in data

"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from autorecover.constants import format_time
from autorecover.core import ledger as ledgerlib
from autorecover.core.stats import compute


def test_ledger_updates_apply_once_per_run() -> None:
    occurrence = ledgerlib.Occurrence(
        "fp1", "network_error", "pip-read-timeout", "t", 7, "2026-01-01T00:00:00Z"
    )
    ledger = ledgerlib.apply_once(ledgerlib.empty(), "7:1", [ledgerlib.occurred(occurrence)])
    again = ledgerlib.apply_once(ledger, "7:1", [ledgerlib.occurred(occurrence)])
    assert again["fingerprints"]["fp1"]["occurrences"] == 1


def test_recovery_time_and_rates() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ledger = ledgerlib.empty()
    ledger = ledgerlib.apply_once(
        ledger, "1:1", [ledgerlib.rerun_requested(1, 1, ["fp"], format_time(start))]
    )
    ledger = ledgerlib.apply_once(
        ledger,
        "1:2",
        [ledgerlib.attempt_finished(1, 2, True, format_time(start + timedelta(minutes=6)))],
    )
    (recovery,) = ledger["recoveries"]
    assert recovery == {
        "how": "rerun", "fingerprints": ["fp"], "at": "2026-01-01T00:06:00Z",
        "run": 1, "attempt": 2, "seconds": 360,
    }  # fmt: skip
    stats = compute(ledger, start)
    (entry,) = stats["fingerprints"]
    assert (entry["reruns"], entry["recoveries"], entry["mean_seconds_to_recovery"]) == (1, 1, 360)
    assert stats["totals"]["rerun_success"] == 1.0


def test_damaged_ledger_starts_fresh() -> None:
    assert ledgerlib.loads("{not json")["fingerprints"] == {}
    assert ledgerlib.loads(json.dumps({"schema_version": 99}))["fingerprints"] == {}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param({"fingerprints": {"a": {"occurrences": "three"}}}, id="count-as-text"),
        pytest.param({"fingerprints": {"a": {"issue": "#12"}}}, id="issue-as-text"),
        pytest.param({"pending_reruns": {"9": {"attempt": "2"}}}, id="attempt-as-text"),
        pytest.param({"runs": [9]}, id="run-key-as-number"),
        pytest.param({"fingerprints": []}, id="table-as-list"),
        pytest.param({"dashboard_issue": "x"}, id="dashboard-as-text"),
        pytest.param({"recoveries": ["run 9"]}, id="recovery-as-text"),
    ],
)
def test_a_wrong_typed_value_starts_fresh_and_keeps_the_damaged_text(edit: dict) -> None:
    text = json.dumps({**ledgerlib.empty(), **edit})
    fresh = ledgerlib.loads(text)
    assert fresh["fingerprints"] == {} and fresh[ledgerlib.DAMAGED_KEY] == text
    assert ledgerlib.history(fresh) == {}  # what the plan reads works
    assert ledgerlib.replaced_damaged(text, fresh)
    # The next ledger, stored with the damaged text inside, is no longer "replaced".
    stored = ledgerlib.dumps(fresh)
    assert not ledgerlib.replaced_damaged(stored, ledgerlib.loads(stored))
    assert not ledgerlib.replaced_damaged("", ledgerlib.loads(""))


def test_a_valid_ledger_round_trips() -> None:
    ledger = ledgerlib.apply_once(ledgerlib.empty(), "1:1", [ledgerlib.tracked("a", issue=3)])
    assert ledgerlib.loads(ledgerlib.dumps(ledger)) == ledger


def test_a_merged_fix_is_a_recovery_recorded_once() -> None:
    ledger = ledgerlib.apply_once(
        ledgerlib.empty(), "1:1", [ledgerlib.tracked("fp", pull_request=7)]
    )
    merged = ledgerlib.pull_request_closed("fp", 7, True, "2026-01-02T00:00:00Z")
    ledger = ledgerlib.apply_once(ledger, "2:1", [merged])
    ledger = ledgerlib.apply_once(ledger, "3:1", [merged])  # seen closed again
    assert ledger["recoveries"] == [
        {"how": "fix_pr", "fingerprints": ["fp"], "at": "2026-01-02T00:00:00Z", "pull_request": 7}
    ]
    closed = ledgerlib.apply_once(
        ledgerlib.apply_once(ledgerlib.empty(), "1:1", [ledgerlib.tracked("fp", pull_request=8)]),
        "2:1",
        [ledgerlib.pull_request_closed("fp", 8, False, "2026-01-02T00:00:00Z")],
    )
    assert closed["recoveries"] == [] and closed["fingerprints"]["fp"]["fix_prs_closed"] == 1


def test_a_ledger_from_before_recoveries_were_kept_is_valid() -> None:
    old = {key: value for key, value in ledgerlib.empty().items() if key != "recoveries"}
    loaded = ledgerlib.loads(json.dumps(old))
    assert ledgerlib.DAMAGED_KEY not in loaded and loaded["recoveries"] == []

"""The learning ledger: what happened to each failure fingerprint over time (pure).

Occurrences, reruns and whether they cured it, fix PRs opened, merged and closed, the
issue that tracks it, first and last seen, and time to recovery. autorecover reads it to
decide (the rerun circuit breaker) and writes it after acting; `stats.py` and the
dashboard summarise it.

Updates are expressed as functions of the ledger (`Update`), so that when a concurrent
run changed the stored copy first, the same updates are re-applied to the fresh copy
(see statestore.py): no update is lost. Each run's updates are recorded once per
(run id, attempt), so a redelivered event does not count twice.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from autorecover.constants import parse_time
from autorecover.core.models import History

SCHEMA_VERSION = 1
MAX_RUNS_REMEMBERED = 500
MAX_RECENT = 200
MAX_RECOVERIES = 50

Ledger = dict[str, Any]
Update = Callable[[Ledger], None]


def empty() -> Ledger:
    return {
        "schema_version": SCHEMA_VERSION,
        "fingerprints": {},
        "pending_reruns": {},
        "runs": [],
        "recent": [],
        "recoveries": [],
    }


DAMAGED_KEY = "damaged"  # the text of a ledger that did not validate, kept for a person
MAX_DAMAGED_CHARS = 64_000
_COUNTS = ("occurrences", "reruns", "recoveries", "recovery_seconds", "fix_prs_opened",
           "fix_prs_merged", "fix_prs_closed")  # fmt: skip
_NUMBERS = ("issue", "pull_request", "last_run", "dashboard_issue")


def _valid(data: Any) -> bool:
    """Every value autorecover reads has the type it expects (a person may edit the file)."""
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        return False
    fingerprints, pending = data.get("fingerprints", {}), data.get("pending_reruns", {})
    if not isinstance(fingerprints, dict) or not isinstance(pending, dict):
        return False
    for value in fingerprints.values():
        if not isinstance(value, dict):
            return False
        if any(not isinstance(value.get(k, 0), int) or isinstance(value.get(k, 0), bool)
               for k in _COUNTS):  # fmt: skip
            return False
        if any(value.get(k) is not None and not isinstance(value.get(k), int) for k in _NUMBERS):
            return False
    for value in pending.values():
        if not isinstance(value, dict) or not isinstance(value.get("attempt", 0), int):
            return False
        if not isinstance(value.get("fingerprints", []), list):
            return False
    runs, recent = data.get("runs", []), data.get("recent", [])
    if not isinstance(runs, list) or not all(isinstance(r, str) for r in runs):
        return False
    for records in (recent, data.get("recoveries", [])):
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return False
    reports = data.get("fork_reports", [])
    if not isinstance(reports, list) or not all(isinstance(r, str) for r in reports):
        return False
    claims = data.get("claims", {})
    # No longer written (the dashboard is found by its marker); ledgers from before carry it.
    dashboard = data.get("dashboard_issue")
    return isinstance(claims, dict) and (dashboard is None or isinstance(dashboard, int))


def loads(text: str) -> Ledger:
    """Parse a stored ledger. A damaged or foreign file starts a fresh one, which keeps the
    damaged text under `damaged` for a person to look at: the ledger is a cache of history,
    never a source of truth for safety decisions, and one bad value must not stop every
    later run."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not _valid(data):
        fresh = empty()
        if text.strip():
            fresh[DAMAGED_KEY] = text[:MAX_DAMAGED_CHARS]
        return fresh
    fresh = empty()
    for key, default in fresh.items():
        if key not in data:
            data[key] = default
    return dict(data)


def replaced_damaged(text: str, ledger: Ledger) -> bool:
    """Whether `ledger` is the fresh one `loads(text)` made because `text` was damaged."""
    return bool(text.strip()) and ledger.get(DAMAGED_KEY) == text[:MAX_DAMAGED_CHARS]


def dumps(ledger: Ledger) -> str:
    return json.dumps(ledger, indent=1, sort_keys=True) + "\n"


def entry(ledger: Ledger, fingerprint: str) -> dict[str, Any]:
    fingerprints: dict[str, dict[str, Any]] = ledger["fingerprints"]
    return fingerprints.setdefault(
        fingerprint,
        {
            "category": "",
            "rule": "",
            "title": "",
            "occurrences": 0,
            "reruns": 0,
            "recoveries": 0,
            "recovery_seconds": 0,
            "fix_prs_opened": 0,
            "fix_prs_merged": 0,
            "fix_prs_closed": 0,
            "first_seen": None,
            "last_seen": None,
            "issue": None,
            "pull_request": None,
            "last_run": None,
        },
    )


def history(ledger: Ledger) -> dict[str, History]:
    return {
        fingerprint: History(
            occurrences=int(data.get("occurrences", 0)),
            reruns=int(data.get("reruns", 0)),
            recoveries=int(data.get("recoveries", 0)),
        )
        for fingerprint, data in ledger.get("fingerprints", {}).items()
    }


def pending_attempt(ledger: Ledger, run_id: int) -> int | None:
    """The attempt autorecover reran for `run_id`, if a rerun of it is pending."""
    pending = ledger.get("pending_reruns", {}).get(str(run_id))
    return int(pending.get("attempt", 0)) if pending else None


def reran_fingerprints(ledger: Ledger, run_id: int, attempt: int) -> frozenset[str]:
    """What autorecover reran for an earlier attempt of this run (so this attempt is the
    rerun's result)."""
    pending = ledger.get("pending_reruns", {}).get(str(run_id))
    if not pending or int(pending.get("attempt", 0)) >= attempt:
        return frozenset()
    return frozenset(str(f) for f in pending.get("fingerprints", []))


MAX_FORK_REPORTS = 200


def fork_reported(at: str) -> Update:
    """An issue opened or commented on about a fork's run: counted for the hourly budget."""

    def update(ledger: Ledger) -> None:
        reports: list[str] = ledger.setdefault("fork_reports", [])
        reports.append(at)
        del reports[:-MAX_FORK_REPORTS]

    return update


def fork_reports_since(ledger: Ledger, since: datetime) -> int:
    reports = ledger.get("fork_reports", [])
    return (
        sum(1 for at in reports if (moment := parse_time(at)) is not None and moment >= since)
        if isinstance(reports, list)
        else 0
    )


@dataclass(frozen=True)
class Occurrence:
    fingerprint: str
    category: str
    rule: str
    title: str
    run_id: int
    seen_at: str


def apply_once(ledger: Ledger, run_key: str, updates: Iterable[Update]) -> Ledger:
    """A copy of `ledger` with `updates` applied, unless this run was already recorded."""
    out = copy.deepcopy(ledger)
    runs: list[str] = out["runs"]
    if run_key in runs:
        return out
    for update in updates:
        update(out)
    runs.append(run_key)
    del runs[:-MAX_RUNS_REMEMBERED]
    return out


def occurred(occurrence: Occurrence) -> Update:
    def update(ledger: Ledger) -> None:
        data = entry(ledger, occurrence.fingerprint)
        data.update(
            category=occurrence.category,
            rule=occurrence.rule,
            title=occurrence.title,
            last_seen=occurrence.seen_at,
            last_run=occurrence.run_id,
        )
        data["occurrences"] += 1
        data["first_seen"] = data["first_seen"] or occurrence.seen_at
        recent: list[dict[str, Any]] = ledger["recent"]
        recent.append(
            {
                "fingerprint": occurrence.fingerprint,
                "category": occurrence.category,
                "at": occurrence.seen_at,
                "run": occurrence.run_id,
            }
        )
        del recent[:-MAX_RECENT]

    return update


class Cure(StrEnum):
    """How a failure recovered (the dashboard's recent recoveries)."""

    RERUN = "rerun"
    FIX_PR = "fix_pr"


def _recovered(
    ledger: Ledger, how: Cure, fingerprints: list[str], at: str, details: dict[str, Any]
) -> None:
    recoveries: list[dict[str, Any]] = ledger.setdefault("recoveries", [])
    recoveries.append({"how": str(how), "fingerprints": fingerprints, "at": at, **details})
    del recoveries[:-MAX_RECOVERIES]


def rerun_requested(run_id: int, attempt: int, fingerprints: list[str], at: str) -> Update:
    def update(ledger: Ledger) -> None:
        for fingerprint in fingerprints:
            entry(ledger, fingerprint)["reruns"] += 1
        ledger["pending_reruns"][str(run_id)] = {
            "fingerprints": fingerprints,
            "attempt": attempt,
            "requested_at": at,
        }

    return update


def attempt_finished(run_id: int, attempt: int, succeeded: bool, at: str) -> Update:
    """The attempt after one autorecover reran finished: a success is a recovery."""

    def update(ledger: Ledger) -> None:
        pending = ledger["pending_reruns"].get(str(run_id))
        if not pending or int(pending.get("attempt", 0)) >= attempt:
            return
        del ledger["pending_reruns"][str(run_id)]
        if not succeeded:
            return
        started = parse_time(pending.get("requested_at"))
        finished = parse_time(at)
        seconds = int((finished - started).total_seconds()) if started and finished else 0
        for fingerprint in pending.get("fingerprints", []):
            data = entry(ledger, fingerprint)
            data["recoveries"] += 1
            data["recovery_seconds"] += max(seconds, 0)
        cured = {"run": run_id, "attempt": attempt, "seconds": max(seconds, 0)}
        _recovered(ledger, Cure.RERUN, list(pending.get("fingerprints", [])), at, cured)

    return update


CLAIM_SECONDS = 600
DASHBOARD_CLAIM = "dashboard"  # the claim on opening the dashboard issue


def claim(fingerprint: str, owner: str, at: str) -> Update:
    """Claim the right to open the issue (or dashboard) for `fingerprint`: concurrent runs
    that find no issue would otherwise both create one. A claim older than ten minutes
    (its run died) can be taken over."""

    def update(ledger: Ledger) -> None:
        claims: dict[str, dict[str, str]] = ledger.setdefault("claims", {})
        current = claims.get(fingerprint)
        started = parse_time(current.get("at")) if current else None
        now = parse_time(at)
        stale = started is None or now is None or (now - started).total_seconds() > CLAIM_SECONDS
        if current is None or stale:
            claims[fingerprint] = {"by": owner, "at": at}

    return update


def release(fingerprint: str, owner: str) -> Update:
    """The claimed issue exists now (or was not made): later runs find it by listing."""

    def update(ledger: Ledger) -> None:
        claims: dict[str, dict[str, str]] = ledger.setdefault("claims", {})
        if claims.get(fingerprint, {}).get("by") == owner:
            del claims[fingerprint]

    return update


def claimed_by(ledger: Ledger, fingerprint: str) -> str | None:
    current = ledger.get("claims", {}).get(fingerprint)
    return str(current["by"]) if isinstance(current, dict) and "by" in current else None


def tracked(
    fingerprint: str, *, issue: int | None = None, pull_request: int | None = None
) -> Update:
    def update(ledger: Ledger) -> None:
        data = entry(ledger, fingerprint)
        if issue is not None:
            data["issue"] = issue
        if pull_request is not None:
            if data.get("pull_request") != pull_request:
                data["fix_prs_opened"] += 1
            data["pull_request"] = pull_request

    return update


def pull_request_closed(fingerprint: str, number: int, merged: bool, at: str = "") -> Update:
    """Record a fix PR's end once (the dashboard refresh sees it closed or merged); a
    merged one is a recovery."""

    def update(ledger: Ledger) -> None:
        data = entry(ledger, fingerprint)
        if data.get("pull_request") != number:
            return
        data["fix_prs_merged" if merged else "fix_prs_closed"] += 1
        data["pull_request"] = None
        if merged:
            _recovered(ledger, Cure.FIX_PR, [fingerprint], at, {"pull_request": number})

    return update

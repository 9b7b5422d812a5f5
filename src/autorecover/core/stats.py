"""Recovery statistics from the ledger (pure): what the dashboard issue shows and what
`autorecover stats` prints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from autorecover.constants import format_time, parse_time
from autorecover.core import ledger as ledgerlib
from autorecover.core.ledger import Ledger

RECENT_DAYS = 30


def compute(ledger: Ledger, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    since = now - timedelta(days=RECENT_DAYS)
    recent: Counter[str] = Counter()
    for item in ledger.get("recent", []):
        seen = parse_time(item.get("at"))
        if seen is None or seen >= since:
            recent[str(item.get("category") or "unknown")] += 1
    fingerprints = []
    reruns = recoveries = seconds = 0
    for fingerprint, data in sorted(
        ledger.get("fingerprints", {}).items(),
        key=lambda item: (-int(item[1].get("occurrences", 0)), item[0]),
    ):
        r, ok = int(data.get("reruns", 0)), int(data.get("recoveries", 0))
        secs = int(data.get("recovery_seconds", 0))
        reruns, recoveries, seconds = reruns + r, recoveries + ok, seconds + secs
        fingerprints.append(
            {
                "fingerprint": fingerprint,
                "title": data.get("title") or "",
                "category": data.get("category") or "",
                "rule": data.get("rule") or "",
                "occurrences": int(data.get("occurrences", 0)),
                "reruns": r,
                "recoveries": ok,
                "rerun_success": round(ok / r, 3) if r else None,
                "mean_seconds_to_recovery": round(secs / ok) if ok else None,
                "fix_prs_opened": int(data.get("fix_prs_opened", 0)),
                "fix_prs_merged": int(data.get("fix_prs_merged", 0)),
                "fix_prs_closed": int(data.get("fix_prs_closed", 0)),
                "issue": data.get("issue"),
                "first_seen": data.get("first_seen"),
                "last_seen": data.get("last_seen"),
            }
        )
    return {
        "fingerprints": fingerprints,
        "recent_by_category": dict(recent.most_common()),
        "recent_days": RECENT_DAYS,
        "totals": {
            "failures": sum(f["occurrences"] for f in fingerprints),
            "reruns": reruns,
            "recoveries": recoveries,
            "rerun_success": round(recoveries / reruns, 3) if reruns else None,
            "mean_seconds_to_recovery": round(seconds / recoveries) if recoveries else None,
            "fix_prs_opened": sum(f["fix_prs_opened"] for f in fingerprints),
            "fix_prs_merged": sum(f["fix_prs_merged"] for f in fingerprints),
        },
        "pending_reruns": len(ledger.get("pending_reruns", {})),
    }


def ledger_from_reports(reports: Iterable[Mapping[str, Any]]) -> Ledger:
    """Replay JSON reports of the action (oldest first) into a ledger, for local stats."""
    ledger = ledgerlib.empty()
    ordered = sorted(reports, key=lambda r: ((r.get("run") or {}).get("id", 0), _attempt(r)))
    for report in ordered:
        run = report.get("run") or {}
        if not run:
            continue
        key = f"{run.get('id')}:{run.get('attempt')}"
        at = str(report.get("finished_at") or format_time())
        updates = [
            ledgerlib.attempt_finished(
                int(run["id"]), int(run.get("attempt") or 1), run.get("conclusion") == "success", at
            )
        ]
        seen: set[str] = set()  # once per run, as the action counts (dispatch.execute)
        for job in report.get("jobs", []):
            diagnosis = job.get("diagnosis")
            if diagnosis and diagnosis.get("action") != "none":
                if diagnosis["fingerprint"] in seen:
                    continue
                seen.add(diagnosis["fingerprint"])
                updates.append(
                    ledgerlib.occurred(
                        ledgerlib.Occurrence(
                            diagnosis["fingerprint"],
                            diagnosis["category"],
                            diagnosis.get("rule") or "",
                            diagnosis.get("title") or "",
                            int(run["id"]),
                            at,
                        )
                    )
                )
        for outcome in report.get("outcomes", []):
            tracked = _tracked(outcome)
            if tracked is not None:
                updates.append(tracked)
            if outcome.get("action") == "rerun" and outcome.get("status") == "done":
                fingerprints = [
                    (job.get("diagnosis") or {}).get("fingerprint")
                    for job in report.get("jobs", [])
                    if job.get("id") in outcome.get("jobs", [])
                ]
                updates.append(
                    ledgerlib.rerun_requested(
                        int(run["id"]),
                        int(run.get("attempt") or 1),
                        [f for f in fingerprints if f],
                        at,
                    )
                )
        ledger = ledgerlib.apply_once(ledger, key, updates)
    return ledger


def _tracked(outcome: Mapping[str, Any]) -> ledgerlib.Update | None:
    """The issue or fix PR a done outcome names by its URL (…/issues/3, …/pull/7)."""
    if outcome.get("status") != "done" or not outcome.get("fingerprint"):
        return None
    tail = str(outcome.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
    if not tail.isdigit():
        return None
    if outcome.get("action") == "fix_pr":
        return ledgerlib.tracked(str(outcome["fingerprint"]), pull_request=int(tail))
    if outcome.get("action") == "issue":
        return ledgerlib.tracked(str(outcome["fingerprint"]), issue=int(tail))
    return None


def _attempt(report: Mapping[str, Any]) -> int:
    return int((report.get("run") or {}).get("attempt") or 0)


def render_text(stats: Mapping[str, Any]) -> str:
    totals = stats["totals"]
    rate = totals["rerun_success"]
    mean = totals["mean_seconds_to_recovery"]
    lines = [
        f"failures recorded     {totals['failures']}",
        f"reruns                {totals['reruns']} ({totals['recoveries']} recovered"
        + (f", {rate:.0%}" if rate is not None else "")
        + ")",
        f"time to recovery      {duration(mean)}",
        f"fix PRs               {totals['fix_prs_opened']} opened, "
        f"{totals['fix_prs_merged']} merged",
        "",
        f"last {stats['recent_days']} days by category: "
        + (", ".join(f"{k} {v}" for k, v in stats["recent_by_category"].items()) or "none"),
        "",
        f"{'fingerprint':<17} {'category':<20} {'seen':>5} {'reruns':>7} {'cured':>6}  title",
    ]
    for f in stats["fingerprints"]:
        lines.append(
            f"{f['fingerprint']:<17} {f['category']:<20} {f['occurrences']:>5} "
            f"{f['reruns']:>7} {f['recoveries']:>6}  {f['title'][:60]}"
        )
    return "\n".join(lines) + "\n"


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"

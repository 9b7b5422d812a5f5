"""What the dashboard issue lists (pure): autorecover's open issues grouped by category,
its open fix pull requests, the failures it reran and how often that cured them, and the
recent recoveries, from the tracker's listing and the ledger (docs/dashboard.md).

Counts are per run: a matrix run whose jobs fail alike is one occurrence (dispatch
records one per fingerprint and attempt). Everything here is ordered deterministically,
so an unchanged repository renders an unchanged body and the issue is not rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from autorecover.constants import CATEGORY_LABEL, marked_fingerprint, parse_time
from autorecover.core.ledger import Cure, Ledger
from autorecover.core.models import Category
from autorecover.core.stats import duration
from autorecover.core.tracker import Item

RECENT_RECOVERIES = 10
RECOVERY_DAYS = 30
UNKNOWN = str(Category.UNKNOWN)
_CURES = frozenset(str(cure) for cure in Cure)


@dataclass(frozen=True, slots=True)
class IssueRow:
    item: Item
    fingerprint: str
    title: str  # the failure, as the ledger knows it ("" when it does not)
    occurrences: int  # failing runs (attempts) recorded
    last_seen: str  # "2026-12-04 19:58 UTC", or "" when unknown


@dataclass(frozen=True, slots=True)
class Group:
    """The open issues of one category."""

    category: str
    issues: tuple[IssueRow, ...]

    @property
    def occurrences(self) -> int:
        return sum(row.occurrences for row in self.issues)

    @property
    def last_seen(self) -> str:
        return max((row.last_seen for row in self.issues), default="")


@dataclass(frozen=True, slots=True)
class PullRow:
    item: Item
    fixes: str  # the failure's title from the ledger ("" when it does not know it)
    category: str


@dataclass(frozen=True, slots=True)
class Recovery:
    at: str
    how: Cure
    titles: tuple[str, ...]
    run: int | None = None
    attempt: int | None = None
    pull_request: int | None = None
    took: str = ""  # from the rerun to the passing attempt ("4 min")


def when(stamp: Any) -> str:
    moment = parse_time(stamp)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _category_of(item: Item, known: str) -> str:
    if known:
        return known
    prefix = CATEGORY_LABEL.format("")
    values = {str(c) for c in Category}
    for label in item.labels:
        if label.startswith(prefix) and label[len(prefix) :] in values:
            return label[len(prefix) :]
    return UNKNOWN


def issue_groups(
    issues: Sequence[Item], fingerprints: Mapping[str, Mapping[str, Any]]
) -> tuple[Group, ...]:
    """Open issues by category; the category seen last first, then by name. Issues a person
    silenced (`silenced`) are not among them."""
    by_category: dict[str, list[IssueRow]] = {}
    for item in issues:
        if item.silenced:
            continue
        fingerprint = marked_fingerprint(item.body) or ""
        data = fingerprints.get(fingerprint, {})
        row = IssueRow(
            item,
            fingerprint,
            str(data.get("title") or ""),
            int(data.get("occurrences") or 0),
            when(data.get("last_seen")),
        )
        by_category.setdefault(_category_of(item, str(data.get("category") or "")), []).append(row)
    groups = [
        Group(
            category, tuple(sorted(rows, key=lambda r: (r.last_seen, r.item.number), reverse=True))
        )
        for category, rows in by_category.items()
    ]
    groups.sort(key=lambda g: g.category)
    groups.sort(key=lambda g: g.last_seen, reverse=True)
    return tuple(groups)


def silenced(issues: Sequence[Item]) -> tuple[Item, ...]:
    """Open issues a person silenced with the ignore label: named, not listed as problems."""
    return tuple(sorted((item for item in issues if item.silenced), key=lambda i: i.number))


def pull_rows(
    pulls: Sequence[Item], fingerprints: Mapping[str, Mapping[str, Any]]
) -> tuple[PullRow, ...]:
    rows = []
    for item in sorted(pulls, key=lambda i: i.number, reverse=True):
        data = fingerprints.get(marked_fingerprint(item.body) or "", {})
        category = _category_of(item, str(data.get("category") or ""))
        rows.append(PullRow(item, str(data.get("title") or ""), category))
    return tuple(rows)


def flaky(stats: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Failures autorecover reran, the most reruns first (ties: the fingerprint)."""
    reran = [f for f in stats["fingerprints"] if f["reruns"]]
    return sorted(reran, key=lambda f: (-f["reruns"], f["fingerprint"]))


def recoveries(ledger: Ledger, now: datetime) -> tuple[Recovery, ...]:
    """Recoveries of the last 30 days, newest first: a run that passed after a rerun, a
    fix pull request that was merged."""
    since = now - timedelta(days=RECOVERY_DAYS)
    fingerprints = ledger.get("fingerprints", {})
    found = []
    for record in reversed(ledger.get("recoveries", [])):
        at = parse_time(record.get("at"))
        if at is None or at < since or record.get("how") not in _CURES:
            continue
        titles = tuple(
            str(fingerprints.get(f, {}).get("title") or f[:8])
            for f in record.get("fingerprints", [])
        )
        found.append(
            Recovery(
                when(record.get("at")),
                Cure(record["how"]),
                titles,
                _number(record.get("run")),
                _number(record.get("attempt")),
                _number(record.get("pull_request")),
                duration(_number(record.get("seconds"))),
            )
        )
        if len(found) == RECENT_RECOVERIES:
            break
    return tuple(found)


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None

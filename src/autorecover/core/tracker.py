"""What autorecover has open on GitHub: its issues and pull requests, as typed records.

GitHub's issue list returns issues and pull requests together (a pull request carries a
`pull_request` object); the adapter (adapters/github/issues.py) turns each item into an
`Item`, and every question about them ("is there an issue for this fingerprint?", "which
fix PRs are open?") is answered here, from the hidden markers in their bodies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from autorecover.constants import (
    DASHBOARD_MARKER,
    FINGERPRINT_MARKER_RE,
    IGNORE_LABEL,
    OCCURRENCES_END,
    OCCURRENCES_START,
    SEEN_MARKER_RE,
    SEEN_MARKER_WINDOW,
    Seen,
    fingerprint_marker,
    parse_time,
)


@dataclass(frozen=True, slots=True)
class Item:
    """One issue or pull request from GitHub's issue list."""

    number: int
    title: str
    body: str
    state: str  # open | closed
    html_url: str
    closed_at: str = ""
    is_pull: bool = False
    merged: bool = False
    labels: tuple[str, ...] = ()
    # Why it was closed: "completed" or "not_planned" (null for old issues; "reopened" once
    # reopened): https://docs.github.com/en/rest/issues/issues#update-an-issue
    state_reason: str = ""

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Item:
        pull = data.get("pull_request")
        return cls(
            number=int(data["number"]),
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            state=str(data.get("state") or ""),
            html_url=str(data.get("html_url") or ""),
            closed_at=str(data.get("closed_at") or ""),
            is_pull=pull is not None,
            merged=isinstance(pull, dict) and bool(pull.get("merged_at")),
            labels=_label_names(data.get("labels")),
            state_reason=str(data.get("state_reason") or ""),
        )

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def silenced(self) -> bool:
        """A person added the label that silences this failure (GitHub's label names are
        case-insensitive)."""
        return IGNORE_LABEL.lower() in {label.lower() for label in self.labels}


def _label_names(labels: Any) -> tuple[str, ...]:
    """GitHub answers labels as objects with a `name` (or, in a request, as strings)."""
    if not isinstance(labels, list):
        return ()
    names = (label.get("name") if isinstance(label, dict) else label for label in labels)
    return tuple(str(name) for name in names if name)


def closed_recently(item: Item, cooldown_days: float, now: datetime) -> bool:
    """Closed by a person (autorecover never closes issues) within the cooldown; an
    unreadable close time counts as recent (be quiet)."""
    if item.state != "closed":
        return False
    when = parse_time(item.closed_at)
    return when is None or now - when < timedelta(days=cooldown_days)


def next_seen(
    previous: Seen | None, entry: Mapping[str, Any], stamp: str, comment: bool, run: str = ""
) -> Seen:
    """One more occurrence at `stamp` in `run` (and a comment, if `comment`); an issue
    without a marker, opened before it existed, starts from the ledger's count."""
    count = previous.count + 1 if previous else max(int(entry.get("occurrences") or 0), 2)
    commented = stamp if comment else (previous.commented if previous else "")
    return Seen(count, stamp, commented, run)


def with_seen(body: str, seen: Seen) -> str:
    """`body` with its seen marker set to `seen`: replaced where it is, else put on the line
    after the fingerprint marker, at the top where cutting a long body never reaches."""
    marker = seen.marker()
    head = body[:SEEN_MARKER_WINDOW]
    if SEEN_MARKER_RE.search(head):
        return SEEN_MARKER_RE.sub(lambda _: marker, head, count=1) + body[SEEN_MARKER_WINDOW:]
    found = FINGERPRINT_MARKER_RE.search(head)
    if found is None:
        return f"{marker}\n{body}"
    return f"{body[: found.end()]}\n{marker}{body[found.end() :]}"


def with_section(body: str, section: str) -> str | None:
    """`body` with its occurrences section replaced by `section` (which carries the
    delimiters itself); None when the body has none (a template without it). The last
    pair counts: the section follows the evidence, which may spell the delimiters too."""
    end = body.rfind(OCCURRENCES_END)
    start = body.rfind(OCCURRENCES_START, 0, end) if end >= 0 else -1
    if start < 0:
        return None
    new_start = section.find(OCCURRENCES_START)
    new_end = section.find(OCCURRENCES_END, new_start + 1) if new_start >= 0 else -1
    if new_start < 0 or new_end < 0:
        return None
    inner = section[new_start : new_end + len(OCCURRENCES_END)]
    return body[:start] + inner + body[end + len(OCCURRENCES_END) :]


@dataclass(frozen=True)
class Tracker:
    """Issues and pull requests carrying autorecover's label, newest first, listed once."""

    items: tuple[Item, ...] = field(default_factory=tuple)

    def merged(self, written: Sequence[Item]) -> Tracker:
        """The listing with this run's own creations in it: a listing taken before them
        does not hold them, and one taken after may lag behind a create."""
        numbers = {item.number for item in written}
        newest = sorted(written, key=lambda item: item.number, reverse=True)
        kept = tuple(item for item in self.items if item.number not in numbers)
        return Tracker((*newest, *kept))

    def with_marker(self, text: str, *, pulls: bool = False) -> list[Item]:
        return [item for item in self.items if text in item.body and item.is_pull == pulls]

    def for_fingerprint(self, fingerprint: str) -> list[Item]:
        return self.with_marker(fingerprint_marker(fingerprint))

    def open_pulls(self) -> list[Item]:
        return [item for item in self.items if item.is_pull and item.is_open]

    def open_issues(self) -> list[Item]:
        return [
            item
            for item in self.items
            if not item.is_pull and item.is_open and DASHBOARD_MARKER not in item.body
        ]

    def dashboards(self) -> list[Item]:
        return self.with_marker(DASHBOARD_MARKER)

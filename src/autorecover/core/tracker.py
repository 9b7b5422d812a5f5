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

from autorecover.constants import DASHBOARD_MARKER, fingerprint_marker, parse_time


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
        )

    @property
    def is_open(self) -> bool:
        return self.state == "open"


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

"""One issue per failure fingerprint: find it, create it, or note a recurrence on it.

Found through the list endpoint by label and hidden body marker, never through search
(its index lags, which is how other bots open duplicates: getsentry/sentry-cocoa#8144).
A create that fails with a 5xx is reconciled (listed again) before it is retried once
(security.md R2, T25). Bodies are rendered from sandboxed templates, redacted and capped;
a 422 "body is too long" gets one retry with a shorter excerpt (T46).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from autorecover import mdsafe
from autorecover.github import GitHub, GitHubError, Uncertain

FINGERPRINT_MARKER = "<!-- autorecover:fingerprint={} -->"
DASHBOARD_MARKER = "<!-- autorecover:dashboard -->"
MAX_PAGES = 5
LABEL_COLORS = {
    "critical": "b60205",
    "high": "d93f0b",
    "medium": "fbca04",
    "low": "c2e0c6",
}


def marker(fingerprint: str) -> str:
    return FINGERPRINT_MARKER.format(fingerprint)


@dataclass
class Tracker:
    """What autorecover has open (issues and PRs carry the bot's label), listed once."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def with_marker(self, text: str, *, pulls: bool = False) -> list[dict[str, Any]]:
        return [
            item
            for item in self.items
            if text in str(item.get("body") or "") and ("pull_request" in item) == pulls
        ]

    def open_pulls(self) -> list[dict[str, Any]]:
        return [i for i in self.items if "pull_request" in i and i.get("state") == "open"]

    def open_issues(self) -> list[dict[str, Any]]:
        return [
            i
            for i in self.items
            if "pull_request" not in i
            and i.get("state") == "open"
            and DASHBOARD_MARKER not in str(i.get("body") or "")
        ]


@dataclass(frozen=True)
class IssueResult:
    status: str  # created | commented | cooldown | forbidden | failed
    number: int | None
    url: str
    detail: str


Render = Callable[[int], str]  # excerpt size -> body


class Issues:
    def __init__(self, client: GitHub, label: str = "autorecover") -> None:
        self.client = client
        self.label = label
        self._labels: set[str] | None = None

    # -- finding ---------------------------------------------------------------------------

    def fetch(self) -> Tracker:
        """Issues and PRs carrying our label, newest first (bounded pages)."""
        items: list[dict[str, Any]] = []
        params = {"labels": self.label, "state": "all", "sort": "created", "direction": "desc"}
        for page, item in enumerate(
            self.client.paginate(f"{self.client.repo_path}/issues", params)
        ):
            items.append(item)
            if page >= MAX_PAGES * 100:
                break
        return Tracker(items)

    # -- writing ---------------------------------------------------------------------------

    def ensure_labels(self, labels: Mapping[str, str]) -> None:
        """Create the labels that are missing, with a colour and a description."""
        if self._labels is None:
            self._labels = {
                str(item.get("name"))
                for item in self.client.paginate(f"{self.client.repo_path}/labels")
            }
        for name, description in labels.items():
            if name in self._labels:
                continue
            severity = name.rsplit(":", 1)[-1].strip()
            try:
                self.client.request(
                    "POST",
                    f"{self.client.repo_path}/labels",
                    body={
                        "name": name,
                        "color": LABEL_COLORS.get(severity, "ededed"),
                        "description": description[:100],
                    },
                )
            except GitHubError as exc:
                if exc.status != 422:  # 422: it exists (created concurrently)
                    raise
            self._labels.add(name)

    def create(
        self,
        fingerprint: str,
        title: str,
        render: Render,
        labels: list[str],
        assignees: list[str],
    ) -> dict[str, Any]:
        """POST the issue; on an uncertain outcome, look before trying once more."""
        body: dict[str, Any] = {
            "title": mdsafe.cap(title, 250),
            "labels": labels,
        }
        if assignees:
            body["assignees"] = assignees
        for attempt in (1, 2):
            try:
                return self._post_with_shrinking(f"{self.client.repo_path}/issues", body, render)
            except Uncertain:
                found = self.fetch().with_marker(marker(fingerprint))
                if found:
                    return found[0]
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def comment(self, number: int, render: Render) -> dict[str, Any]:
        # Not retried after an uncertain outcome (R2): the next recurrence notes itself.
        path = f"{self.client.repo_path}/issues/{number}/comments"
        return self._post_with_shrinking(path, {}, render)

    def _post_with_shrinking(
        self, path: str, body: dict[str, Any], render: Render
    ) -> dict[str, Any]:
        """POST a rendered body; on 422 "body is too long" once more with a short excerpt
        and half the length (GitHub's count can exceed ours, T46). Markers sit at the top
        of every body, so cutting the tail never loses them."""
        text = render(40)
        try:
            data: dict[str, Any] = self.client.request(
                "POST", path, body={**body, "body": text}
            ).data
            return data
        except GitHubError as exc:
            if exc.status != 422 or "too long" not in str(exc).lower():
                raise
        shorter = mdsafe.cap_body(render(5), max(len(text) // 2, 1000)).text
        retried: dict[str, Any] = self.client.request(
            "POST", path, body={**body, "body": shorter}
        ).data
        return retried

    def update_body(self, number: int, body: str) -> dict[str, Any]:
        response = self.client.request(
            "PATCH", f"{self.client.repo_path}/issues/{number}", body={"body": body}
        )
        data: dict[str, Any] = response.data
        return data


def closed_recently(item: Mapping[str, Any], cooldown_days: float, now: datetime) -> bool:
    """Closed by a person (autorecover never closes issues) within the cooldown."""
    if item.get("state") != "closed":
        return False
    closed = str(item.get("closed_at") or "")
    try:
        when = datetime.strptime(closed, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return True  # unknown: be quiet
    return now - when < timedelta(days=cooldown_days)

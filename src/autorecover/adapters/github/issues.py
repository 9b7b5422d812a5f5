"""Issues on GitHub: list autorecover's own, create labels, open one, comment, edit a body.

Found through the list endpoint by label and hidden body marker, never through search
(its index lags, which is how other bots open duplicates: getsentry/sentry-cocoa#8144).
A create that fails with a 5xx is reconciled (listed again) before it is retried once
(docs/security.md#r2, #t25); a 422 "body is too long" gets one retry with a shorter
excerpt (#t46). Bodies arrive rendered, redacted and capped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autorecover.adapters.github.client import GitHub
from autorecover.adapters.github.errors import (
    BodyTooLong,
    GitHubError,
    PermissionMissing,
    Uncertain,
    Unprocessable,
)
from autorecover.constants import DEFAULT_LABEL
from autorecover.core.bodies import label_color
from autorecover.core.text import mdsafe
from autorecover.core.tracker import Item, Tracker

MAX_PAGES = 5
PER_PAGE = 100  # what client.paginate asks for
TITLE_LIMIT = 250


@dataclass(frozen=True, slots=True)
class Body:
    """A body to post, and the shorter one to post instead when GitHub finds it too long
    (its count can exceed ours, #t46). Markers sit at the top of every body, so cutting the
    tail never loses them."""

    text: str
    shorter: str = ""


class Issues:
    def __init__(self, client: GitHub, label: str = DEFAULT_LABEL) -> None:
        self.client = client
        self.label = label
        self._labels: set[str] | None = None
        self.created: list[Item] = []  # this run's own issues (the dashboard lists them)

    def fetch(self) -> Tracker:
        """Issues and PRs carrying our label, newest first (bounded pages)."""
        items: list[Item] = []
        params = {"labels": self.label, "state": "all", "sort": "created", "direction": "desc"}
        for data in self.client.paginate(f"{self.client.repo_path}/issues", params):
            items.append(Item.of(data))
            if len(items) >= MAX_PAGES * PER_PAGE:
                break  # before the next page is asked for
        return Tracker(tuple(items))

    def ensure_labels(self, labels: Mapping[str, str]) -> list[str]:
        """Create the labels that are missing, with a colour and a description. Returns
        what could not be made and why; a missing permission is raised (the issue cannot
        be opened either)."""
        failed: list[str] = []
        try:
            if self._labels is None:
                self._labels = {
                    str(item.get("name"))
                    for item in self.client.paginate(f"{self.client.repo_path}/labels")
                }
        except PermissionMissing:
            raise
        except GitHubError as exc:
            return [f"the labels could not be listed: {exc}"]
        for name, description in labels.items():
            if name in self._labels:
                continue
            body = {"name": name, "color": label_color(name), "description": description[:100]}
            try:
                with contextlib.suppress(Unprocessable):  # it exists: created concurrently
                    self.client.request("POST", f"{self.client.repo_path}/labels", body=body)
            except PermissionMissing:
                raise
            except GitHubError as exc:
                failed.append(f"{name}: {exc}")
                continue
            self._labels.add(name)
        return failed

    def create(
        self, marker: str, title: str, body: Body, labels: list[str], assignees: list[str]
    ) -> Item:
        """POST the issue; on an uncertain outcome, look for `marker` before trying once more."""
        fields: dict[str, Any] = {"title": mdsafe.cap(title, TITLE_LIMIT), "labels": labels}
        if assignees:
            fields["assignees"] = assignees
        for attempt in (1, 2):
            try:
                created = Item.of(self._post(f"{self.client.repo_path}/issues", fields, body))
            except Uncertain:
                found = self.fetch().with_marker(marker)
                if found:
                    self.created.append(found[0])
                    return found[0]
                if attempt == 2:
                    raise
            else:
                self.created.append(created)
                return created
        raise AssertionError("unreachable")

    def comment(self, number: int, body: Body) -> None:
        # Not retried after an uncertain outcome (#r2): the next recurrence notes itself.
        self._post(f"{self.client.repo_path}/issues/{number}/comments", {}, body)

    def _post(self, path: str, fields: dict[str, Any], body: Body) -> dict[str, Any]:
        """POST a body; on 422 "body is too long" once more with the shorter one, at most
        half the length."""
        try:
            data: dict[str, Any] = self.client.request(
                "POST", path, body={**fields, "body": body.text}
            ).data
            return data
        except BodyTooLong:
            pass
        shorter = mdsafe.cap_body(body.shorter or body.text, max(len(body.text) // 2, 1000)).text
        retried: dict[str, Any] = self.client.request(
            "POST", path, body={**fields, "body": shorter}
        ).data
        return retried

    def update_body(self, number: int, body: str) -> None:
        self.client.request(
            "PATCH", f"{self.client.repo_path}/issues/{number}", body={"body": body}
        )

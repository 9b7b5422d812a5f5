"""Issues on GitHub (src/autorecover/adapters/github/issues.py) against the stateful fake
GitHub: listing by label into typed Items, labels, create with reconcile on an uncertain
outcome (docs/security.md#t25), a 422 "body is too long" retried shorter (#t46), comments, edits."""

from __future__ import annotations

import random

import pytest

from autorecover.adapters.github.client import ApiSettings, GitHub
from autorecover.adapters.github.errors import PermissionMissing, Uncertain
from autorecover.adapters.github.issues import MAX_PAGES, Body, Issues
from autorecover.constants import DEFAULT_LABEL
from autorecover.core.bodies import ISSUE_EXCERPT, SHORT_EXCERPT, label_color
from autorecover.core.tracker import Item, Tracker
from testing.fakegithub import FakeGitHub, Fault

ISSUES = "/repos/{owner}/{repo}/issues"
LABELS = "/repos/{owner}/{repo}/labels"
COMMENTS = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
MARKER = "<!-- autorecover:fingerprint=abc123 -->"


class Render:
    """A body as the handlers make it: the usual excerpt, and a shorter one for a retry;
    `posted` tells which of the two a request carried."""

    def __init__(self, size: dict[int, int] | None = None, marker: str = MARKER) -> None:
        self.size = size or {}
        self.marker = marker
        self.body = Body(self.text(ISSUE_EXCERPT), self.text(SHORT_EXCERPT))

    def text(self, excerpt: int) -> str:
        filler = "evidence line\n" * self.size.get(excerpt, excerpt)
        return f"{self.marker}\n## Failure\n{filler}"

    def posted(self, bodies: list[str]) -> list[int]:
        return [ISSUE_EXCERPT if b == self.body.text else SHORT_EXCERPT for b in bodies]


@pytest.fixture
def client(fake_github: FakeGitHub) -> GitHub:
    env = fake_github.env()
    settings = ApiSettings(
        api_url=env["GITHUB_API_URL"],
        token=fake_github.token or "ghs_issues",
        repository=env["GITHUB_REPOSITORY"],
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    return GitHub(settings, sleep=lambda seconds: None, rng=random.Random(0))


@pytest.fixture
def issues(client: GitHub) -> Issues:
    return Issues(client)


def create(issues: Issues, render: Render | None = None, **kwargs: object) -> Item:
    args: dict[str, object] = {
        "marker": MARKER,
        "title": "CI failed: ModuleNotFoundError",
        "body": (render or Render()).body,
        "labels": [DEFAULT_LABEL],
        "assignees": [],
    }
    return issues.create(**{**args, **kwargs})  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- fetch


def test_fetch_returns_items_with_is_pull(fake_github: FakeGitHub, issues: Issues) -> None:
    first = fake_github.create_issue("first", body=MARKER, labels=[DEFAULT_LABEL])
    fake_github.create_issue("not ours", labels=["bug"])
    pull = fake_github.create_pull("fix", "autorecover/fix", body="<!-- autorecover:pr -->")
    fake_github.add_labels(pull.number, [DEFAULT_LABEL])
    closed = fake_github.create_issue("closed", labels=[DEFAULT_LABEL])
    fake_github.close_issue(closed.number, by="maintainer", at="2026-01-02T03:04:05Z")
    tracker = issues.fetch()
    assert isinstance(tracker, Tracker)
    assert all(isinstance(item, Item) for item in tracker.items)
    got = [(i.number, i.title, i.is_pull, i.state) for i in tracker.items]
    assert got == [  # newest first
        (closed.number, "closed", False, "closed"),
        (pull.number, "fix", True, "open"),
        (first.number, "first", False, "open"),
    ]
    assert tracker.items[0].closed_at == "2026-01-02T03:04:05Z"
    assert tracker.with_marker(MARKER) == [tracker.items[2]]
    assert [i.number for i in tracker.open_pulls()] == [pull.number]
    (call,) = fake_github.calls("GET", ISSUES)
    assert call.query["labels"] == [DEFAULT_LABEL] and call.query["state"] == ["all"]


def test_fetch_follows_pages(fake_github: FakeGitHub, issues: Issues) -> None:
    for n in range(120):
        fake_github.create_issue(f"issue {n}", labels=[DEFAULT_LABEL])
    items = issues.fetch().items
    assert len(items) == 120 and items[0].title == "issue 119"
    assert len(fake_github.calls("GET", ISSUES)) == 2


def test_fetch_with_another_label(fake_github: FakeGitHub, client: GitHub) -> None:
    fake_github.create_issue("ours", labels=["ci-bot"])
    fake_github.create_issue("default", labels=[DEFAULT_LABEL])
    assert [i.title for i in Issues(client, label="ci-bot").fetch().items] == ["ours"]


# ---------------------------------------------------------------------------- labels


def test_ensure_labels_creates_only_missing_labels(fake_github: FakeGitHub, issues: Issues) -> None:
    fake_github.create_label(DEFAULT_LABEL)
    wanted = {DEFAULT_LABEL: "Opened by autorecover", "autorecover: flaky": "d" * 150}
    issues.ensure_labels(wanted)
    (post,) = fake_github.calls("POST", LABELS)
    assert post.status == 201
    assert post.body == {
        "name": "autorecover: flaky",
        "color": label_color("autorecover: flaky"),
        "description": "d" * 100,
    }
    label = fake_github.state.label("autorecover: flaky")
    assert label is not None and label.color == label_color("autorecover: flaky")
    issues.ensure_labels(wanted)  # known now: no second list, no second create
    assert len(fake_github.calls("POST", LABELS)) == 1
    assert len(fake_github.calls("GET", LABELS)) == 1


def test_ensure_labels_tolerates_a_422_already_exists(
    fake_github: FakeGitHub, issues: Issues
) -> None:
    issues.ensure_labels({})  # lists the labels: none yet
    fake_github.create_label("autorecover: network")  # another run creates it meanwhile
    issues.ensure_labels({"autorecover: network": "Network failures"})
    (post,) = fake_github.calls("POST", LABELS)
    assert post.status == 422
    issues.ensure_labels({"autorecover: network": "Network failures"})
    assert len(fake_github.calls("POST", LABELS)) == 1


def test_ensure_labels_tolerates_a_scripted_422(fake_github: FakeGitHub, issues: Issues) -> None:
    fake_github.script("POST", LABELS, [Fault(422, body={"message": "Validation Failed"})])
    issues.ensure_labels({"autorecover: flaky": "Flaky"})
    assert [c.status for c in fake_github.calls("POST", LABELS)] == [422]


# ---------------------------------------------------------------------------- create


def test_create_opens_an_issue(fake_github: FakeGitHub, issues: Issues) -> None:
    render = Render()
    item = create(issues, render, labels=[DEFAULT_LABEL, "severity: high"], assignees=["octocat"])
    (issue,) = fake_github.issues
    assert (item.number, item.title, item.is_pull, item.state) == (
        issue.number,
        "CI failed: ModuleNotFoundError",
        False,
        "open",
    )
    assert item.body.startswith(MARKER) and issue.body == item.body
    assert set(issue.labels) == {DEFAULT_LABEL, "severity: high"}
    assert [u.login for u in issue.assignees] == ["octocat"]
    (post,) = fake_github.calls("POST", ISSUES)
    assert render.posted([post.body["body"]]) == [ISSUE_EXCERPT]
    assert "assignees" in post.body


def test_create_without_assignees_sends_none(fake_github: FakeGitHub, issues: Issues) -> None:
    create(issues)
    (post,) = fake_github.calls("POST", ISSUES)
    assert "assignees" not in post.body


def test_create_caps_the_title(fake_github: FakeGitHub, issues: Issues) -> None:
    item = create(issues, title="x" * 400)
    assert len(item.title) <= 250


def test_uncertain_create_that_happened_is_reconciled_t25(
    fake_github: FakeGitHub, issues: Issues
) -> None:
    fake_github.script("POST", ISSUES, [Fault(502, apply=True)])  # created, then a 502
    item = create(issues)
    (issue,) = fake_github.issues  # exactly one
    assert item.number == issue.number and MARKER in item.body
    assert [c.status for c in fake_github.calls("POST", ISSUES)] == [502]  # no blind retry
    assert len(fake_github.calls("GET", ISSUES)) == 1  # it looked


def test_uncertain_create_that_did_not_happen_is_tried_once_more(
    fake_github: FakeGitHub, issues: Issues
) -> None:
    fake_github.script("POST", ISSUES, [502])
    item = create(issues)
    (issue,) = fake_github.issues
    assert item.number == issue.number
    assert [c.status for c in fake_github.calls("POST", ISSUES)] == [502, 201]


def test_uncertain_twice_raises_after_looking_twice(
    fake_github: FakeGitHub, issues: Issues
) -> None:
    fake_github.script("POST", ISSUES, [502, 503])
    with pytest.raises(Uncertain):
        create(issues)
    assert fake_github.issues == []
    assert len(fake_github.calls("POST", ISSUES)) == 2
    assert len(fake_github.calls("GET", ISSUES)) == 2


def test_reconcile_ignores_other_issues(fake_github: FakeGitHub, issues: Issues) -> None:
    fake_github.create_issue(
        "other", body="<!-- autorecover:fingerprint=zzz -->", labels=["autorecover"]
    )
    fake_github.script("POST", ISSUES, [502])
    item = create(issues)
    assert MARKER in item.body and len(fake_github.issues) == 2


def test_scripted_body_too_long_is_retried_shorter_t46(
    fake_github: FakeGitHub, issues: Issues
) -> None:
    fake_github.script("POST", ISSUES, [Fault.body_too_long("Issue")])
    render = Render()
    item = create(issues, render)
    first, second = (c.body["body"] for c in fake_github.calls("POST", ISSUES))
    assert render.posted([first, second]) == [ISSUE_EXCERPT, SHORT_EXCERPT]
    assert len(second) < len(first) and second.startswith(MARKER)
    (issue,) = fake_github.issues
    assert issue.body == second == item.body


def test_body_too_long_for_github_is_retried_shorter_t46(
    fake_github: FakeGitHub, issues: Issues
) -> None:
    render = Render(size={ISSUE_EXCERPT: 6000, SHORT_EXCERPT: 6000})  # ~84,000 characters
    item = create(issues, render)
    first, second = fake_github.calls("POST", ISSUES)
    assert first.status == 422 and len(first.body["body"]) > 65536
    assert second.status == 201 and len(second.body["body"]) <= len(first.body["body"]) // 2
    assert item.body.startswith(MARKER)  # the marker sits at the top; the tail was cut


def test_body_too_long_twice_is_an_error(fake_github: FakeGitHub, issues: Issues) -> None:
    fake_github.script("POST", ISSUES, [Fault.body_too_long(), Fault.body_too_long()])
    with pytest.raises(Exception, match="too long"):
        create(issues)
    assert len(fake_github.calls("POST", ISSUES)) == 2 and fake_github.issues == []


def test_missing_issues_permission_names_it_t47(fake_github: FakeGitHub, issues: Issues) -> None:
    fake_github.deny("issues", "write")
    with pytest.raises(PermissionMissing, match="`issues: write`") as caught:
        create(issues)
    assert caught.value.permission == "issues: write"


# ---------------------------------------------------------------------------- comments, edits


def test_comment_posts_the_rendered_body(fake_github: FakeGitHub, issues: Issues) -> None:
    issue = fake_github.create_issue("open", labels=[DEFAULT_LABEL])
    render = Render(marker="<!-- autorecover:seen -->")
    issues.comment(issue.number, render.body)
    (comment,) = fake_github.comments_on(issue.number)
    assert comment.body.startswith("<!-- autorecover:seen -->")
    assert render.posted([comment.body]) == [ISSUE_EXCERPT]


def test_comment_too_long_is_retried_shorter_t46(fake_github: FakeGitHub, issues: Issues) -> None:
    issue = fake_github.create_issue("open", labels=[DEFAULT_LABEL])
    fake_github.script("POST", COMMENTS, [Fault.body_too_long("IssueComment")])
    render = Render()
    issues.comment(issue.number, render.body)
    posted = [c.body["body"] for c in fake_github.calls("POST", COMMENTS)]
    assert render.posted(posted) == [ISSUE_EXCERPT, SHORT_EXCERPT]
    assert len(fake_github.comments_on(issue.number)) == 1


def test_an_uncertain_comment_is_not_retried(fake_github: FakeGitHub, issues: Issues) -> None:
    issue = fake_github.create_issue("open", labels=[DEFAULT_LABEL])
    fake_github.script("POST", COMMENTS, [Fault(502, apply=True)])
    with pytest.raises(Uncertain):
        issues.comment(issue.number, Render().body)
    assert len(fake_github.calls("POST", COMMENTS)) == 1
    assert len(fake_github.comments_on(issue.number)) == 1


def test_update_body(fake_github: FakeGitHub, issues: Issues) -> None:
    issue = fake_github.create_issue("open", body="old", labels=[DEFAULT_LABEL])
    issues.update_body(issue.number, f"{MARKER}\nnew")
    assert fake_github.issue(issue.number).body == f"{MARKER}\nnew"


def test_fetch_is_bounded_to_max_pages(fake_github: FakeGitHub, issues: Issues) -> None:
    for n in range(MAX_PAGES * 100 + 50):
        fake_github.create_issue(f"issue {n}", labels=[DEFAULT_LABEL])
    items = issues.fetch().items
    assert len(fake_github.calls("GET", ISSUES)) == MAX_PAGES
    assert len(items) == MAX_PAGES * 100

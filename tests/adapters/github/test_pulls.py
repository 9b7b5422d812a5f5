"""Fix pull requests (src/autorecover/adapters/github/pulls.py) against the stateful fake
GitHub: found by `owner:branch`, opened with "already exists" and uncertain outcomes handled
(docs/security.md#a11, #t25), commented once."""

from __future__ import annotations

import random

import pytest

from autorecover.adapters.github.client import ApiSettings, GitHub
from autorecover.adapters.github.errors import (
    AlreadyExists,
    NoCommitsBetween,
    PullRequestForbidden,
    Uncertain,
)
from autorecover.adapters.github.pulls import PullRequest, Pulls
from testing.fakegithub import FakeGitHub, Fault

PULLS = "/repos/{owner}/{repo}/pulls"
COMMENTS = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
BRANCH = "autorecover/fix-abc123"
MARKER = "<!-- autorecover:verified -->"


@pytest.fixture
def client(fake_github: FakeGitHub) -> GitHub:
    env = fake_github.env()
    settings = ApiSettings(
        api_url=env["GITHUB_API_URL"],
        token=fake_github.token or "ghs_pulls",
        repository=env["GITHUB_REPOSITORY"],
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    return GitHub(settings, sleep=lambda seconds: None, rng=random.Random(0))


@pytest.fixture
def pulls(client: GitHub) -> Pulls:
    return Pulls(client)


def pushed(fake: FakeGitHub, branch: str = BRANCH) -> str:
    """A branch with one commit on top of main, as the fixer pushes it."""
    fake.create_branch(branch)
    return fake.commit_files({"requirements.txt": "PyYAML==6.0.2\n"}, branch=branch)


def open_pr(pulls: Pulls, branch: str = BRANCH) -> PullRequest:
    return pulls.create(
        title="Add the missing requirement",
        branch=branch,
        base="main",
        body="Fixes CI",
        draft=False,
    )


# ---------------------------------------------------------------------------- for_branch


def test_for_branch_filters_by_owner_and_branch(fake_github: FakeGitHub, pulls: Pulls) -> None:
    fake_github.create_pull("other", "feature/other")
    mine = fake_github.create_pull("mine", BRANCH, body="hello")
    found = pulls.for_branch(BRANCH)
    assert [pr.number for pr in found] == [mine.number]
    (call,) = fake_github.calls("GET", PULLS)
    assert call.query["head"] == [f"octo-org:{BRANCH}"] and call.query["state"] == ["all"]
    (pr,) = found
    assert isinstance(pr, PullRequest)
    assert (pr.state, pr.merged, pr.body, pr.closed_at) == ("open", False, "hello", "")
    assert pr.url.endswith(f"/pull/{mine.number}")


def test_for_branch_lists_newest_first_with_closed_and_merged(
    fake_github: FakeGitHub, pulls: Pulls
) -> None:
    old = fake_github.create_pull("old", BRANCH)
    fake_github.merge_pull(old.number, at="2026-01-02T03:04:05Z")
    new = fake_github.create_pull("new", BRANCH)
    found = pulls.for_branch(BRANCH)
    assert [pr.number for pr in found] == [new.number, old.number]
    assert found[1].merged and found[1].state == "closed"
    assert found[1].closed_at == "2026-01-02T03:04:05Z"


def test_for_branch_of_an_unknown_branch_is_empty(fake_github: FakeGitHub, pulls: Pulls) -> None:
    fake_github.create_pull("other", "feature/other")
    assert pulls.for_branch("autorecover/none") == []


# ---------------------------------------------------------------------------- create


def test_create_opens_the_pull_request(fake_github: FakeGitHub, pulls: Pulls) -> None:
    head = pushed(fake_github)
    pr = open_pr(pulls)
    (seeded,) = fake_github.pulls
    assert pr.number == seeded.number and pr.state == "open" and pr.head_sha == head
    (post,) = fake_github.calls("POST", PULLS)
    assert post.body["maintainer_can_modify"] is True and post.body["draft"] is False


def test_create_returns_the_existing_pr_on_already_exists(
    fake_github: FakeGitHub, pulls: Pulls
) -> None:
    pushed(fake_github)
    first = open_pr(pulls)
    again = open_pr(pulls)  # another run got there first: 422 "already exists"
    assert again.number == first.number and len(fake_github.pulls) == 1
    assert [c.status for c in fake_github.calls("POST", PULLS)] == [201, 422]


def test_already_exists_without_an_open_pr_is_raised(fake_github: FakeGitHub, pulls: Pulls) -> None:
    pushed(fake_github)
    fake_github.script(
        "POST",
        PULLS,
        [
            Fault(
                422,
                body={
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for octo-org:{BRANCH}.",
                        }
                    ],
                },
            )
        ],
    )
    with pytest.raises(AlreadyExists):
        open_pr(pulls)


def test_uncertain_pull_request_create_is_reconciled_t25(
    fake_github: FakeGitHub, pulls: Pulls
) -> None:
    pushed(fake_github)
    fake_github.script("POST", PULLS, [Fault(502, apply=True)])
    pr = open_pr(pulls)
    (seeded,) = fake_github.pulls
    assert pr.number == seeded.number
    assert [c.status for c in fake_github.calls("POST", PULLS)] == [502]


def test_uncertain_create_that_did_not_happen_is_tried_once_more(
    fake_github: FakeGitHub, pulls: Pulls
) -> None:
    pushed(fake_github)
    fake_github.script("POST", PULLS, [502])
    pr = open_pr(pulls)
    assert [c.status for c in fake_github.calls("POST", PULLS)] == [502, 201]
    assert [p.number for p in fake_github.pulls] == [pr.number]


def test_uncertain_twice_is_raised(fake_github: FakeGitHub, pulls: Pulls) -> None:
    pushed(fake_github)
    fake_github.script("POST", PULLS, [502, 502])
    with pytest.raises(Uncertain):
        open_pr(pulls)
    assert fake_github.pulls == []


def test_no_commits_between_is_raised_t34(fake_github: FakeGitHub, pulls: Pulls) -> None:
    fake_github.create_branch(BRANCH)  # nothing on top of main
    with pytest.raises(NoCommitsBetween, match="No commits between main and"):
        open_pr(pulls)


def test_forbidden_pull_request_creation_is_raised_t33(
    fake_github: FakeGitHub, pulls: Pulls
) -> None:
    pushed(fake_github)
    fake_github.forbid_pr_creation()
    with pytest.raises(PullRequestForbidden, match="not permitted to create or approve"):
        open_pr(pulls)
    assert fake_github.pulls == []


# ---------------------------------------------------------------------------- edits, comments


def test_update_body_and_add_labels(fake_github: FakeGitHub, pulls: Pulls) -> None:
    pushed(fake_github)
    pr = open_pr(pulls)
    pulls.update_body(pr.number, "new body")
    pulls.add_labels(pr.number, ["autorecover", "autorecover: dependency"])
    stored = fake_github.issue(pr.number)
    assert stored.body == "new body"
    assert set(stored.labels) == {"autorecover", "autorecover: dependency"}


def test_comment_once_posts_once(fake_github: FakeGitHub, pulls: Pulls) -> None:
    pr = fake_github.create_pull("fix", BRANCH)
    fake_github.add_comment(pr.number, "a human says hi")
    assert pulls.comment_once(pr.number, MARKER, "Verified: the tests pass.") is True
    assert pulls.comment_once(pr.number, MARKER, "Verified: the tests pass.") is False
    bodies = [c.body for c in fake_github.comments_on(pr.number)]
    assert bodies == ["a human says hi", f"{MARKER}\nVerified: the tests pass."]
    assert len(fake_github.calls("POST", COMMENTS)) == 1


def test_comment_once_sees_a_marker_on_a_later_page(fake_github: FakeGitHub, pulls: Pulls) -> None:
    pr = fake_github.create_pull("fix", BRANCH)
    for n in range(100):
        fake_github.add_comment(pr.number, f"comment {n}")
    fake_github.add_comment(pr.number, f"{MARKER}\nalready said", user="github-actions[bot]")
    assert pulls.comment_once(pr.number, MARKER, "again") is False
    assert fake_github.calls("POST", COMMENTS) == []
    assert len(fake_github.calls("GET", COMMENTS)) == 2

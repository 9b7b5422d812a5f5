"""Carry out a `fix_pr` decision: fix on autorecover's own branch, verify, push, open or
update the pull request (docs/security.md#t32 to #t37).

Order matters: staleness is checked before any work (#t36); each fixer's change is
verified by re-running the check that failed and committed on its own; the push is
leased against what the remote branch held, and a branch anyone else committed to is
never pushed to; the PR is looked up by branch before it is created, so a run killed
between push and PR is resumed by the next delivery (#t35) and two runs at once end with
one PR (#t22). When GitHub will not take the fix (the push or the PR refused), the
outcome says why in `undelivered`, and the plan's follow-up puts the fix in an issue.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from autorecover.adapters import ownership
from autorecover.adapters.git import GitError, GitRepo, ProtectedPathError
from autorecover.adapters.github.errors import GitHubError, NoCommitsBetween, PullRequestForbidden
from autorecover.adapters.github.pulls import PullRequest, Pulls
from autorecover.adapters.gitpush import PushStatus
from autorecover.adapters.proc import CommandError
from autorecover.adapters.worktree import Worktree
from autorecover.constants import (
    FOREIGN_COMMITS_MARKER,
    bot_branch_name,
    fingerprint_marker,
    head_marker,
)
from autorecover.core import bodies
from autorecover.core.applied import Applied
from autorecover.core.models import Decision, JobResult, Outcome, Posting, Preview, Status
from autorecover.core.plan import skip_fix_pr
from autorecover.core.text import mdsafe
from autorecover.execute import fix_claim
from autorecover.execute.apply import apply_fixes
from autorecover.execute.context import Execution, Workspace
from autorecover.fixers import FixerError, ToolEnv

MAX_PATCH_IN_ISSUE = 20_000


@dataclass(frozen=True)
class _Job:
    """One fix PR being made: the decision, where, and on which branch."""

    decision: Decision
    jobs: Mapping[int, JobResult]
    ex: Execution
    workspace: Workspace
    branch: str
    base: str
    # Another run's open PR for the same failing commit, which this fix joins (#t23).
    joined: PullRequest | None = None

    @property
    def start(self) -> str:
        """The commit the fix is made on: the failing one, or the tip of the joined PR."""
        return self.joined.head_sha if self.joined is not None else self.ex.run.head_sha

    def outcome(
        self, status: Status, detail: str, pr: PullRequest | None = None, url: str = ""
    ) -> Outcome:
        return Outcome(self.decision, status, detail, pr.url if pr is not None else url)


def handle(decision: Decision, jobs: Mapping[int, JobResult], ex: Execution) -> Outcome:
    if ex.workspace is None:
        return Outcome(decision, Status.SKIPPED, "no workspace to fix in")
    try:
        open_pulls = len(ex.tracker().open_pulls())
    except GitHubError:
        open_pulls = 0  # the cap is checked on what we can see
    if not ex.run.head_branch:
        return Outcome(decision, Status.SKIPPED, "the run has no branch to propose a fix to")
    branch = bot_branch_name(str(decision.category), decision.fingerprint)
    job = _Job(decision, jobs, ex, ex.workspace, branch, ex.run.head_branch)
    try:
        outcome = _make(job, Pulls(ex.client), open_pulls)
    except GitHubError as exc:
        return Outcome(decision, Status.FAILED, str(exc))
    return outcome


def _make(job: _Job, pulls: Pulls, open_pulls: int) -> Outcome:
    existing = pulls.for_branch(job.branch)
    open_pr = next((pr for pr in existing if pr.state == "open"), None)
    run = job.ex.run
    joined = None if open_pr else fix_claim.joinable(pulls, run.head_sha, job.branch)
    if joined is not None:
        job, open_pr = replace(job, branch=joined.branch, joined=joined), joined
    refusal = _refusal(job, existing, open_pr, open_pulls)
    if refusal:
        return job.outcome(Status.SKIPPED, refusal, url=existing[0].url if existing else "")
    # The claim is a write to the state branch: a dry run previews the turn it would take.
    if open_pr is None and not job.ex.dry_run:
        turn = fix_claim.take_turn(job.ex, pulls, job.branch)
        if turn.note:
            job.ex.notes.append(turn.note)
        if turn.waiting_for:
            detail = f"left to {turn.waiting_for}: one pull request per commit"
            return job.outcome(Status.SKIPPED, detail)
        if turn.pull is not None:
            job, open_pr = replace(job, branch=turn.pull.branch, joined=turn.pull), turn.pull
    try:
        repo = _repo(job)
        stale = repo.check_stale(job.base, run.head_sha)
        if stale.stale:
            return job.outcome(Status.SKIPPED, f"stale: {stale.message}")
        repo.fetch_commit(run.head_sha)
        repo.fetch_commit(job.start)
        path = Path(tempfile.mkdtemp(prefix="autorecover-fix-", dir=job.workspace.temp))
        path.chmod(0o711)  # the formatters' user must reach the tree (fixers/_toolenv.py)
        with Worktree.add(repo, path / "tree", job.start, job.branch) as tree:
            return _fix_in(job, tree, pulls, open_pr)
    except ProtectedPathError as exc:
        return job.outcome(Status.FAILED, f"refused before pushing: {exc}")
    except (GitError, FixerError, CommandError) as exc:
        return job.outcome(Status.FAILED, f"the fix could not be made: {exc}")
    finally:
        # The checkout's owner, not root, must own what git wrote into its .git/.
        ownership.restore(job.workspace.path / ".git")


def _refusal(
    job: _Job, existing: list[PullRequest], open_pr: PullRequest | None, open_pulls: int
) -> str:
    if open_pr is not None:
        return ""  # ours is open: it is updated
    closed = next((pr for pr in existing if pr.state == "closed" and not pr.merged), None)
    last = (closed.number, closed.closed_at) if closed else None
    return skip_fix_pr(last, open_pulls, job.ex.settings, job.ex.now) or ""


def _repo(job: _Job) -> GitRepo:
    workspace = job.workspace
    redactor = job.ex.redactor
    safe = (str(workspace.path),)
    if (workspace.path / ".git").exists():
        return GitRepo(
            workspace.path,
            token=workspace.token,
            server_url=workspace.server_url,
            redactor=redactor,
            safe_directories=safe,
        )
    # No actions/checkout before autorecover: a repository of our own, fetching only the
    # failing commit.
    url = f"{workspace.server_url.rstrip('/')}/{job.ex.run.repository}.git"
    return GitRepo.scratch(
        Path(tempfile.mkdtemp(prefix="autorecover-repo-", dir=workspace.temp)),
        url,
        token=workspace.token,
        server_url=workspace.server_url,
        redactor=redactor,
        safe_directories=safe,
    )


def _fix_in(job: _Job, tree: Worktree, pulls: Pulls, open_pr: PullRequest | None) -> Outcome:
    ex, decision = job.ex, job.decision
    tools = ToolEnv(job.workspace.temp / "autorecover-tools", redactor=ex.redactor)
    attempt = apply_fixes(
        tree,
        decision,
        job.jobs,
        tools=tools,
        redactor=ex.redactor,
        trusted=ex.run.trusted,
        settings=ex.settings,
    )
    if not attempt.applied:
        failures = attempt.failures
        detail = "nothing to fix: " + ("; ".join(failures) or "the fixers changed nothing")
        if not failures:
            return job.outcome(Status.SKIPPED, detail)
        # A fix autorecover could not make safely (where a requirement belongs is unclear, a
        # hook it must not imitate) still leaves the failure to a person: an issue says why,
        # rather than nothing (issue 10).
        return _undelivered(job.outcome(Status.FAILED, detail), bodies.not_fixed_note(failures))
    held = [a.result.hold for a in attempt.applied if a.result.hold]
    if held:
        # A change a person must finish (a lock file to regenerate) would fail CI as a pull
        # request: it goes into the issue as a patch, with the command to run (issue 10).
        patch = tree.patch(tree.base_sha, "HEAD", MAX_PATCH_IN_ISSUE)
        note = bodies.held_note(held, patch.text, patch.truncated)
        return _undelivered(job.outcome(Status.FAILED, "held for a person: " + held[0]), note)
    # A joined branch holds another fix's commits: any bot commit is ours there.
    state = tree.remote_branch_state(job.branch, None if job.joined else decision.fingerprint)
    if state.exists and not state.ours:
        who = ", ".join(sorted({c.author_email for c in state.foreign})) or "someone"
        if open_pr is not None and not ex.dry_run:
            pulls.comment_once(
                open_pr.number, FOREIGN_COMMITS_MARKER, bodies.FOREIGN_COMMITS_COMMENT
            )
        detail = f"{job.branch} has commits by {who}; left untouched"
        return job.outcome(Status.SKIPPED, detail, open_pr)
    head = tree.rev_parse("HEAD")
    unchanged = state.exists and state.tip and tree.tree_sha(state.tip) == tree.tree_sha(head)
    if not unchanged:
        if tree.check_stale(job.base, ex.run.head_sha).stale:
            return job.outcome(Status.SKIPPED, "stale: the branch moved while fixing")
        # On a joined branch, the lease is the tip the fix was made on: a newer tip must never
        # be replaced by a fix that does not contain it.
        expected = job.start if job.joined else state.tip if state.exists else None
        pushed = None if ex.dry_run else tree.push(expected_old=expected)
        if pushed is not None and not pushed.ok:
            return _push_failed(job, tree, pulls, pushed.status, pushed.message)
    body = _body(job, attempt.applied, tree)
    if ex.dry_run:
        return _preview(job, tree, attempt.applied, body, open_pr)
    if job.joined is not None:
        return _join(job, body)
    if open_pr is not None:
        pulls.update_body(open_pr.number, body)
        return job.outcome(Status.DONE, f"updated #{open_pr.number}", open_pr)
    return _open(job, tree, pulls, attempt.applied, body)


def _preview(
    job: _Job, tree: Worktree, applied: tuple[Applied, ...], body: str, open_pr: PullRequest | None
) -> Outcome:
    """A dry run: the fix made and verified, and what a real run would post with it, built
    by the same code; nothing pushed or posted (docs/action.md#trying-it-safely)."""
    patch = tree.patch(tree.base_sha, "HEAD", MAX_PATCH_IN_ISSUE)
    diffstat = tree.diffstat(tree.base_sha, "HEAD").summary()
    change = Preview(
        Posting.PULL_REQUEST, diff=patch.text, diffstat=diffstat, diff_cut=patch.truncated
    )
    if job.joined is not None:
        number = job.joined.number
        posting, text = Posting.COMMENT, _joined_text(job, body)
        preview = replace(change, posting=posting, body=text, target=number)
        detail = f"would add the fix to #{number}, which fixes the same commit"
    elif open_pr is not None:
        posting, number = Posting.PULL_REQUEST_UPDATE, open_pr.number
        preview = replace(change, posting=posting, body=body, target=number)
        detail = f"would update #{open_pr.number}"
    else:
        title, labels = bodies.pr_title(applied), _labels(job)
        preview = replace(change, title=title, body=body, labels=labels)
        detail = f"would open a pull request from {job.branch} into {job.base}"
    outcome = job.outcome(Status.PROPOSED, detail, open_pr or job.joined)
    return replace(outcome, preview=preview)


def _labels(job: _Job) -> tuple[str, ...]:
    config = job.ex.settings.config.pull_requests
    return (*config.labels, *([config.review_label] if job.decision.review else []))


def _open(
    job: _Job, tree: Worktree, pulls: Pulls, applied: tuple[Applied, ...], body: str
) -> Outcome:
    config = job.ex.settings.config.pull_requests
    try:
        pr = pulls.create(
            title=bodies.pr_title(applied),
            branch=job.branch,
            base=job.base,
            body=body,
            draft=config.draft,
        )
    except PullRequestForbidden:
        failed = job.outcome(Status.FAILED, "pull request creation is not permitted")
        return _undelivered(failed, bodies.pr_refused_note(job.branch, _compare(job)))
    except NoCommitsBetween:
        state = tree.remote_branch_state(job.branch, job.decision.fingerprint)
        if state.exists and state.ours and state.tip:
            tree.delete_remote_branch(state.tip)
        return job.outcome(Status.SKIPPED, "nothing to fix: no commits between the branches")
    except GitHubError as exc:
        # Pushed, but no pull request (a 422, a 5xx twice, a missing `pull-requests: write`):
        # the fix goes into an issue linking the branch, never left an orphan (#t34, #t50).
        reason = mdsafe.plain_text(str(exc))
        failed = job.outcome(Status.FAILED, f"the pull request could not be opened: {reason}")
        return _undelivered(failed, bodies.pr_not_opened_note(job.branch, _compare(job), reason))
    labels = list(_labels(job))
    note = ""
    if labels:
        try:
            pulls.add_labels(pr.number, labels)
        except GitHubError as exc:
            note = f"labels not added ({exc}); "
    opened = job.outcome(Status.DONE, f"{note}opened #{pr.number}", pr)
    return Outcome(opened.decision, opened.status, opened.detail, opened.url, opened=True)


def _join(job: _Job, body: str) -> Outcome:
    """The fix is on the joined PR's branch: say so on that PR, once per fingerprint."""
    assert job.joined is not None
    marker = fingerprint_marker(job.decision.fingerprint)
    Pulls(job.ex.client).comment_once(job.joined.number, marker, _joined_text(job, body))
    return job.outcome(Status.DONE, f"added to #{job.joined.number}", job.joined)


def _joined_text(job: _Job, body: str) -> str:
    marker = fingerprint_marker(job.decision.fingerprint)
    lines = [line for line in body.splitlines() if line not in (marker, head_marker(job.start))]
    return bodies.JOINED_FIX_COMMENT + "\n\n" + "\n".join(lines)


def _compare(job: _Job) -> str:
    site = job.ex.run.html_url.split("/actions/", 1)[0]
    return f"{site}/compare/{job.base}...{job.branch}?expand=1"


def _push_failed(
    job: _Job, tree: Worktree, pulls: Pulls, status: PushStatus, message: str
) -> Outcome:
    if status in (PushStatus.STALE_LEASE, PushStatus.NON_FAST_FORWARD):
        # Another run pushed first (#t22): its pull request is the one.
        found = next((pr for pr in pulls.for_branch(job.branch) if pr.state == "open"), None)
        detail = f"another run pushed this fix first ({message})"
        return job.outcome(Status.SKIPPED, detail, found)
    patch = tree.patch(tree.base_sha, "HEAD", MAX_PATCH_IN_ISSUE)
    secret = status == PushStatus.SECRET_PROTECTION
    note = bodies.push_refused_note(message, patch.text, patch.truncated, secret)
    return _undelivered(job.outcome(Status.FAILED, f"push refused: {message}"), note)


def _undelivered(outcome: Outcome, note: str) -> Outcome:
    return Outcome(outcome.decision, outcome.status, outcome.detail, outcome.url, undelivered=note)


def _body(job: _Job, applied: tuple[Applied, ...], tree: Worktree) -> str:
    rows = bodies.jobs_of(job.decision, job.jobs)
    diffstat = tree.diffstat(tree.base_sha, "HEAD").summary()
    config = job.ex.settings.config.pull_requests
    context = bodies.pr_context(job.decision, applied, rows, job.ex.run, diffstat, config)
    first, _, rest = job.ex.render("pr_body.md.j2", context).partition("\n")
    # The commit's marker after the fingerprint's, which stays the first line (#t23).
    return f"{first}\n{head_marker(job.ex.run.head_sha)}\n{rest}"

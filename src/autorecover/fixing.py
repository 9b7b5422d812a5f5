"""Carrying out a `fix_pr` decision: fix on our own branch, verify, push, open or update
the pull request, and fall back to an issue whenever GitHub will not take the PR, so a fix
is never lost (security.md T32-T37).

Order matters: staleness is checked before any work (T36); each fixer's change is verified
by re-running the check that failed and committed on its own; the push is leased against
what the remote branch held, and a branch anyone else committed to is never pushed to; the
PR is looked up by branch before it is created, so a run killed between push and PR is
resumed by the next delivery (T35) and two runs at once end with one PR (T22).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from autorecover import mdsafe
from autorecover.config import Settings
from autorecover.event import WorkflowRun
from autorecover.fixers import REGISTRY, FixContext, FixerError, FixResult, ToolEnv, Verification
from autorecover.github import GitHubError
from autorecover.gitparse import PushStatus, bot_branch_name
from autorecover.gitrepo import GitError, GitRepo, ProtectedPathError, Worktree
from autorecover.models import Diagnosis, Fix
from autorecover.plan import Decision, JobResult
from autorecover.proc import CommandError
from autorecover.pulls import NoCommitsBetween, PullRequest, PullRequestForbidden, Pulls
from autorecover.redact import Redactor
from autorecover.render import Renderer
from autorecover.report import Outcome

FOREIGN_MARKER = "<!-- autorecover:foreign-commits -->"
MAX_PATCH_IN_ISSUE = 20_000
Fallback = Callable[[str], Outcome]  # markdown explaining why -> the issue's outcome


@dataclass
class FixRun:
    """Where and with what the fix happens (from the runner's environment)."""

    workspace: Path
    temp: Path
    server_url: str
    token: str
    settings: Settings
    renderer: Renderer
    redactor: Redactor
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Applied:
    fix: Fix
    result: FixResult
    verification: Verification


def _diagnosis_for(fix: Fix, decision: Decision, jobs: Mapping[int, JobResult]) -> Diagnosis | None:
    for job_id in decision.jobs:
        diagnosis = jobs[job_id].diagnosis if job_id in jobs else None
        if diagnosis is not None and any(f.spec == fix.spec for f in diagnosis.fixes):
            return diagnosis
    return None


def _title(applied: Sequence[Applied]) -> str:
    names = [a.fix.fixer for a in applied]
    requirements = [
        a.fix.param("distribution") for a in applied if a.fix.fixer == "add-requirement"
    ]
    formatters = [n for n in names if n != "add-requirement"]
    parts = []
    if formatters:
        parts.append("format with " + ", ".join(dict.fromkeys(formatters)))
    if requirements:
        parts.append("declare " + ", ".join(requirements))
    return mdsafe.plain_text("autorecover: " + " and ".join(parts))


def _commit_message(applied: Applied, diagnosis: Diagnosis | None) -> str:
    fix = applied.fix
    if fix.fixer == "add-requirement":
        subject = f"Declare {fix.param('distribution')}, imported as {fix.param('module')}"
    else:
        subject = f"Apply {applied.result.tool or fix.fixer} {applied.result.version}".strip()
    why = f"\n\nThe job failed with: {diagnosis.title}" if diagnosis else ""
    return mdsafe.plain_text(subject) + mdsafe.plain_text(why)[:300]


def apply_fixes(
    tree: GitRepo,
    decision: Decision,
    jobs: Mapping[int, JobResult],
    *,
    tools: ToolEnv,
    redactor: Redactor,
    trusted: bool,
    settings: Settings,
    commit: bool = True,
) -> tuple[list[Applied], list[str]]:
    """Apply each fix of the decision, verify it by re-running the check that failed, and
    commit it on its own (or, with `commit=False`, leave it in the working tree). A fix
    that fails or does not verify is undone; why is in the second list."""
    applied: list[Applied] = []
    failures: list[str] = []
    versions = {str(k): v for k, v in settings.fixers.versions.items()}
    for fix in decision.fixes:
        fixer = REGISTRY.get(fix.fixer)
        diagnosis = _diagnosis_for(fix, decision, jobs)
        context = FixContext.for_checkout(
            tree,
            tools=tools,
            redactor=redactor,
            trusted=trusted,
            diagnosis=diagnosis,
            requirements_file=fix.param("requirements_file") or None,
            versions=versions,
        )
        if fixer is None:
            failures.append(f"{fix.spec}: no such fixer")
            continue
        usable, reason = fixer.applies(fix, context)
        if not usable:
            failures.append(f"{fix.spec}: {reason}")
            continue
        try:
            result = fixer.apply(fix, context)
            verification = fixer.verify(fix, context)
        except FixerError as exc:
            if commit:
                tree.discard_changes()
            failures.append(f"{fix.spec}: {exc}")
            continue
        if not verification.passed or not result.changed_files:
            if commit:
                tree.discard_changes()
            failures.append(
                f"{fix.spec}: "
                + ("changed nothing" if verification.passed else "the check still fails")
            )
            continue
        done = Applied(fix, result, verification)
        if commit and isinstance(tree, Worktree):
            tree.commit(
                result.changed_files, _commit_message(done, diagnosis), decision.fingerprint
            )
        applied.append(done)
    return applied, failures


def pr_body(
    decision: Decision,
    applied: Sequence[Applied],
    jobs: Mapping[int, JobResult],
    run: WorkflowRun,
    diffstat: str,
    settings: Settings,
    renderer: Renderer,
    redactor: Redactor,
) -> str:
    """The pull request's body, rendered, redacted and capped."""
    rows = [jobs[j] for j in decision.jobs if j in jobs]
    primary = next((j.diagnosis for j in rows if j.diagnosis is not None), None)
    context = {
        "marker": f"<!-- autorecover:fingerprint={decision.fingerprint} -->",
        "run": {
            "workflow": run.name,
            "html_url": run.html_url,
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
        },
        "review": decision.review,
        "jobs": [
            {
                "name": j.name,
                "html_url": j.html_url,
                "title": j.diagnosis.title if j.diagnosis else "",
                "category": str(j.diagnosis.category) if j.diagnosis else "",
                "severity": str(j.diagnosis.severity) if j.diagnosis else "",
                "failing_step": j.diagnosis.failing_step if j.diagnosis else None,
            }
            for j in rows
        ],
        "evidence": "\n".join(line.text for line in primary.evidence[:20]) if primary else "",
        "results": [
            {
                "fixer": a.fix.spec,
                "files": list(a.result.changed_files),
                "tool": a.result.tool,
                "version": a.result.version,
                "notes": list(a.result.notes),
                "verify_command": " ".join(a.verification.argv[:6]),
                "passed": a.verification.passed,
            }
            for a in applied
        ],
        "diffstat": diffstat,
        "category": str(decision.category),
        "cooldown_days": f"{settings.pull_requests.cooldown_days:g}",
    }
    rendered = renderer.render_with_fallback("pr_body.md.j2", context)
    return mdsafe.cap_body(redactor.redact(rendered.text).text).text


class FixExecutor:
    def __init__(
        self,
        fix_run: FixRun,
        pulls: Pulls,
        run: WorkflowRun,
        jobs: Mapping[int, JobResult],
        open_pulls: int,
        fallback: Callable[[Decision, str], Outcome],
    ) -> None:
        self.ctx = fix_run
        self.pulls = pulls
        self.run = run
        self.jobs = jobs
        self.open_pulls = open_pulls
        self.fallback = fallback
        self.config = fix_run.settings.pull_requests

    # -- the whole flow --------------------------------------------------------------------

    def execute(self, decision: Decision) -> Outcome:
        outcome = Outcome(decision)
        branch = bot_branch_name(str(decision.category), decision.fingerprint)
        base = self.run.head_branch
        if not base:
            return self._done(outcome, "skipped", "the run has no branch to propose a fix to")
        existing = self.pulls.for_branch(branch)
        open_pr = next((pr for pr in existing if pr.state == "open"), None)
        refusal = self._refusal(existing, open_pr)
        if refusal:
            return self._done(outcome, "skipped", refusal, url=existing[0].url if existing else "")
        try:
            repo = self._repo()
            stale = repo.check_stale(base, self.run.head_sha)
            if stale.stale:
                return self._done(outcome, "skipped", f"stale: {stale.message}")
            repo.fetch_commit(self.run.head_sha)
            path = Path(tempfile.mkdtemp(prefix="autorecover-fix-", dir=self.ctx.temp))
            with repo.add_worktree(path / "tree", self.run.head_sha, branch) as tree:
                return self._fix_in(tree, decision, outcome, branch, base, open_pr)
        except ProtectedPathError as exc:
            return self._done(outcome, "failed", f"refused before pushing: {exc}")
        except (GitError, FixerError, CommandError) as exc:
            return self._done(outcome, "failed", f"the fix could not be made: {exc}")

    def _refusal(self, existing: list[PullRequest], open_pr: PullRequest | None) -> str:
        if open_pr is not None:
            return ""
        closed = next((pr for pr in existing if pr.state == "closed" and not pr.merged), None)
        if closed is not None and _within(
            closed.closed_at, self.config.cooldown_days, self.ctx.now
        ):
            return (
                f"#{closed.number} was closed without merging less than "
                f"{self.config.cooldown_days:g} days ago; not proposed again (cooldown)"
            )
        if self.open_pulls >= self.config.max_open:
            return (
                f"{self.open_pulls} autorecover pull requests are open (pull_requests.max_open "
                f"is {self.config.max_open}); not opening another"
            )
        return ""

    def _repo(self) -> GitRepo:
        kwargs: dict[str, Any] = {
            "token": self.ctx.token,
            "server_url": self.ctx.server_url,
            "redactor": self.ctx.redactor,
            "safe_directories": (str(self.ctx.workspace),),
        }
        if (self.ctx.workspace / ".git").exists():
            return GitRepo(self.ctx.workspace, **kwargs)
        # No actions/checkout before autorecover: a repository of our own, fetching only
        # the failing commit.
        url = f"{self.ctx.server_url.rstrip('/')}/{self.run.repository}.git"
        return GitRepo.scratch(
            Path(tempfile.mkdtemp(prefix="autorecover-repo-", dir=self.ctx.temp)), url, **kwargs
        )

    def _fix_in(
        self,
        tree: Worktree,
        decision: Decision,
        outcome: Outcome,
        branch: str,
        base: str,
        open_pr: PullRequest | None,
    ) -> Outcome:
        applied, failures = self._apply_all(tree, decision)
        if not applied:
            detail = "nothing to fix: " + ("; ".join(failures) or "the fixers changed nothing")
            return self._done(outcome, "skipped" if not failures else "failed", detail)
        state = tree.remote_branch_state(branch, decision.fingerprint)
        if state.exists and not state.ours:
            who = ", ".join(sorted({c.author_email for c in state.foreign})) or "someone"
            if open_pr is not None:
                self.pulls.comment_once(
                    open_pr.number,
                    FOREIGN_MARKER,
                    "Commits by others are on this branch, so autorecover no longer updates "
                    "it. It will not push here again.",
                )
            return self._done(
                outcome, "skipped", f"{branch} has commits by {who}; left untouched", open_pr
            )
        head = tree.rev_parse("HEAD")
        unchanged = state.exists and state.tip and tree.tree_sha(state.tip) == tree.tree_sha(head)
        if not unchanged:
            if self._stale_now(tree, base):
                return self._done(outcome, "skipped", "stale: the branch moved while fixing")
            pushed = tree.push(expected_old=state.tip if state.exists else None)
            if not pushed.ok:
                return self._push_failed(decision, outcome, tree, pushed.status, pushed.message)
        body = self._body(decision, applied, tree)
        if open_pr is not None:
            self.pulls.update_body(open_pr.number, body)
            return self._done(outcome, "done", f"updated #{open_pr.number}", open_pr)
        return self._open(decision, outcome, tree, branch, base, applied, body)

    def _apply_all(self, tree: Worktree, decision: Decision) -> tuple[list[Applied], list[str]]:
        tools = ToolEnv(self.ctx.temp / "autorecover-tools", redactor=self.ctx.redactor)
        return apply_fixes(
            tree,
            decision,
            self.jobs,
            tools=tools,
            redactor=self.ctx.redactor,
            trusted=self.run.trusted,
            settings=self.ctx.settings,
        )

    def _stale_now(self, tree: Worktree, base: str) -> bool:
        return tree.check_stale(base, self.run.head_sha).stale

    def _open(
        self,
        decision: Decision,
        outcome: Outcome,
        tree: Worktree,
        branch: str,
        base: str,
        applied: list[Applied],
        body: str,
    ) -> Outcome:
        try:
            pr = self.pulls.create(
                title=_title(applied), branch=branch, base=base, body=body, draft=self.config.draft
            )
        except PullRequestForbidden:
            site = self.run.html_url.split("/actions/", 1)[0]
            compare = f"{site}/compare/{base}...{branch}?expand=1"
            note = (
                "autorecover pushed a verified fix to branch "
                f"`{branch}`, but GitHub refused to let it open the pull request: the "
                "repository setting **Allow GitHub Actions to create and approve pull "
                "requests** (Settings → Actions → General → Workflow permissions) is off. "
                f"Open it yourself from the comparison: <{compare}>"
            )
            issue = self.fallback(decision, note)
            return self._done(
                outcome,
                "failed",
                "pull request creation is not permitted; " + issue.detail,
                url=issue.url,
            )
        except NoCommitsBetween:
            state = tree.remote_branch_state(branch, decision.fingerprint)
            if state.exists and state.ours and state.tip:
                tree.delete_remote_branch(state.tip)
            return self._done(outcome, "skipped", "nothing to fix: no commits between the branches")
        labels = list(self.config.labels) + ([self.config.review_label] if decision.review else [])
        if labels:
            try:
                self.pulls.add_labels(pr.number, labels)
            except GitHubError as exc:
                outcome.detail = f"labels not added ({exc}); "
        return self._done(outcome, "done", f"{outcome.detail}opened #{pr.number}", pr)

    def _push_failed(
        self, decision: Decision, outcome: Outcome, tree: Worktree, status: str, message: str
    ) -> Outcome:
        if status in (PushStatus.STALE_LEASE, PushStatus.NON_FAST_FORWARD):
            # Another run pushed first (T22): its pull request is the one.
            branch = bot_branch_name(str(decision.category), decision.fingerprint)
            found = next((pr for pr in self.pulls.for_branch(branch) if pr.state == "open"), None)
            return self._done(
                outcome, "skipped", f"another run pushed this fix first ({message})", found
            )
        patch = tree.patch(tree.base_sha, "HEAD", MAX_PATCH_IN_ISSUE)
        note = (
            f"autorecover prepared a verified fix, but GitHub refused the push: {message}\n\n"
            + mdsafe.code_block(patch.text, "diff")
            + ("\n\n(the patch is cut)" if patch.truncated else "")
        )
        if status == PushStatus.SECRET_PROTECTION:
            note += "\n\nThis is a bug in autorecover's redaction; please report it."
        issue = self.fallback(decision, note)
        return self._done(
            outcome, "failed", f"push refused: {message}; {issue.detail}", url=issue.url
        )

    def _body(self, decision: Decision, applied: list[Applied], tree: Worktree) -> str:
        return pr_body(
            decision,
            applied,
            self.jobs,
            self.run,
            tree.diffstat(tree.base_sha, "HEAD").summary(),
            self.ctx.settings,
            self.ctx.renderer,
            self.ctx.redactor,
        )

    @staticmethod
    def _done(
        outcome: Outcome, status: str, detail: str, pr: PullRequest | None = None, url: str = ""
    ) -> Outcome:
        outcome.status, outcome.detail = status, detail
        outcome.url = pr.url if pr is not None else url
        return outcome


def _within(stamp: str, days: float, now: datetime) -> bool:
    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return True
    return now - when < timedelta(days=days)

"""`autorecover recover LOG [-C DIR]` and `autorecover execute LOG [-C DIR] [--dry-run]`:
the action's plan and fixes, run against a local log and working tree.

`recover` prints the plan the action would make. `execute` carries out its fixes in the
working tree (uncommitted, for you to review); with `--dry-run` it works on a throw-away
copy and prints the diff, the pull request body and any issue it would open, changing
nothing. Reruns and issues need GitHub, so locally they are only shown.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from autorecover.adapters.git import GitRepo
from autorecover.adapters.logfiles import analyze_file
from autorecover.adapters.proc import CommandError
from autorecover.adapters.render import Renderer, render_post
from autorecover.commands import _options
from autorecover.commands._runtime import Runtime
from autorecover.constants import CONFIG_PATH, bot_branch_name
from autorecover.core import bodies
from autorecover.core.event import WorkflowRun
from autorecover.core.models import SCHEMA_VERSION, Action, Decision, JobResult, Plan
from autorecover.core.plan import make_plan
from autorecover.core.settings import Settings
from autorecover.core.text.plural import plural
from autorecover.core.text.redact import Redactor
from autorecover.errors import EXIT_OK, UserError
from autorecover.execute.apply import apply_fixes
from autorecover.fixers import ToolEnv


def _head(repo: Path) -> str:
    """The commit the working tree is on, or "" when it is not a git repository with one."""
    try:
        return GitRepo(repo).rev_parse("HEAD")
    except CommandError:
        return ""


def _local_run(repo: Path) -> WorkflowRun:
    """The run the plan is made for: the working tree, trusted (it is yours). It has no URL
    and no branch on GitHub, so the bodies name it "local run", linking nowhere; its branch,
    none, is the default branch (also none), so its failures are planned as issues, as
    `issues.branches` would plan a run on the default branch."""
    name = repo.resolve().name
    return WorkflowRun(
        id=0, attempt=1, name="local run", event="push", action="completed",
        status="completed", conclusion="failure", head_branch=None, head_sha=_head(repo),
        workflow_path=None,
        display_title="", html_url="", repository=f"local/{name}", repository_id=1,
        default_branch="", private=True, head_repository=f"local/{name}",
        head_repository_id=1, pull_requests=(), actor="", triggering_actor="",
        head_commit_message="", created_at=None, run_started_at=None,
    )  # fmt: skip


def _plan(args: argparse.Namespace) -> tuple[Plan, list[JobResult], Settings, Path]:
    repo = Path(args.directory)
    if not repo.is_dir():
        raise UserError(f"{repo}: not a directory; -C DIR names the project's working tree")
    settings = _options.settings(args, default_config=repo / CONFIG_PATH)
    context = _options.analysis_context(args, settings, repository=f"local/{repo.resolve().name}")
    diagnoses = analyze_file(Path(args.log), settings.ruleset, context)
    jobs = [JobResult(index + 1, d.source, "", "failure", d) for index, d in enumerate(diagnoses)]
    return make_plan(jobs, _local_run(repo), settings), jobs, settings, repo


def recover(args: argparse.Namespace, rt: Runtime) -> int:
    plan, jobs, _, _ = _plan(args)
    out = rt.stdout
    if args.format == "json":
        data = {
            "schema_version": SCHEMA_VERSION,
            "jobs": [
                {"source": j.name, **(j.diagnosis.to_dict() if j.diagnosis else {})} for j in jobs
            ],
            "plan": plan.to_dict(),
        }
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    for decision in plan.decisions:
        fixes = ", ".join(f.spec for f in decision.fixes)
        out.write(
            f"{decision.action}{' (' + fixes + ')' if fixes else ''} for "
            f"{', '.join(j.name for j in jobs if j.job_id in decision.jobs)}\n"
            f"  {decision.category}, {decision.severity}, fingerprint {decision.fingerprint}\n"
            f"  why: {decision.reason}\n"
        )
    return EXIT_OK


def _copy(repo: GitRepo, into: Path) -> GitRepo:
    """A throw-away git repository holding the project's tracked files, for a dry run
    (untracked files are not the project's: a fix never touches them)."""
    for relative in repo.tracked_regular_files():
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo.path / relative, target)
    return GitRepo.snapshot(into)


def _worktree(directory: Path) -> GitRepo:
    tree = GitRepo(directory)
    try:
        tree.rev_parse("HEAD")
    except CommandError as exc:
        raise UserError(
            f"{directory}: not a git repository with a commit; fixes run on the files git "
            "tracks there (run `git init && git add -A && git commit -m base` first)"
        ) from exc
    return tree


@dataclass(frozen=True)
class _Local:
    """What a local `execute` works with."""

    repo: Path
    temp: Path
    dry_run: bool
    settings: Settings
    tools: ToolEnv
    run: WorkflowRun
    out: TextIO
    renderer: Renderer = field(default_factory=Renderer)
    redactor: Redactor = field(default_factory=Redactor)


def execute(args: argparse.Namespace, rt: Runtime) -> int:
    plan, jobs, settings, repo = _plan(args)
    by_id = {job.job_id: job for job in jobs}
    with tempfile.TemporaryDirectory(prefix="autorecover-") as temp:
        local = _Local(
            repo=repo,
            temp=Path(temp),
            dry_run=args.dry_run,
            settings=settings,
            tools=ToolEnv(Path(temp) / "tools", redactor=Redactor()),
            run=_local_run(repo),
            out=rt.stdout,
        )
        for decision in plan.decisions:
            if decision.action is Action.FIX_PR:
                _fix(decision, by_id, local)
            elif decision.action is Action.ISSUE:
                _show_issue(decision, by_id, local)
            else:
                local.out.write(f"{decision.action}: {decision.reason} (nothing to do locally)\n")
    return EXIT_OK


def _fix(decision: Decision, jobs: dict[int, JobResult], local: _Local) -> None:
    tree = _worktree(local.repo)
    if local.dry_run:
        tree = _copy(tree, local.temp / "copy")
    base = tree.rev_parse("HEAD")
    attempt = apply_fixes(
        tree, decision, jobs, tools=local.tools, redactor=local.redactor, trusted=True,
        settings=local.settings, commit=False,
    )  # fmt: skip
    out = local.out
    for failure in attempt.failures:
        out.write(f"not fixed: {failure}\n")
    if not attempt.applied:
        out.write("nothing was fixed\n")
        return
    diff = tree.working_diff(base).text
    branch = bot_branch_name(str(decision.category), decision.fingerprint)
    if local.dry_run:
        rows = bodies.jobs_of(decision, jobs)
        context = bodies.pr_context(
            decision, attempt.applied, rows, local.run, _stat(diff),
            local.settings.config.pull_requests,
        )  # fmt: skip
        body = render_post(local.renderer, local.redactor, "pr_body.md.j2", context)
        out.write(
            f"== dry run: nothing changed in {local.repo}\n== the fix (would go on {branch})\n"
            f"{diff}\n== the pull request body\n{body}\n"
        )
    else:
        files = sorted({f for a in attempt.applied for f in a.result.changed_files})
        out.write(f"fixed, uncommitted, in {local.repo}: {', '.join(files)}\n{diff}")


def _stat(diff: str) -> str:
    files = sum(1 for line in diff.splitlines() if line.startswith("diff --git"))
    added = sum(
        1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    )
    deleted = sum(
        1 for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    )
    return (
        f"{plural(files, 'file')} changed, {plural(added, 'insertion')}(+), "
        f"{plural(deleted, 'deletion')}(-)"
    )


def _show_issue(decision: Decision, jobs: dict[int, JobResult], local: _Local) -> None:
    rows = bodies.jobs_of(decision, jobs)
    config = local.settings.config.issues
    context = bodies.issue_context(decision, local.run, rows, {}, config, None)
    body = render_post(local.renderer, local.redactor, "issue_body.md.j2", context)
    title = bodies.issue_title(decision, rows)
    local.out.write(f"== issue it would open: {title}\n{body}\n")

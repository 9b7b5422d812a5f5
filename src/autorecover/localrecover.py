"""`autorecover recover LOG --repo DIR` and `autorecover execute LOG --repo DIR [--dry-run]`:
the action's plan and fixes, run against a local log and working tree.

`recover` prints the plan the action would make. `execute` carries out its fixes in the
working tree (uncommitted, for you to review); with `--dry-run` it works on a throw-away
copy and prints the diff, the pull request body and any issue it would open, changing
nothing. Reruns and issues need GitHub, so locally they are only shown.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from autorecover.analyze import AnalysisContext
from autorecover.config import Settings, load_settings_text
from autorecover.errors import UserError
from autorecover.event import WorkflowRun
from autorecover.fixers import ToolEnv
from autorecover.fixing import apply_fixes, pr_body
from autorecover.gitparse import bot_branch_name
from autorecover.gitrepo import GitRepo
from autorecover.localfiles import analyze_file
from autorecover.models import Action
from autorecover.plan import JobResult, Plan, Policy, make_plan
from autorecover.proc import CommandError
from autorecover.redact import Redactor
from autorecover.render import Renderer
from autorecover.reporting import ReportContext

_SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".tox"}


def _settings(repo: Path, config: str | None) -> Settings:
    path = Path(config) if config else repo / ".github" / "autorecover.yml"
    if config and not path.is_file():
        raise UserError(f"{path}: config file not found")
    if path.is_file():
        return load_settings_text(path.read_text(encoding="utf-8"), str(path))
    return Settings()


def _local_run(repo: Path) -> WorkflowRun:
    """The run the plan is made for: the working tree, trusted (it is yours)."""
    name = repo.resolve().name
    return WorkflowRun(
        id=0, attempt=1, name="local", event="push", action="completed", status="completed",
        conclusion="failure", head_branch="local", head_sha="0" * 40, workflow_path=None,
        display_title="", html_url="", repository=f"local/{name}", repository_id=1,
        default_branch="main", private=True, head_repository=f"local/{name}",
        head_repository_id=1, pull_requests=(), actor="", triggering_actor="",
        head_commit_message="", created_at=None, run_started_at=None,
    )  # fmt: skip


def _plan(log: Path, repo: Path, config: str | None) -> tuple[Plan, list[JobResult], Settings]:
    if not repo.is_dir():
        raise UserError(f"{repo}: not a directory; --repo names the project's working tree")
    settings = _settings(repo, config)
    redactor = Redactor()
    context = AnalysisContext(
        repository=f"local/{repo.resolve().name}",
        module_overrides=dict(settings.requirements.mapping),
        min_confidence=settings.min_confidence if settings.min_confidence is not None else 0.7,
        redact=lambda text: redactor.redact(text).text,
    )
    diagnoses = analyze_file(log, settings.ruleset, context)
    jobs = [JobResult(index + 1, d.source, "", "failure", d) for index, d in enumerate(diagnoses)]
    policy = Policy(
        min_confidence=context.min_confidence,
        actions={k: Action(v) for k, v in settings.actions.items()},
        severity=dict(settings.severity),
        enabled_fixers=frozenset(settings.fixers.enable),
    )
    return make_plan(jobs, _local_run(repo), policy), jobs, settings


def recover(log: Path, repo: Path, config: str | None, fmt: str) -> int:
    plan, jobs, _ = _plan(log, repo, config)
    if fmt == "json":
        data = {
            "jobs": [
                {"source": j.name, **(j.diagnosis.to_dict() if j.diagnosis else {})} for j in jobs
            ],
            "plan": plan.to_dict(),
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for decision in plan.decisions:
        fixes = ", ".join(f.spec for f in decision.fixes)
        sys.stdout.write(
            f"{decision.action}{' (' + fixes + ')' if fixes else ''} for "
            f"{', '.join(j.name for j in jobs if j.job_id in decision.jobs)}\n"
            f"  {decision.category}, {decision.severity}, fingerprint {decision.fingerprint}\n"
            f"  why: {decision.reason}\n"
        )
    return 0


def _copy(repo: Path, into: Path) -> GitRepo:
    """A throw-away git repository holding the project's files, for a dry run."""
    for path in sorted(repo.rglob("*")):
        relative = path.relative_to(repo)
        if _SKIP_DIRS & set(relative.parts) or path.is_symlink() or not path.is_file():
            continue
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return GitRepo.snapshot(into)


def execute(log: Path, repo: Path, config: str | None, dry_run: bool) -> int:
    plan, jobs, settings = _plan(log, repo, config)
    by_id = {job.job_id: job for job in jobs}
    redactor = Redactor()
    renderer = Renderer()
    run = _local_run(repo)
    with tempfile.TemporaryDirectory(prefix="autorecover-") as temp:
        tools = ToolEnv(Path(temp) / "tools", redactor=redactor)
        for decision in plan.decisions:
            if decision.action is Action.FIX_PR:
                _fix(
                    decision,
                    by_id,
                    repo,
                    Path(temp),
                    dry_run,
                    settings,
                    tools,
                    run,
                    renderer,
                    redactor,
                )
            elif decision.action is Action.ISSUE:
                _show_issue(decision, by_id, run, settings, renderer, redactor)
            else:
                sys.stdout.write(f"{decision.action}: {decision.reason} (nothing to do locally)\n")
    return 0


def _fix(
    decision: Any, jobs: dict[int, JobResult], repo: Path, temp: Path, dry_run: bool,
    settings: Settings, tools: ToolEnv, run: WorkflowRun, renderer: Renderer, redactor: Redactor,
) -> None:  # fmt: skip
    if dry_run:
        tree = _copy(repo, temp / "copy")
    else:
        tree = GitRepo(repo)
        try:
            tree.rev_parse("HEAD")
        except CommandError as exc:
            raise UserError(
                f"{repo}: not a git repository with a commit; fixes run on tracked files only "
                "(use --dry-run to try them on a copy)"
            ) from exc
    base = tree.rev_parse("HEAD")
    applied, failures = apply_fixes(
        tree, decision, jobs, tools=tools, redactor=redactor, trusted=True, settings=settings,
        commit=False,
    )  # fmt: skip
    for failure in failures:
        sys.stdout.write(f"not fixed: {failure}\n")
    if not applied:
        sys.stdout.write("nothing was fixed\n")
        return
    diff = tree.working_diff(base).text
    branch = bot_branch_name(str(decision.category), decision.fingerprint)
    if dry_run:
        body = pr_body(decision, applied, jobs, run, _stat(diff), settings, renderer, redactor)
        sys.stdout.write(
            f"== dry run: nothing changed in {repo}\n== the fix (would go on {branch})\n{diff}\n"
            f"== the pull request body\n{body}\n"
        )
    else:
        files = sorted({f for a in applied for f in a.result.changed_files})
        sys.stdout.write(f"fixed, uncommitted, in {repo}: {', '.join(files)}\n{diff}")


def _stat(diff: str) -> str:
    files = sum(1 for line in diff.splitlines() if line.startswith("diff --git"))
    added = sum(
        1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    )
    deleted = sum(
        1 for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    )
    return f"{files} file(s) changed, {added} insertions(+), {deleted} deletions(-)"


def _show_issue(
    decision: Any, jobs: dict[int, JobResult], run: WorkflowRun, settings: Settings,
    renderer: Renderer, redactor: Redactor,
) -> None:  # fmt: skip
    from datetime import UTC, datetime

    from autorecover.reporting import issue_preview

    ctx = ReportContext(run, jobs, {}, settings.issues, renderer, redactor, datetime.now(UTC))
    title, body = issue_preview(decision, ctx)
    sys.stdout.write(f"== issue it would open: {title}\n{body}\n")

"""Make the fixes of a `fix_pr` decision in a working tree: each fixer applies its fix, the
check that failed is re-run to verify it, and the change is committed on its own (or, for
`autorecover execute`, left in the working tree). A fix that fails or does not verify is
undone; why is reported, and the rest go on.

Shared by the action's fix PR (execute/fix_pr.py) and the local `execute` command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from autorecover.adapters.git import GitRepo
from autorecover.adapters.worktree import Worktree
from autorecover.core.applied import Applied
from autorecover.core.bodies import commit_message
from autorecover.core.models import Decision, Diagnosis, Fix, JobResult
from autorecover.core.settings import Settings
from autorecover.core.text.redact import Redactor
from autorecover.fixers import REGISTRY, FixContext, FixerError, ToolEnv


@dataclass(frozen=True)
class Attempt:
    applied: tuple[Applied, ...]
    failures: tuple[str, ...]  # "<fix>: why it was not made", for the report


def diagnosis_for(fix: Fix, decision: Decision, jobs: Mapping[int, JobResult]) -> Diagnosis | None:
    """The job whose failure `fix` answers (its log names the files and the install step)."""
    for job_id in decision.jobs:
        diagnosis = jobs[job_id].diagnosis if job_id in jobs else None
        if diagnosis is not None and any(f.spec == fix.spec for f in diagnosis.fixes):
            return diagnosis
    return None


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
) -> Attempt:
    applied: list[Applied] = []
    failures: list[str] = []
    for fix in decision.fixes:
        fixer = REGISTRY.get(fix.fixer)
        diagnosis = diagnosis_for(fix, decision, jobs)
        context = FixContext.for_checkout(
            tree,
            tools=tools,
            redactor=redactor,
            trusted=trusted,
            diagnosis=diagnosis,
            requirements_file=fix.param("requirements_file") or None,
            versions=settings.fixer_versions,
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
            why = "changed nothing" if verification.passed else "the check still fails"
            failures.append(f"{fix.spec}: {why}")
            continue
        done = Applied(fix, result, verification)
        if commit and isinstance(tree, Worktree):
            tree.commit(result.changed_files, commit_message(done, diagnosis), decision.fingerprint)
        applied.append(done)
    return Attempt(tuple(applied), tuple(failures))

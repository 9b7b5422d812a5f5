"""Every body autorecover posts, rendered from one realistic run: a matrix of three pytest
jobs that failed the same way and a black failure, on CI #42 (and the same PR body for a
local run). The render test (tests/adapters/test_render.py) checks their structure as
GitHub shows it; scripts/screenshots.py photographs them for the docs.

The diagnoses come from the real analyzer on real log lines, the plan from the real
planner, the contexts from core/bodies.py and the text from the built-in templates: only
the fix's result (which files black changed) is stated rather than run.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from autorecover.adapters.render import Renderer
from autorecover.constants import fingerprint_marker, format_time
from autorecover.core import bodies
from autorecover.core import ledger as ledgerlib
from autorecover.core import summary
from autorecover.core.analysis.diagnose import AnalysisContext, analyze_text
from autorecover.core.applied import Applied, FixResult, Verification
from autorecover.core.config import Config
from autorecover.core.event import WorkflowRun
from autorecover.core.models import (
    Action,
    Decision,
    Diagnosis,
    JobResult,
    Outcome,
    Posting,
    Preview,
    Result,
    Status,
)
from autorecover.core.plan import make_plan
from autorecover.core.report import RunReport
from autorecover.core.settings import Settings
from autorecover.core.tracker import Item

NOW = datetime(2026, 3, 12, 10, 20, tzinfo=UTC)
SITE = "https://github.com/octo-org/shop"
SHA = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
PYTEST_LOG = "\n".join(
    [
        "##[group]Run pytest",
        "##[endgroup]",
        "tests/test_cart.py ..F.                                                   [100%]",
        "=================================== FAILURES ===================================",
        "________________________________ test_total ____________________________________",
        "    def test_total():",
        ">       assert Cart([Item('pen', 150, 2)]).total_cents() == 310",
        "E       assert 300 == 310",
        "tests/test_cart.py:14: AssertionError",
        "=========================== short test summary info ============================",
        "FAILED tests/test_cart.py::test_total - assert 300 == 310",
        "========================= 1 failed, 3 passed in 0.12s ==========================",
        "##[error]Process completed with exit code 1.",
    ]
)
BLACK_LOG = "\n".join(
    [
        "##[group]Run black --check .",
        "##[endgroup]",
        "would reformat /home/runner/work/shop/shop/src/shop/cart.py",
        "Oh no! 💥 💔 💥",
        "1 file would be reformatted, 2 files would be left unchanged.",
        "##[error]Process completed with exit code 1.",
    ]
)
DIFF = """\
diff --git a/src/shop/cart.py b/src/shop/cart.py
--- a/src/shop/cart.py
+++ b/src/shop/cart.py
@@ -1,4 +1,4 @@
-from dataclasses import dataclass,field
+from dataclasses import dataclass, field
"""


def workflow_run(*, local: bool = False) -> WorkflowRun:
    """CI #42 of octo-org/shop, or (`local`) the run `autorecover execute` makes up."""
    return WorkflowRun(
        id=0 if local else 8012345678, attempt=1, name="local run" if local else "CI",
        event="push", action="completed", status="completed", conclusion="failure",
        head_branch=None if local else "main", head_sha=SHA, workflow_path=None,
        display_title="", html_url="" if local else f"{SITE}/actions/runs/8012345678",
        repository="octo-org/shop", repository_id=1,
        default_branch="" if local else "main", private=False,
        head_repository="octo-org/shop", head_repository_id=1, pull_requests=(), actor="",
        triggering_actor="", head_commit_message="", created_at=None, run_started_at=None,
        run_number=None if local else 42,
    )  # fmt: skip


def _job(job_id: int, name: str, log: str, *, local: bool = False) -> JobResult:
    context = AnalysisContext(repository="octo-org/shop", job_name=name)
    diagnosis = analyze_text(log, name, context=context)
    url = "" if local else f"{SITE}/actions/runs/8012345678/job/{job_id}"
    return JobResult(job_id, name, url, "failure", diagnosis)


def jobs(*, local: bool = False) -> list[JobResult]:
    matrix = [_job(100 + n, f"test (3.1{n})", PYTEST_LOG, local=local) for n in (1, 2, 3)]
    return [*matrix, _job(200, "lint", BLACK_LOG, local=local)]


def _applied(decision: Decision) -> tuple[Applied, ...]:
    (fix,) = decision.fixes
    result = FixResult(("src/shop/cart.py",), "black", "24.3.0")
    return (Applied(fix, result, Verification(True, ("black", "--check", "src/shop/cart.py"), "")),)


def _entry() -> dict[str, Any]:
    return {"occurrences": 3, "first_seen": format_time(NOW - timedelta(days=9))}


def contexts(*, local: bool = False) -> dict[str, dict[str, Any]]:
    """The context of each template, for the run above."""
    run, found = workflow_run(local=local), jobs(local=local)
    by_id = {job.job_id: job for job in found}
    plan = make_plan(found, run, Settings.resolve(Config()))
    fix = next(d for d in plan.decisions if d.action is Action.FIX_PR)
    issue = next(d for d in plan.decisions if d.action is Action.ISSUE)
    config = Config()
    return {
        "pr_body.md.j2": bodies.pr_context(
            fix, _applied(fix), bodies.jobs_of(fix, by_id), run,
            "1 file changed, 9 insertions(+), 9 deletions(-)", config.pull_requests,
        ),
        "issue_body.md.j2": bodies.issue_context(
            issue, run, bodies.jobs_of(issue, by_id), _entry(), config.issues, None
        ),
        "comment.md.j2": bodies.comment_context(issue, run, bodies.jobs_of(issue, by_id), _entry()),
        "dashboard.md.j2": _dashboard(run, found),
    }  # fmt: skip


def _dashboard(run: WorkflowRun, found: list[JobResult]) -> dict[str, Any]:
    """The dashboard after this run, as the action leaves it: one occurrence per failure and
    run (three matrix jobs failing alike are one), the issue and the fix PR it opened."""
    ledger = ledgerlib.empty()
    firsts: dict[str, Diagnosis] = {}
    for job in found:
        d = job.diagnosis
        assert d is not None
        firsts.setdefault(d.fingerprint, d)
    for fingerprint, d in firsts.items():
        occurrence = ledgerlib.Occurrence(
            fingerprint, str(d.category), d.rule or "", d.title, run.id, format_time(NOW)
        )
        ledger = ledgerlib.apply_once(ledger, fingerprint, [ledgerlib.occurred(occurrence)])
    test, lint = (fingerprint_marker(f) for f in firsts)
    pulls = [Item(7, "autorecover: format with black", lint, "open", f"{SITE}/pull/7",
                  is_pull=True)]  # fmt: skip
    issues = [Item(6, "[autorecover] Test failed: tests/test_cart.py::test_total", test, "open",
                   f"{SITE}/issues/6")]  # fmt: skip
    return bodies.dashboard_context(pulls, issues, ledger, NOW)


def rendered(*, local: bool = False) -> dict[str, str]:
    """Each template's output, the step summary of a dry run included."""
    renderer = Renderer()
    out = {
        name: renderer.render(name, context, trusted=True)
        for name, context in contexts(local=local).items()
    }
    out["summary.md.j2"] = renderer.render(
        "summary.md.j2", summary.summary_context(_report(out).to_dict()), trusted=True
    )
    return out


def _report(out: dict[str, str]) -> RunReport:
    """The dry run's report: each decision previewed with the body it would post."""
    run, found = workflow_run(), jobs()
    plan = make_plan(found, run, Settings.resolve(Config()))
    outcomes = []
    for decision in plan.decisions:
        if decision.action is Action.FIX_PR:
            preview = Preview(Posting.PULL_REQUEST, "autorecover: format with black",
                              out["pr_body.md.j2"], labels=("autorecover",), diff=DIFF,
                              diffstat="1 file changed, 1 insertion(+), 1 deletion(-)")  # fmt: skip
            detail = "would open a pull request from autorecover/linting_error/1a2b3c4d into main"
        else:
            title = bodies.issue_title(decision, [j for j in found if j.job_id in decision.jobs])
            preview = Preview(
                Posting.ISSUE, title, out["issue_body.md.j2"], labels=("autorecover",)
            )
            detail = "would open an issue"
        outcomes.append(Outcome(decision, Status.PROPOSED, detail, preview=preview))
    report = RunReport(run=run, dry_run=True, jobs=tuple(found), plan=plan, requests=9)
    return replace(report, outcomes=tuple(outcomes), result=Result.ANALYSED)

"""Carrying out a plan: one handler per action, the plan's follow-up when GitHub refuses,
what each outcome means for the ledger, and the ledger stored once at the end."""

from __future__ import annotations

from dataclasses import replace

import pytest

from autorecover.core.analysis.diagnose import analyze_text
from autorecover.core.event import WorkflowRun
from autorecover.core.models import Action, Escalation, JobResult, Status
from autorecover.core.plan import make_plan
from autorecover.execute import dispatch
from testing.actionrun import failing_log
from testing.execution import execution, seeded_run
from testing.fakegithub import FakeGitHub

RERUN = "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"
NETWORK = failing_log(
    "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool("
    "host='files.pythonhosted.org', port=443): Read timed out.",
    step="Run pip install -r requirements.txt",
)
UNKNOWN = failing_log("deploy aborted: the staging quota is spent", step="Run ./deploy.sh")


def test_every_action_has_a_handler() -> None:
    assert set(dispatch.HANDLERS) == set(Action)


def jobs_for(fake: FakeGitHub, log: bytes) -> tuple[list[JobResult], WorkflowRun]:
    run = seeded_run(fake, log)
    job = fake.jobs_of(run.id)[0]
    return [JobResult(job.id, "build", "", "failure", analyze_text(log, "build"))], run


def test_an_issue_is_opened_recorded_and_the_ledger_stored_once(fake_github: FakeGitHub) -> None:
    jobs, run = jobs_for(fake_github, UNKNOWN)
    ex = execution(fake_github, run)
    plan = make_plan(jobs, ex.run, ex.settings)
    (outcome,) = dispatch.execute(plan, jobs, ex)
    assert outcome.status is Status.DONE and outcome.opened and outcome.number == 1
    assert ex.dashboard_dirty
    dispatch.conclude(ex)
    entry = ex.ledger["fingerprints"][outcome.decision.fingerprint]
    assert entry["issue"] == 1 and entry["occurrences"] == 1
    assert ex.run.key in ex.ledger["runs"]


def test_a_refused_rerun_is_followed_by_the_issue_the_plan_prescribes(
    fake_github: FakeGitHub,
) -> None:
    jobs, run = jobs_for(fake_github, NETWORK)
    fake_github.script("POST", RERUN, [403])
    ex = execution(fake_github, run)
    plan = make_plan(jobs, ex.run, ex.settings)
    assert [d.action for d in plan.decisions] == [Action.RERUN]
    (outcome,) = dispatch.execute(plan, jobs, ex)
    assert outcome.status is Status.FAILED and outcome.decision.action is Action.RERUN
    assert "GitHub refused the rerun" in outcome.detail and outcome.detail.endswith("opened #1")
    assert outcome.url.endswith("/issues/1")
    (issue,) = fake_github.issues
    assert "GitHub refused the rerun" in issue.body
    assert outcome.decision.on_failure is Escalation.RERUN_REFUSED


def test_a_done_rerun_is_recorded_as_pending(fake_github: FakeGitHub) -> None:
    jobs, run = jobs_for(fake_github, NETWORK)
    ex = execution(fake_github, run)
    (outcome,) = dispatch.execute(make_plan(jobs, ex.run, ex.settings), jobs, ex)
    assert outcome.status is Status.DONE
    dispatch.conclude(ex)
    assert ex.ledger["pending_reruns"][str(ex.run.id)]["attempt"] == ex.run.attempt
    assert len(fake_github.reruns) == 1


@pytest.mark.parametrize("succeeded", [True, False])
def test_record_attempt_after_our_rerun(fake_github: FakeGitHub, succeeded: bool) -> None:
    jobs, run = jobs_for(fake_github, NETWORK)
    ex = execution(fake_github, run)
    dispatch.execute(make_plan(jobs, ex.run, ex.settings), jobs, ex)
    dispatch.conclude(ex)
    later = execution(fake_github, replace(ex.run, attempt=ex.run.attempt + 1))
    later.load_ledger()
    dispatch.record_attempt(later, succeeded=succeeded)
    dispatch.conclude(later)
    fingerprint = jobs[0].diagnosis.fingerprint  # type: ignore[union-attr]
    assert later.ledger["fingerprints"][fingerprint]["recoveries"] == (1 if succeeded else 0)
    assert str(ex.run.id) not in later.ledger["pending_reruns"]

"""The recovery loop against the fake GitHub: reruns with backoff and budgets, one issue per
fingerprint, the ledger and its compare-and-swap, the dashboard (rows docs/security.md#t21, #t25,
#t38, #t39, docs/security.md#t46, #t47 and two processes at once)."""

from __future__ import annotations

from testing.actionrun import ActionRun, failing_log
from testing.fakegithub import FakeGitHub, Fault, JobSpec, timeout_annotation
from testing.recovery import NETWORK, Sleeps, failure_issues, ledger, run_event

RERUN = "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"


# ---------------------------------------------------------------------------- reruns


def test_transient_failure_is_rerun_after_backoff(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    sleeps = Sleeps()
    action.inputs.update({"rerun-backoff-seconds": "10", "rerun-backoff-max-seconds": "60"})
    result = action.in_process(run_event(fake_github, NETWORK), sleeps)
    assert result.code == 0, result.report
    assert result.outputs["result"] == "rerun"
    assert len(fake_github.reruns) == 1
    assert len(sleeps.calls) == 1 and 5 <= sleeps.calls[0] <= 10  # 10 * 2^0 with jitter
    state = ledger(fake_github)
    (entry,) = state["fingerprints"].values()
    assert entry["reruns"] == 1 and entry["occurrences"] == 1
    assert str(result.report["run"]["id"]) in state["pending_reruns"]


def test_rerun_recovery_request_budget(action: ActionRun, fake_github: FakeGitHub) -> None:
    """Once the ledger exists: config, jobs, log, ledger read, rerun, the listing and the
    dashboard's PATCH (the rerun changes what it shows), ledger write."""
    action.inputs["rerun-backoff-seconds"] = "0"
    action.in_process(run_event(fake_github, NETWORK), Sleeps())  # creates the state branch
    before = len(fake_github.requests)
    action.in_process(run_event(fake_github, NETWORK), Sleeps())
    requests = [(r.method, r.template) for r in fake_github.requests[before:]]
    assert len(requests) == 8, requests


def test_second_attempt_backs_off_longer(action: ActionRun, fake_github: FakeGitHub) -> None:
    sleeps = Sleeps()
    action.inputs.update({"rerun-backoff-seconds": "10", "rerun-backoff-max-seconds": "15"})
    run = fake_github.add_run(jobs=[JobSpec("build", log=NETWORK)], run_attempt=2)
    action.in_process(fake_github.workflow_run_event(run.id), sleeps)
    assert len(sleeps.calls) == 1 and 7.5 <= sleeps.calls[0] <= 15  # 20 capped at 15


def test_success_after_our_rerun_is_recorded_as_recovery(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.inputs["rerun-backoff-seconds"] = "0"
    run = fake_github.add_run(jobs=[JobSpec("build", log=NETWORK)])
    first = action.in_process(fake_github.workflow_run_event(run.id), Sleeps())
    assert first.outputs["result"] == "rerun"
    fake_github.finish_attempt(run.id, "success")
    second = action.in_process(fake_github.workflow_run_event(run.id), Sleeps())
    assert second.code == 0 and second.outputs["result"] == "recorded"
    (entry,) = ledger(fake_github)["fingerprints"].values()
    assert (entry["reruns"], entry["recoveries"]) == (1, 1)
    assert ledger(fake_github)["pending_reruns"] == {}
    dashboard = [i for i in fake_github.issues if "autorecover:dashboard" in (i.body or "")]
    assert len(dashboard) == 1 and "1 of 1 reruns recovered" in dashboard[0].body


def test_first_attempt_success_needs_no_api_call(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    result = action.subprocess(run_event(fake_github, conclusion="success"))
    assert result.outputs["result"] == "skipped" and fake_github.requests == []


def test_reruns_exhausted_becomes_one_flaky_issue_t38(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    run = fake_github.add_run(jobs=[JobSpec("build", log=NETWORK)], run_attempt=3)
    result = action.in_process(fake_github.workflow_run_event(run.id), Sleeps())
    assert fake_github.reruns == []
    (issue,) = failure_issues(fake_github)
    assert "Flaky, reruns exhausted" in issue.title
    assert "reruns exhausted" in issue.body
    assert result.outputs["result"] == "reported"


def test_rerun_refused_is_explained_t38(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.inputs["rerun-backoff-seconds"] = "0"
    fake_github.script(
        "POST", RERUN, [Fault.rerun_forbidden("This workflow run cannot be retried")]
    )
    result = action.in_process(run_event(fake_github, NETWORK), Sleeps())
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed" and "cannot be retried" in outcome["detail"]
    assert "30 days" in outcome["detail"]
    (issue,) = failure_issues(fake_github)
    assert "GitHub refused the rerun" in issue.body


def test_circuit_breaker_stops_reruns_that_rarely_help(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    action.inputs["rerun-backoff-seconds"] = "0"
    for _ in range(3):  # three reruns that never recovered
        run = fake_github.add_run(jobs=[JobSpec("build", log=NETWORK)])
        assert (
            action.in_process(fake_github.workflow_run_event(run.id), Sleeps()).outputs["result"]
            == "rerun"
        )
        fake_github.finish_attempt(run.id, "failure")
        action.in_process(fake_github.workflow_run_event(run.id), Sleeps())
    reruns = len(fake_github.reruns)
    run = fake_github.add_run(jobs=[JobSpec("build", log=NETWORK)])
    result = action.in_process(fake_github.workflow_run_event(run.id), Sleeps())
    assert len(fake_github.reruns) == reruns
    decision = result.report["plan"]["decisions"][0]
    assert decision["action"] == "issue" and decision["escalation"] == "circuit-breaker"


def test_fork_runs_are_not_rerun_by_default_t39(action: ActionRun, fake_github: FakeGitHub) -> None:
    event = run_event(fake_github, NETWORK, event="pull_request", fork_owner="mallory")
    result = action.in_process(event, Sleeps())
    assert fake_github.reruns == [] and result.report["plan"]["decisions"][0]["action"] == "none"
    assert [r for r in fake_github.write_calls() if r.template.endswith("rerun-failed-jobs")] == []


def test_fork_reruns_when_opted_in_t39(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(
        ".github/autorecover.yml", "rerun:\n  allow_forks: true\n  backoff_seconds: 0\n"
    )
    action.inputs["rerun-backoff-seconds"] = "0"
    result = action.in_process(
        run_event(fake_github, NETWORK, event="pull_request", fork_owner="mallory"), Sleeps()
    )
    assert len(fake_github.reruns) == 1 and result.outputs["result"] == "rerun"


# ---------------------------------------------------------------------------- issues


def test_dns_failing_on_a_self_hosted_runner_is_not_rerun(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """The jobs API says the machine is self-hosted (its `self-hosted` label): a host that
    does not resolve there is the machine's configuration, and a rerun lands on it again."""
    dns = failing_log("curl: (6) Could not resolve host: github.com", step="Run ./fetch.sh", code=6)
    steps = ["Set up job", "Run ./fetch.sh", "Complete job"]
    jobs = [JobSpec("fetch", log=dns, steps=steps, labels=("self-hosted", "linux"))]
    run = fake_github.add_run(jobs=jobs)
    result = action.in_process(fake_github.workflow_run_event(run.id), Sleeps())
    assert result.code == 0, result.report
    assert fake_github.reruns == []
    (decision,) = result.report["plan"]["decisions"]
    assert decision["action"] == "issue" and "self-hosted runner" in decision["reason"]
    (issue,) = failure_issues(fake_github)
    assert "autorecover: configuration_error" in issue.labels


# ---------------------------------------------------------------------------- timeouts

TIMED_OUT = failing_log("tests/test_slow.py ....", "##[error]The operation was canceled.")


def _timed_out(fake: FakeGitHub, minutes: float) -> dict[str, object]:
    job = JobSpec(
        "test",
        conclusion="cancelled",
        log=TIMED_OUT,
        annotations=[timeout_annotation(minutes=int(minutes))],
        minutes=minutes,
    )
    return fake.workflow_run_event(fake.add_run(conclusion="cancelled", jobs=[job]).id)


def test_a_short_timeout_is_rerun(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.inputs["rerun-backoff-seconds"] = "0"
    result = action.in_process(_timed_out(fake_github, 20), Sleeps())
    assert result.outputs["result"] == "rerun" and len(fake_github.reruns) == 1


def test_a_six_hour_timeout_becomes_an_issue_not_a_rerun(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    """A rerun of a job that ran into GitHub's 6-hour limit costs another 6 hours."""
    result = action.in_process(_timed_out(fake_github, 360), Sleeps())
    assert result.outputs["result"] == "reported" and fake_github.reruns == []
    (decision,) = result.report["plan"]["decisions"]
    assert decision["action"] == "issue" and decision["category"] == "timeout"
    assert "timed out after running 360 minutes" in decision["reason"]
    assert result.report["jobs"][0]["minutes"] == 360
    (issue,) = failure_issues(fake_github)
    assert "timeout" in issue.title.lower() or "timeout" in " ".join(issue.labels)


def test_the_timeout_limit_is_configurable(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(
        ".github/autorecover.yml", "rerun:\n  timeout_max_minutes: 400\n  backoff_seconds: 0\n"
    )
    result = action.in_process(_timed_out(fake_github, 360), Sleeps())
    assert result.outputs["result"] == "rerun"

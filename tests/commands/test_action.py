"""`autorecover action` end to end against the fake GitHub, run as a runner runs it.

Covers every skip reason and rows T24-T31, T40-T44, T47-T50 of docs/security.md (c).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from testing.actionrun import TOKEN, ActionRun, failing_log
from testing.fakegithub import FakeGitHub, Fault, JobSpec, timeout_annotation

ISSUES = "/repos/{owner}/{repo}/issues"
JOBS = "/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs"
JOB_LOG = "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"

BLACK = failing_log(
    "would reformat src/app.py", "1 file would be reformatted.", step="Run black --check ."
)
YAML = failing_log("E   ModuleNotFoundError: No module named 'yaml'")


@pytest.fixture
def action(fake_github: FakeGitHub, tmp_path: Path) -> ActionRun:
    return ActionRun(fake_github, tmp_path)


class Sleeps:
    """The one seam the tests replace: `time.sleep`, recorded instead of slept."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def event_for(fake: FakeGitHub, **run: Any) -> dict[str, Any]:
    jobs = run.pop("jobs", [JobSpec("lint", log=BLACK)])
    created = fake.add_run(jobs=jobs, **run)
    return fake.workflow_run_event(created.id)


# ---------------------------------------------------------------------------- analysis


def test_analyses_failed_jobs_and_reports(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.inputs["dry-run"] = "true"  # the analysis and the report (fixes: test_fixpr.py)
    event = event_for(
        fake_github,
        jobs=[
            JobSpec("lint", log=BLACK),
            JobSpec("test", log=YAML),
            JobSpec("docs", conclusion="success"),
        ],
    )
    result = action.subprocess(event)
    assert result.code == 0, result.stderr
    assert result.outputs["result"] == "analysed"
    assert result.outputs["category"] in ("linting_error", "dependency_issue")
    report = result.report
    assert report is not None and report["run"]["trusted"] is True
    assert [job["name"] for job in report["jobs"]] == ["lint", "test"]
    assert {job["diagnosis"]["action"] for job in report["jobs"]} == {"fix_pr"}
    assert result.outputs["report"].endswith("autorecover-report.json")
    assert "| Job | Category |" in result.summary and "Black would reformat" in result.summary
    # The log host never saw the token (a 302 to another host must not carry it).
    assert fake_github.blob_requests
    assert all(
        "authorization" not in {k.lower() for k in r.headers} for r in fake_github.blob_requests
    )


def test_analysis_request_budget(action: ActionRun, fake_github: FakeGitHub) -> None:
    """Analysis costs at most 4 requests plus 2 per failed job (here: the config, the
    ledger, the jobs, and one log per job, since these logs explain themselves without
    annotations)."""
    action.inputs["dry-run"] = "true"
    event = event_for(
        fake_github, jobs=[JobSpec("a", log=BLACK), JobSpec("b", log=YAML), JobSpec("c", log=YAML)]
    )
    result = action.subprocess(event)
    assert result.code == 0
    analysis = [
        r for r in fake_github.requests if "/issues" not in r.path and "/pulls" not in r.path
    ]
    assert len(analysis) == 3 + 3 <= 4 + 2 * 3
    # The dry run's preview of the fix PR and the issue only reads (what is already open).
    previews = fake_github.requests[len(analysis) :]
    assert {r.method for r in previews} == {"GET"} and len(previews) <= 3
    assert result.report is not None
    assert result.report["api"]["requests"] == len(fake_github.requests)


def test_dry_run_makes_no_write_request(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.inputs["dry-run"] = "true"
    result = action.subprocess(event_for(fake_github))
    assert result.code == 0 and result.report is not None and result.report["dry_run"] is True
    assert fake_github.write_calls() == []
    assert "(dry run)" in result.summary


def test_job_timeout_known_only_from_annotations(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    log = failing_log("tests/test_slow.py ....", "##[error]The operation was canceled.")
    event = event_for(
        fake_github,
        conclusion="cancelled",
        jobs=[JobSpec("test", conclusion="cancelled", log=log, annotations=[timeout_annotation()])],
    )
    result = action.subprocess(event)
    assert result.code == 0
    assert (result.outputs["category"], result.report["jobs"][0]["diagnosis"]["action"]) == (
        "timeout",
        "rerun",
    )


def test_config_is_read_from_the_default_branch(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", "actions:\n  linting_error: issue\n")
    result = action.subprocess(event_for(fake_github))
    assert result.report is not None
    (decision,) = result.report["plan"]["decisions"]
    assert decision["action"] == "issue" and "config maps linting_error" in decision["reason"]
    config_get = next(
        r for r in fake_github.requests if r.path.endswith("/contents/.github/autorecover.yml")
    )
    assert config_get.query.get("ref") in ("main", ["main"])


def test_invalid_config_is_a_clear_error(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", "rulez: {}\n")
    result = action.subprocess(event_for(fake_github))
    assert result.code == 1
    assert "unknown key 'rulez'" in result.stdout and "::error" in result.stdout
    assert "unknown key 'rulez'" in result.summary  # the summary is written on failure too


MYPY_RULE = """
rules:
  add:
    - id: test-mypy-error
      category: type_error
      severity: medium
      title: mypy found type errors
      patterns: ['^(?P<path>[^:\\s]+\\.py):(?P<line>\\d+): error: ']
      explanation: e
      remediation: r
"""


def test_file_annotations_for_findings_naming_repository_files(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.put_file(".github/autorecover.yml", MYPY_RULE)
    log = failing_log(
        'src/app/models.py:12: error: Incompatible return value type (got "int", expected "str")  [return-value]',
        "Found 1 error in 1 file (checked 3 source files)",
        step="Run mypy src",
    )
    result = action.subprocess(event_for(fake_github, jobs=[JobSpec("types", log=log)]))
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    properties = line.split("::")[1].split(" ", 1)[1].split(",")
    assert sorted(properties) == [
        "file=src/app/models.py",
        "line=12",
        "title=autorecover%3A type_error",
    ]


# ---------------------------------------------------------------------------- skipping


@pytest.mark.parametrize(
    ("run", "reason"),
    [
        pytest.param({"conclusion": "success"}, "succeeded", id="success"),
        pytest.param({"conclusion": "skipped"}, "concluded 'skipped'", id="skipped"),
        pytest.param({"conclusion": "neutral"}, "concluded 'neutral'", id="neutral"),
        pytest.param(
            {"conclusion": "action_required"}, "concluded 'action_required'", id="action-required"
        ),
        pytest.param(
            {"head_branch": "autorecover/linting_error/1234abcd"}, "own branch", id="bot-branch-t37"
        ),
        pytest.param(
            {
                "head_commit_message": "Format with black\n\nAutorecover-Fingerprint: 1234abcd5678ef90"
            },
            "made by autorecover",
            id="bot-commit-t37",
        ),
    ],
)
def test_skips_without_api_calls(
    action: ActionRun, fake_github: FakeGitHub, run: dict[str, Any], reason: str
) -> None:
    result = action.subprocess(event_for(fake_github, **run))
    assert result.code == 0
    assert result.outputs["result"] == "skipped"
    assert reason in result.report["skip_reason"]
    assert fake_github.requests == []
    assert "**Skipped:**" in result.summary


def test_skips_other_events_t48(action: ActionRun, fake_github: FakeGitHub) -> None:
    result = action.subprocess({"ref": "refs/heads/main"}, event_name="push")
    assert result.code == 0 and result.outputs["result"] == "skipped"
    assert "not workflow_run" in result.report["skip_reason"]
    assert fake_github.requests == []


def test_skips_a_run_that_is_not_completed(action: ActionRun, fake_github: FakeGitHub) -> None:
    run = fake_github.add_run(jobs=[JobSpec("lint", log=BLACK)])
    result = action.subprocess(fake_github.workflow_run_event(run.id, action="requested"))
    assert result.outputs["result"] == "skipped" and fake_github.requests == []


def test_skips_a_cancel_by_a_person(action: ActionRun, fake_github: FakeGitHub) -> None:
    log = failing_log("##[error]The operation was canceled.")
    event = event_for(
        fake_github, conclusion="cancelled", jobs=[JobSpec("test", conclusion="cancelled", log=log)]
    )
    result = action.subprocess(event)
    assert result.code == 0 and result.outputs["result"] == "skipped"
    assert "cancelled" in result.report["skip_reason"]
    assert fake_github.write_calls() == []


def test_skips_when_disabled_in_config(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", "enabled: false\n")
    result = action.subprocess(event_for(fake_github))
    assert (
        result.outputs["result"] == "skipped" and "enabled: false" in result.report["skip_reason"]
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="not-json"),
        pytest.param(
            json.dumps({"action": "completed"}), "malformed: workflow_run", id="missing-run"
        ),
        pytest.param(
            json.dumps(
                {
                    "action": "completed",
                    "repository": {"id": 1, "full_name": "o/r"},
                    "workflow_run": {"id": 1, "event": "push", "head_sha": "nope"},
                }
            ),
            "head_sha",
            id="bad-sha",
        ),
    ],
)
def test_malformed_event_is_a_clear_error_t48(
    action: ActionRun, fake_github: FakeGitHub, payload: str, message: str
) -> None:
    result = action.subprocess(payload)
    assert result.code == 1
    assert message in result.report["error"]
    assert fake_github.requests == []
    assert "Traceback" not in result.stderr


def test_fork_runs_are_analysed_read_only(action: ActionRun, fake_github: FakeGitHub) -> None:
    event = event_for(
        fake_github,
        event="pull_request",
        fork_owner="mallory",
        head_branch="main",
        actor="dependabot[bot]",
    )
    result = action.subprocess(event)
    assert result.code == 0
    assert result.report["run"]["trusted"] is False
    assert "not octo-org/octo-repo" in result.report["run"]["trust_reason"]
    decisions = result.report["plan"]["decisions"]
    assert all(d["action"] != "fix_pr" for d in decisions)
    # Read-only: at most one issue (labels included), no push, no rerun; the only other
    # writes keep the ledger (its budget and claims count fork runs too).
    state = {
        ("POST", "/repos/{owner}/{repo}/git/blobs"), ("POST", "/repos/{owner}/{repo}/git/trees"),
        ("POST", "/repos/{owner}/{repo}/git/commits"), ("POST", "/repos/{owner}/{repo}/git/refs"),
        ("PUT", "/repos/{owner}/{repo}/contents/{path}"),
    }  # fmt: skip
    writes = {(r.method, r.template) for r in fake_github.write_calls()}
    assert writes <= {("POST", ISSUES), ("POST", "/repos/{owner}/{repo}/labels"), *state}
    refs = [r.body.get("ref") for r in fake_github.write_calls() if r.template.endswith("/refs")]
    assert all(ref == "refs/heads/autorecover/state" for ref in refs)
    assert len(fake_github.issues) <= 1


# ---------------------------------------------------------------------------- faults


def test_retries_gets_on_5xx_with_backoff_t24(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.inputs["dry-run"] = "true"
    fake_github.script("GET", JOBS, [502, 503])
    sleeps = Sleeps()
    result = action.in_process(event_for(fake_github), sleeps)
    assert result.code == 0 and result.outputs["result"] == "analysed"
    assert len(sleeps.calls) == 2 and all(0 <= s <= 30 for s in sleeps.calls)


def test_gives_up_after_bounded_retries_t24(action: ActionRun, fake_github: FakeGitHub) -> None:
    fake_github.script("GET", JOBS, [503] * 20)
    sleeps = Sleeps()
    result = action.in_process(event_for(fake_github), sleeps)
    assert result.code == 1
    assert "gave up after 5 attempts" in result.report["error"]
    assert len(fake_github.calls("GET", JOBS)) == 5
    assert fake_github.write_calls() == []


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_honours_retry_after_t26(
    action: ActionRun, fake_github: FakeGitHub, status: int
) -> None:
    fake_github.script("GET", JOBS, [Fault.secondary_rate_limit(retry_after=7, status=status)])
    sleeps = Sleeps()
    result = action.in_process(event_for(fake_github), sleeps)
    assert result.code == 0
    assert sleeps.calls == [7.0]


def test_primary_rate_limit_past_the_deadline_stops_t27(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.script(
        "GET", JOBS, [Fault.primary_rate_limit(reset_epoch=int(time.time()) + 40 * 60)]
    )
    sleeps = Sleeps()
    action.extra_env["AUTORECOVER_DEADLINE"] = "600"
    result = action.in_process(event_for(fake_github), sleeps)
    assert result.code == 1
    assert "rate-limited by GitHub until" in result.report["error"]
    assert sleeps.calls == [] and len(fake_github.calls("GET", JOBS)) == 1


def test_secondary_limit_without_headers_backs_off_then_gives_up_t28(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.script("GET", JOBS, [Fault.secondary_rate_limit(retry_after=None)] * 10)
    sleeps = Sleeps()
    action.extra_env["AUTORECOVER_DEADLINE"] = "3600"
    result = action.in_process(event_for(fake_github), sleeps)
    assert result.code == 1
    assert sleeps.calls == [60.0, 120.0, 240.0]
    assert "rate-limited" in result.report["error"]


def test_expired_logs_degrade_t29(action: ActionRun, fake_github: FakeGitHub) -> None:
    event = event_for(fake_github, jobs=[JobSpec("lint", log=BLACK, log_state="expired")])
    result = action.subprocess(event)
    assert result.code == 0
    (job,) = result.report["jobs"]
    assert job["log"] == "expired" and job["diagnosis"] is None
    assert "expired" in result.summary


def test_missing_run_is_a_clear_error_without_writes_t30(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.script("GET", JOBS, [404])
    result = action.subprocess(event_for(fake_github))
    assert result.code == 1 and "not found (404)" in result.report["error"]
    assert fake_github.write_calls() == []


def test_expired_signed_log_url_is_requested_again_t31(
    action: ActionRun, fake_github: FakeGitHub, fake_github_factory: Any
) -> None:
    fast = fake_github_factory(log_url_ttl=-1)  # every signed URL is already expired
    run = ActionRun(fast, action.tmp)
    result = run.subprocess(event_for(fast))
    (job,) = result.report["jobs"]
    assert job["log"] == "missing" and "403" in job["log_detail"]
    assert len(fast.calls("GET", JOB_LOG)) == 2


def test_missing_permission_names_the_permissions_line(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.deny("actions")
    result = action.subprocess(event_for(fake_github))
    assert result.code == 1
    assert "`actions: read`" in result.report["error"] and "permissions:" in result.report["error"]


def test_api_unreachable_is_bounded_t49(action: ActionRun, fake_github: FakeGitHub) -> None:
    action.extra_env["GITHUB_API_URL"] = "http://127.0.0.1:1"
    sleeps = Sleeps()
    result = action.in_process(event_for(fake_github), sleeps)
    assert result.code == 1
    assert "gave up after 5 attempts" in result.report["error"]
    assert len(sleeps.calls) == 4


def test_stalled_api_hits_the_timeout_and_deadline_t50(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.script("GET", JOBS, [Fault(delay=30)] * 5)
    action.extra_env.update({"AUTORECOVER_HTTP_TIMEOUT": "1", "AUTORECOVER_DEADLINE": "3"})
    start = time.monotonic()
    result = action.subprocess(event_for(fake_github), timeout=60)
    assert result.code == 1
    assert time.monotonic() - start < 20
    assert fake_github.write_calls() == []


# ---------------------------------------------------------------------------- hostile logs


def test_token_and_forged_commands_never_reach_stdout_t07(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    hostile = failing_log(
        "::add-mask::x",
        "::stop-commands::abc",
        "\r::error title=x::y",
        "%0A::warning::z",
        "\u0085::error::nel",
        "##[group]forged",
        f"leaked {TOKEN}",
    )
    event = event_for(fake_github, jobs=[JobSpec("evil ::error::job", log=hostile)])
    result = action.subprocess(event)
    # The runner consumes ::add-mask:: lines (they are how the token gets masked); every
    # other line of output must not carry it.
    shown = "\n".join(
        line for line in result.stdout.splitlines() if not line.startswith("::add-mask::")
    )
    assert TOKEN not in shown + result.stderr + result.summary
    assert TOKEN not in json.dumps(result.report)
    fenced = False
    token = None
    for line in result.stdout.splitlines():
        if line.startswith("::stop-commands::"):
            fenced, token = True, line.split("::")[2]
            continue
        if fenced:
            if line == f"::{token}::":
                fenced = False
            continue
        assert not line.startswith("##["), line
        if line.startswith("::"):
            assert line.split("::")[1].split(" ")[0] in ("add-mask", "error"), line


@pytest.mark.parametrize(
    "log",
    [
        pytest.param(
            b"bad \xff\xfe utf-8\nlatin-1 caf\xe9\r\nonly-cr\rline\n" + YAML, id="encodings-t42"
        ),
        pytest.param(
            "\ufeffE   ModuleNotFoundError: No module named 'yaml'\n".encode("utf-16"),
            id="utf16-bom-t42",
        ),
        pytest.param(
            b"\x1b[31m" + YAML.replace(b"E   ", b"\x1b[1mE   \x1b[0m") + b"\x1b[0m", id="ansi-t43"
        ),
    ],
)
def test_hostile_encodings_are_decoded_t42_t43(
    action: ActionRun, fake_github: FakeGitHub, log: bytes
) -> None:
    result = action.subprocess(event_for(fake_github, jobs=[JobSpec("test", log=log)]))
    assert result.code == 0, result.stderr
    (job,) = result.report["jobs"]
    assert job["diagnosis"]["category"] == "dependency_issue"
    result.summary.encode("utf-8")


@pytest.mark.parametrize(
    ("log", "kind"),
    [
        pytest.param(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 10, "gzip", id="gzip-t44"),
        pytest.param(b"\x00\x00\x00junk" * 100, "binary", id="nul-t44"),
    ],
)
def test_binary_logs_are_skipped_with_a_message_t44(
    action: ActionRun, fake_github: FakeGitHub, log: bytes, kind: str
) -> None:
    result = action.subprocess(event_for(fake_github, jobs=[JobSpec("test", log=log)]))
    assert result.code == 0
    (job,) = result.report["jobs"]
    assert job["log"] == "binary" and kind in job["log_detail"]


@pytest.mark.slow
def test_huge_log_streams_in_bounded_memory_t40(action: ActionRun, fake_github: FakeGitHub) -> None:
    line = (
        b"2024-03-12T10:15:02.1234567Z Collecting thing==1.0 (from -r requirements.txt (line 3))\n"
    )
    block = line * 12_000

    def huge():
        for _ in range(300 * (1 << 20) // len(block)):
            yield block
        yield YAML

    action.extra_env["AUTORECOVER_DEADLINE"] = "600"
    result = action.subprocess(
        event_for(fake_github, jobs=[JobSpec("test", log=huge)]), timeout=600
    )
    assert result.code == 0
    (job,) = result.report["jobs"]
    assert job["diagnosis"]["category"] == "dependency_issue"
    assert job["diagnosis"]["stats"]["bytes_skipped"] > 0
    import resource

    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 200 * 1024


@pytest.mark.slow
def test_single_50mb_line_t41(action: ActionRun, fake_github: FakeGitHub) -> None:
    def one_line():
        for _ in range(50):
            yield b"x" * (1 << 20)
        yield b"\n" + YAML

    result = action.subprocess(
        event_for(fake_github, jobs=[JobSpec("test", log=one_line)]), timeout=300
    )
    (job,) = result.report["jobs"]
    assert job["diagnosis"]["stats"]["lines_cut"] == 1
    assert job["diagnosis"]["category"] == "dependency_issue"


# ---------------------------------------------------------------------------- dry run


UNKNOWN = failing_log("quota spent for deploy-key 7", step="Run ./deploy.sh")


def test_a_dry_run_previews_the_issue_and_then_the_comment_a_real_run_posts(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    event = event_for(fake_github, run_number=42, jobs=[JobSpec("deploy", log=UNKNOWN)])
    action.inputs["dry-run"] = "true"
    dry = action.subprocess(event)
    assert fake_github.write_calls() == []
    (outcome,) = dry.report["outcomes"]
    preview = outcome["preview"]
    assert (outcome["status"], preview["posting"]) == ("proposed", "issue")
    assert "<details><summary>The issue it would open</summary>" in dry.summary
    assert "#42, attempt 1" in dry.summary

    action.inputs["dry-run"] = "false"
    action.subprocess(event)
    (issue,) = [i for i in fake_github.issues if "Unrecognised" in i.title]
    # Only the moments differ: the real run came seconds after the preview.
    assert (preview["title"], _moments(preview["body"])) == (issue.title, _moments(issue.body))
    assert _moments(issue.body) in _moments(dry.summary)

    # A comment is due on every recurrence with this setting (at most daily by default).
    fake_github.put_file(".github/autorecover.yml", "issues:\n  comment_interval_hours: 0\n")
    action.inputs["dry-run"] = "true"
    again = action.subprocess(event_for(fake_github, jobs=[JobSpec("deploy", log=UNKNOWN)]))
    (outcome,) = again.report["outcomes"]
    assert outcome["preview"]["posting"] == "comment"
    assert outcome["detail"] == f"would count #{issue.number} seen 2 times and note the recurrence"
    assert f"The comment it would add to #{issue.number}" in again.summary


def _moments(text: str) -> str:
    """`text` with the times of day the issue body records (its seen marker, last seen)."""
    text = re.sub(r"(last|commented)=[0-9T:Z-]+", r"\1=T", text)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "T UTC", text)


def test_a_dry_run_previews_a_rerun_without_waiting(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    log = failing_log(
        "fatal: unable to access 'https://github.com/o/r/': Could not resolve host: github.com"
    )
    action.inputs["dry-run"] = "true"
    sleeps = Sleeps()
    result = action.in_process(event_for(fake_github, jobs=[JobSpec("build", log=log)]), sleeps)
    (outcome,) = result.report["outcomes"]
    assert outcome["action"] == "rerun" and outcome["preview"]["posting"] == "rerun"
    assert outcome["detail"].startswith("would wait ") and sleeps.calls == []
    assert fake_github.write_calls() == []

"""Configuration (validation, filters, templates from the default branch), the generated
reference page, the ledger's pure updates, and `autorecover stats` / `config check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from testing.actionrun import ActionRun, failing_log
from testing.fakegithub import FakeGitHub, JobSpec

UNKNOWN = failing_log("deploy aborted: quota spent", step="Run ./deploy.sh")


@pytest.fixture
def action(fake_github: FakeGitHub, tmp_path: Path) -> ActionRun:
    return ActionRun(fake_github, tmp_path)


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        pytest.param("workflows: [Release]\n", "not in `workflows:`", id="workflow-filter"),
        pytest.param(
            "branches: ['release/*']\n", "matches none of `branches:`", id="branch-filter"
        ),
    ],
)
def test_filters_skip_runs(
    action: ActionRun, fake_github: FakeGitHub, config: str, reason: str
) -> None:
    fake_github.put_file(".github/autorecover.yml", config)
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)], head_branch="main")
    result = action.subprocess(fake_github.workflow_run_event(run.id))
    assert result.outputs["result"] == "skipped" and reason in result.report["skip_reason"]
    assert fake_github.write_calls() == []


def test_user_templates_come_from_the_default_branch(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    fake_github.put_file(
        ".github/autorecover.yml", "templates:\n  directory: .github/autorecover\n"
    )
    fake_github.put_file(
        ".github/autorecover/issue_body.md.j2",
        "{{ marker }}\nCustom report for {{ primary.title | md }}\n",
    )
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)])
    action.subprocess(fake_github.workflow_run_event(run.id))
    (issue,) = [i for i in fake_github.issues if "dashboard" not in (i.body or "")]
    assert (
        issue.body.startswith("<!-- autorecover:fingerprint=") and "Custom report for" in issue.body
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param(
            "{{ marker }}{{ '{0.__class__.__mro__}'|attr('format')(1) }}",
            "sandbox",
            id="sandbox-t12",
        ),
        pytest.param(
            "{{ marker }}{{ cycler.__init__.__globals__ }}",
            "template 'issue_body.md.j2' failed",
            id="globals-t12",
        ),
        pytest.param("{{ marker }}{{ no_such_variable }}", "no_such_variable", id="undefined-t13"),
    ],
)
def test_failing_user_template_falls_back_t12_t13(
    action: ActionRun, fake_github: FakeGitHub, template: str, message: str
) -> None:
    fake_github.put_file(
        ".github/autorecover.yml", "templates:\n  directory: .github/autorecover\n"
    )
    fake_github.put_file(".github/autorecover/issue_body.md.j2", template)
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)])
    result = action.subprocess(fake_github.workflow_run_event(run.id))
    (issue,) = [i for i in fake_github.issues if "dashboard" not in (i.body or "")]
    assert "### What to do" in issue.body  # the built-in template, whole
    assert any(message in note for note in result.report["notes"]), result.report["notes"]


def test_templates_in_the_failing_commit_are_ignored_t14(
    action: ActionRun, fake_github: FakeGitHub
) -> None:
    # The default branch's config lets runs of every branch open issues.
    fake_github.put_file(".github/autorecover.yml", "issues:\n  branches: ['*']\n")
    fake_github.create_branch("feature", from_ref="main")
    fake_github.commit_files(
        {".github/autorecover/issue_body.md.j2": "PWNED {{ marker }}"}, branch="feature"
    )
    fake_github.commit_files(
        {".github/autorecover.yml": "templates:\n  directory: .github/autorecover\n"},
        branch="feature",
    )
    run = fake_github.add_run(jobs=[JobSpec("build", log=UNKNOWN)], head_branch="feature")
    action.subprocess(fake_github.workflow_run_event(run.id))
    (issue,) = [i for i in fake_github.issues if "dashboard" not in (i.body or "")]
    assert "PWNED" not in issue.body

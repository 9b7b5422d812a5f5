"""Fix pull requests end to end: the action as a process, real git with a bare `origin`
whose hook refuses pushes the way GitHub does, the real formatters, the fake GitHub backed
by the same repository (rows T01-T03, T20-T22, T32-T37)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from testing.actionrun import ActionRun, Result, failing_log
from testing.fakegithub import FakeGitHub, Fault, JobSpec
from testing.gitfixtures import FAKE_TOKEN, Checkout, GitSandbox, MakeCheckout, load_project
from testing.markdown import MD, rendered_text

PULLS = "/repos/{owner}/{repo}/pulls"
WORK = "/home/runner/work/octo-repo/octo-repo"
BLACK_LOG = failing_log(
    f"would reformat {WORK}/src/demo/core.py",
    "",
    "Oh no! 💥 💔 💥",
    "1 file would be reformatted, 3 files would be left unchanged.",
    step="Run black --check .",
)


class Env:
    """A failing run of `feature` in a repository whose origin is a real bare repo."""

    def __init__(self, checkout: Checkout, fake: FakeGitHub, tmp: Path) -> None:
        self.checkout = checkout
        self.fake = fake
        self.action = ActionRun(fake, tmp)
        self.action.extra_env.update(
            {
                "GITHUB_WORKSPACE": str(checkout.workspace),
                "INPUT_GITHUB-TOKEN": FAKE_TOKEN,
                "GIT_CONFIG_GLOBAL": "/dev/null",
                "GIT_CONFIG_NOSYSTEM": "1",
                "BLACK_NUM_WORKERS": "1",
            }
        )

    def event(self, log: bytes = BLACK_LOG, **run: Any) -> dict[str, Any]:
        run.setdefault("head_branch", self.checkout.branch)
        run.setdefault("head_sha", self.checkout.head)
        created = self.fake.add_run(jobs=[JobSpec("lint", log=log)], **run)
        return self.fake.workflow_run_event(created.id)

    def run(self, event: dict[str, Any] | None = None) -> Result:
        result = self.action.subprocess(event or self.event(), timeout=300)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def refs(self) -> dict[str, str]:
        return self.checkout.sandbox.remote_refs(self.checkout.origin)

    def bot_refs(self) -> list[str]:
        return [
            r for r in self.refs() if r.startswith("refs/heads/autorecover/") and "state" not in r
        ]

    def file_on(self, ref: str, path: str) -> str:
        return self.checkout.sandbox.git("show", f"{ref}:{path}", cwd=self.checkout.origin.path)


@pytest.fixture
def env(make_checkout: MakeCheckout, fake_github_factory: Any, tmp_path: Path) -> Env:
    checkout = make_checkout(load_project("formatting"))
    fake = fake_github_factory(git_dir=checkout.origin.path, token=FAKE_TOKEN)
    (tmp_path / "runner").mkdir()
    return Env(checkout, fake, tmp_path / "runner")


def test_black_failure_becomes_a_verified_pull_request(env: Env) -> None:
    result = env.run()
    assert result.code == 0, result.report
    assert result.outputs["result"] == "fixed"
    (pr,) = env.fake.pulls
    assert result.outputs["pr-url"].endswith(f"/pull/{pr.number}")
    (branch,) = env.bot_refs()
    assert branch.startswith("refs/heads/autorecover/linting_error/")
    assert pr.body.startswith("<!-- autorecover:fingerprint=")
    assert "How it was verified" in pr.body and "passes" in pr.body and "black" in pr.body
    assert "autorecover" in pr.labels
    # The fix really is black's formatting, on top of the failing commit, by the bot.
    formatted = env.file_on(branch, "src/demo/core.py")
    assert "def total(" in formatted
    log = env.checkout.sandbox.git(
        "log", "--format=%ae %s%n%b", f"{env.checkout.head}..{branch}", cwd=env.checkout.origin.path
    )
    assert "41898282+github-actions[bot]@users.noreply.github.com" in log
    assert "Autorecover-Fingerprint:" in log
    assert env.refs()["refs/heads/feature"] == env.checkout.head  # never pushed to


def test_token_never_lands_in_git_config_or_output_tm17(env: Env) -> None:
    result = env.run()
    config = (env.checkout.workspace / ".git" / "config").read_text()
    assert FAKE_TOKEN not in config
    lines = result.stdout.splitlines()
    shown = "\n".join(line for line in lines if not line.startswith("::add-mask::"))
    assert FAKE_TOKEN not in shown + result.stderr + json.dumps(result.report)


def test_lint_fix_request_budget(env: Env) -> None:
    env.run()  # creates the state branch, labels, dashboard
    env.fake.pulls[0].state = "closed"  # make room for a second, independent fix
    before = len(env.fake.requests)
    env.run(env.event())
    assert len(env.fake.requests) - before <= 12, [
        (r.method, r.template) for r in env.fake.requests[before:]
    ]


def test_same_event_twice_gives_one_pull_request_t21(env: Env) -> None:
    event = env.event()
    env.run(event)
    again = env.run(event)
    assert again.outputs["result"] == "skipped"
    assert len(env.fake.pulls) == 1 and len(env.bot_refs()) == 1


def test_recurrence_updates_the_open_pull_request(env: Env) -> None:
    env.run()
    second = env.run(env.event())
    assert second.outputs["result"] == "fixed"
    (outcome,) = second.report["outcomes"]
    assert outcome["detail"].startswith("updated #")
    assert len(env.fake.pulls) == 1 and len(env.bot_refs()) == 1


def test_uncertain_pull_request_create_is_reconciled(env: Env) -> None:
    env.fake.script("POST", PULLS, [Fault(502, apply=True)])
    result = env.run()
    assert result.outputs["result"] == "fixed"
    assert len(env.fake.pulls) == 1 and len(env.fake.calls("POST", PULLS)) == 1


def test_killed_after_push_resumes_with_the_same_branch_t35(env: Env) -> None:
    env.fake.block("POST", PULLS)
    event = env.event()
    process = subprocess.Popen(
        [sys.executable, "-m", "autorecover", "action"],
        env=env.action.env(event),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert env.fake.wait_blocked("POST", PULLS, timeout=120)
        process.kill()  # after the push, before the pull request
        process.wait(timeout=30)
    finally:
        env.fake.release()
    assert len(env.bot_refs()) == 1
    second = env.run(event)
    assert second.outputs["result"] == "fixed", second.report
    assert len(env.bot_refs()) == 1 and len(env.fake.pulls) == 1


def test_pull_request_creation_forbidden_keeps_the_branch_and_opens_an_issue_t33(env: Env) -> None:
    env.fake.forbid_pr_creation()
    result = env.run()
    assert env.fake.pulls == [] and len(env.bot_refs()) == 1
    (issue,) = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    assert "Allow GitHub Actions to create and approve pull requests" in issue.body
    assert "/compare/feature...autorecover/linting_error/" in issue.body
    assert result.outputs["issue-url"]


def _live_mentions(markdown: str) -> list[str]:
    """Text GitHub would turn into a mention: `@name` in prose, outside code and links."""
    found: list[str] = []
    for token in MD.parse(markdown):
        depth = 0
        for child in token.children or []:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and depth == 0:
                found += re.findall(r"(?<![\w`])@[A-Za-z0-9][\w/-]*", child.content)
    return found


def test_the_pr_refused_issue_never_mentions_through_a_branch_name_t08_t33(env: Env) -> None:
    """A same-repository branch `fix>@org/team` (a valid ref): `>` used to end the autolink
    to the comparison, and the rest of the name became a live team mention."""
    name = "fix>@org/team"
    sandbox = env.checkout.sandbox
    head = sandbox.push_commit(env.checkout.origin, name, {}, "same tree", parent=env.checkout.head)
    env.fake.forbid_pr_creation()
    result = env.run(env.event(head_branch=name, head_sha=head))
    assert result.code == 0, result.stdout
    (issue,) = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    assert _live_mentions(issue.body) == []
    assert "/compare/fix%3E%40org/team...autorecover/linting_error/" in issue.body


def test_push_refused_by_a_ruleset_opens_an_issue_with_the_patch_t32(env: Env) -> None:
    # The hook refuses commits whose message carries [gh013]; our commit message quotes the
    # diagnosis title, so a rule titled so trips it, like a real ruleset would.
    env.fake.put_file(
        ".github/autorecover.yml",
        "rules:\n  override:\n    - id: black-would-reformat\n      title: Black would reformat [gh013]\n",
    )
    result = env.run()
    assert env.fake.pulls == [] and env.bot_refs() == []
    (issue,) = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    assert "GH013" in issue.body and "```diff" in issue.body
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed" and "push refused" in outcome["detail"]


def test_stale_branch_is_left_alone_t36(env: Env) -> None:
    env.checkout.sandbox.push_commit(
        env.checkout.origin, "feature", {"NEWS.md": "x\n"}, "More work", parent=env.checkout.head
    )
    result = env.run()
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and outcome["detail"].startswith("stale")
    assert env.fake.pulls == [] and env.bot_refs() == []


def test_branch_a_person_committed_to_is_not_pushed_t22(env: Env) -> None:
    env.run()
    (branch,) = env.bot_refs()
    tip = env.refs()[branch]
    env.checkout.sandbox.push_commit(
        env.checkout.origin,
        branch.removeprefix("refs/heads/"),
        {"NOTE.md": "mine\n"},
        "Human work",
        parent=tip,
    )
    human_tip = env.refs()[branch]
    env.fake.pulls[0].state = "open"
    result = env.run(env.event())
    assert env.refs()[branch] == human_tip
    (outcome,) = result.report["outcomes"]
    assert "left untouched" in outcome["detail"]
    comments = env.fake.comments_on(env.fake.pulls[0].number)
    assert len(comments) == 1 and "no longer updates" in comments[0].body


def test_closed_pull_request_is_not_reproposed_in_cooldown(env: Env) -> None:
    env.run()
    env.fake.close_issue(env.fake.pulls[0].number, by="maintainer")
    result = env.run(env.event())
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and "cooldown" in outcome["detail"]
    assert len(env.fake.pulls) == 1


def test_open_pull_request_cap(env: Env) -> None:
    env.fake.put_file(".github/autorecover.yml", "pull_requests:\n  max_open: 0\n")
    result = env.run()
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and "max_open" in outcome["detail"]
    assert env.bot_refs() == []


def test_fork_runs_are_never_checked_out_or_pushed_t01_t02(env: Env) -> None:
    event = env.event(
        event="pull_request", fork_owner="mallory", head_branch="main", actor="dependabot[bot]"
    )
    result = env.run(event)
    assert env.bot_refs() == [] and env.fake.pulls == []
    assert all(d["action"] != "fix_pr" for d in result.report["plan"]["decisions"])
    assert not list(Path(result.report and env.action.tmp).glob("autorecover-fix-*"))


def test_hostile_branch_name_is_an_opaque_string_t03(env: Env) -> None:
    """A valid git ref that is a shell payload: handled as data from end to end."""
    canary = env.action.tmp / "canary"
    name = f"$(touch${{IFS}}{canary})"
    sandbox = env.checkout.sandbox
    head = sandbox.push_commit(env.checkout.origin, name, {}, "same tree", parent=env.checkout.head)
    result = env.run(env.event(head_branch=name, head_sha=head))
    assert not canary.exists()
    assert result.outputs["result"] == "fixed", result.report
    (pr,) = env.fake.pulls
    assert pr.pull is not None and pr.pull.base_ref == name
    assert f"`{name}`" in pr.body  # shown as code, never as live text


def test_no_workspace_checkout_uses_a_scratch_repository(env: Env, git_sandbox: GitSandbox) -> None:
    server = git_sandbox.root / "server"
    (server / "octo-org").mkdir(parents=True)
    (server / "octo-org" / "octo-repo.git").symlink_to(env.checkout.origin.path)
    empty = git_sandbox.root / "empty-workspace"
    empty.mkdir()
    env.action.extra_env.update(
        {"GITHUB_WORKSPACE": str(empty), "GITHUB_SERVER_URL": f"file://{server}"}
    )
    result = env.run()
    assert result.outputs["result"] == "fixed", result.report
    assert len(env.bot_refs()) == 1


def test_a_fix_touching_github_is_refused_before_pushing_t20(
    make_checkout: MakeCheckout, fake_github_factory: Any, tmp_path: Path
) -> None:
    files = {
        "pyproject.toml": "[project]\nname = 'demo'\nversion = '0'\n",
        "src/demo/__init__.py": "VALUE = 1\n",
        ".github/scripts/tool.py": "x = [1,2,\n 3]\n",
    }
    checkout = make_checkout(files)
    fake = fake_github_factory(git_dir=checkout.origin.path, token=FAKE_TOKEN)
    (tmp_path / "runner").mkdir()
    env = Env(checkout, fake, tmp_path / "runner")
    log = failing_log(f"would reformat {WORK}/.github/scripts/tool.py", step="Run black --check .")
    result = env.run(env.event(log=log))
    assert env.bot_refs() == [] and fake.pulls == []
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] in ("skipped", "failed") and "nothing to fix" in outcome["detail"]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param(
            {"status": 422, "message": "Validation Failed: head sha can't be blank"},
            "422", id="unprocessable-t34",
        ),
        pytest.param({"status": 502}, "502", id="server-error-twice-t50"),
        pytest.param({"deny": "pull_requests"}, "pull_requests", id="no-pull-requests-write"),
    ],
)  # fmt: skip
def test_a_pushed_fix_github_will_not_open_a_pr_for_is_not_orphaned(
    env: Env, fault: dict[str, object], reason: str
) -> None:
    """After the push, any refusal to open the pull request leaves the pushed branch with
    an issue that links to it, never a branch nobody knows about."""
    if "deny" in fault:
        env.fake.deny(str(fault["deny"]), "write")
    elif fault["status"] == 502:
        env.fake.script("POST", PULLS, [Fault(502), Fault(502)])
    else:
        env.fake.script("POST", PULLS, [Fault(422, body={"message": fault["message"]})])
    result = env.run()
    assert result.code == 0, result.stdout
    assert env.fake.pulls == []
    issues = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    if env.bot_refs():
        (issue,) = issues
        assert "/compare/feature...autorecover/linting_error/" in issue.body
        assert reason in rendered_text(issue.body)
    else:
        assert issues == []  # the branch was cleaned up instead
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed"


YAML_LOG = failing_log(
    "Traceback (most recent call last):",
    f'  File "{WORK}/src/shop/config.py", line 3, in <module>',
    "    import yaml",
    "ModuleNotFoundError: No module named 'yaml'",
    step="Run python -m pytest",
)


@pytest.fixture
def req_env(make_checkout: MakeCheckout, fake_github_factory: Any, tmp_path: Path) -> Any:
    def make(extra: dict[str, str]) -> Env:
        checkout = make_checkout({**load_project("req-pep621"), **extra})
        fake = fake_github_factory(git_dir=checkout.origin.path, token=FAKE_TOKEN)
        (tmp_path / "runner").mkdir()
        return Env(checkout, fake, tmp_path / "runner")

    return make


def test_add_requirement_body_names_the_file_and_how_it_was_checked(req_env: Any) -> None:
    env = req_env({})
    result = env.run(env.event(YAML_LOG))
    (pr,) = env.fake.pulls
    assert result.outputs["result"] == "fixed", result.report
    assert "`pyproject.toml`" in pr.body and "autorecover 0.1.0" in pr.body
    assert "- : " not in pr.body and "with ``" not in pr.body  # no empty command or chip
    assert "declared in pyproject.toml \\[project.dependencies\\], which parses" in pr.body
    assert "PyYAML" in env.file_on(env.bot_refs()[0], "pyproject.toml")


def test_a_manifest_under_a_lock_file_becomes_an_issue_with_the_patch(req_env: Any) -> None:
    env = req_env({"uv.lock": 'version = 1\nrequires-python = ">=3.11"\n'})
    result = env.run(env.event(YAML_LOG))
    assert env.fake.pulls == [] and env.bot_refs() == []
    (issue,) = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    assert "```diff" in issue.body and '+    "PyYAML",' in issue.body
    assert "uv lock" in issue.body and "uv.lock must be updated" in issue.body
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed" and "held for a person" in outcome["detail"]


def test_a_requirement_with_no_clear_place_becomes_an_issue_saying_why(req_env: Any) -> None:
    env = req_env({"scripts/release.py": "import humanize\n"})
    log = failing_log(
        f'  File "{WORK}/scripts/release.py", line 1, in <module>',
        "ModuleNotFoundError: No module named 'humanize'",
        step="Run python scripts/release.py",
    )
    result = env.run(env.event(log))
    assert env.fake.pulls == [] and env.bot_refs() == []
    (issue,) = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    assert "no fix was safe to make" in issue.body
    assert "only CI scripts import it" in issue.body
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed" and "nothing to fix" in outcome["detail"]


ISORT_LOG = failing_log(
    f"ERROR: {WORK}/src/demo/core.py Imports are incorrectly sorted and/or formatted.",
    step="Run isort --check-only .",
)


def _together(env: Env, events: list[dict[str, Any]]) -> list[Result]:
    """Handle the events in as many `autorecover action` processes at once."""
    procs = []
    for n, event in enumerate(events):
        tmp = env.action.tmp / f"p{n}"
        tmp.mkdir()
        run = ActionRun(env.fake, tmp, extra_env={**env.action.extra_env, "RUNNER_TEMP": str(tmp)})
        cmd = [sys.executable, "-m", "autorecover", "action"]
        procs.append((run, subprocess.Popen(cmd, env=run.env(event), text=True,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)))  # fmt: skip
    results = []
    for run, process in procs:
        out, err = process.communicate(timeout=300)
        results.append(run._result(process.returncode, out, err))
    return results


def test_two_workflows_failing_on_one_commit_at_once_give_one_pull_request_t23(
    env: Env,
) -> None:
    """Two workflows (black, isort) fail on the same head SHA and are handled at the same
    time: one branch and one pull request that holds both fixes."""
    lint = env.event(name="Lint")
    imports = env.event(log=ISORT_LOG, name="Imports", path=".github/workflows/imports.yml")
    results = _together(env, [lint, imports])
    for result in results:
        assert result.code == 0, result.stdout + result.stderr
    assert len(env.fake.pulls) == 1, [r.report["outcomes"] for r in results if r.report]
    (branch,) = env.bot_refs()
    fixed = env.file_on(branch, "src/demo/core.py")
    assert "def total(values: List[int]) -> int:" in fixed
    assert fixed.index("import os") < fixed.index("import sys")
    assert {r.outputs["result"] for r in results} <= {"fixed"}


@pytest.mark.skipif(os.geteuid() != 0, reason="the container runs as root; chown needs root")
def test_a_checkout_keeps_no_root_owned_files_in_git(env: Env) -> None:
    """actions/checkout ran as the runner's user (here uid 4242) before the root container:
    after the fix, nothing in the workspace's .git/ belongs to root, so the user's next git
    command there still works."""
    workspace = env.checkout.workspace
    for path in [workspace, *workspace.rglob("*")]:
        os.lchown(path, 4242, 4242)
    result = env.run()
    assert result.outputs["result"] == "fixed", result.report
    rooted = [p for p in (workspace / ".git").rglob("*") if p.lstat().st_uid != 4242]
    assert rooted == []


def test_nothing_between_the_branches_deletes_our_branch_t34(env: Env) -> None:
    no_commits = {
        "message": "Validation Failed",
        "errors": [
            {
                "resource": "PullRequest",
                "code": "custom",
                "message": "No commits between feature and autorecover/linting_error/x",
            }
        ],
    }
    env.fake.script("POST", PULLS, [Fault(422, body=no_commits)])
    result = env.run()
    assert result.code == 0, result.stdout
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "skipped" and "no commits between" in outcome["detail"]
    assert env.bot_refs() == [] and env.fake.pulls == []
    assert [i for i in env.fake.issues if "dashboard" not in (i.body or "")] == []


def test_a_fork_run_at_the_sha_of_an_open_pull_request_stays_read_only_t02(env: Env) -> None:
    """The fork's run has the head SHA of an open same-repository pull request, a branch
    called `main` and a bot as actor: none of it grants trust."""
    trusted = env.fake.create_pull("Feature work", "feature", body="work in progress")
    event = env.event(
        event="pull_request",
        fork_owner="mallory",
        head_branch="main",
        actor="dependabot[bot]",
        pull_requests=[
            {
                "number": trusted.number,
                "head": {"ref": "feature", "sha": env.checkout.head},
                "base": {"ref": "main", "sha": env.checkout.origin.head},
            }
        ],
    )
    result = env.run(event)
    assert result.code == 0, result.stdout
    assert env.bot_refs() == [] and [p.number for p in env.fake.pulls] == [trusted.number]
    assert all(d["action"] != "fix_pr" for d in result.report["plan"]["decisions"])
    assert env.fake.comments_on(trusted.number) == []


def test_an_api_that_stalls_after_the_push_leaves_no_orphan_branch_t50(env: Env) -> None:
    """The pull request request hangs after the push: the per-request timeout holds, and
    the pushed branch is linked from an issue (or deleted), never left unknown."""
    env.fake.block("POST", PULLS)
    env.action.extra_env.update({"AUTORECOVER_HTTP_TIMEOUT": "2", "AUTORECOVER_DEADLINE": "120"})
    try:
        started = time.monotonic()
        result = env.run()
        elapsed = time.monotonic() - started
    finally:
        env.fake.release()
    assert elapsed < 120
    assert env.fake.pulls == []
    issues = [i for i in env.fake.issues if "dashboard" not in (i.body or "")]
    if env.bot_refs():
        (issue,) = issues
        assert "/compare/feature...autorecover/linting_error/" in issue.body
    (outcome,) = result.report["outcomes"]
    assert outcome["status"] == "failed", outcome


def test_two_processes_for_the_same_fix_give_one_pull_request_t22(env: Env) -> None:
    """Two runs failing the same way on one commit, handled at the same time."""
    results = _together(env, [env.event(), env.event()])
    for result in results:
        assert result.code == 0, result.stdout + result.stderr
    assert len(env.fake.pulls) == 1 and len(env.bot_refs()) == 1
    details = sorted(r.report["outcomes"][0]["detail"] for r in results if r.report)
    assert details[0].startswith("opened #") or details[1].startswith("opened #"), details


# ---------------------------------------------------------------------------- dry run


def test_a_dry_run_previews_exactly_the_pull_request_a_real_run_opens(env: Env) -> None:
    """The fix is made and verified in a scratch worktree; the summary shows the title, the
    body and the diff a real run then posts, and nothing is pushed or posted."""
    event = env.event()
    refs = env.refs()
    env.action.inputs["dry-run"] = "true"
    dry = env.run(event)
    assert dry.code == 0 and dry.outputs["result"] == "analysed"
    assert env.fake.write_calls() == [] and env.refs() == refs
    (outcome,) = dry.report["outcomes"]
    preview = outcome["preview"]
    assert outcome["status"] == "proposed" and preview["posting"] == "pull_request"
    assert "+def total(" in preview["diff"] and preview["diff_cut"] is False
    assert "<details><summary>The pull request it would open</summary>" in dry.summary

    env.action.inputs["dry-run"] = "false"
    real = env.run(event)
    assert real.outputs["result"] == "fixed"
    (pr,) = env.fake.pulls
    assert (preview["title"], preview["body"]) == (pr.title, pr.body)
    assert pr.body in dry.summary and f"**Title:** {pr.title}" in dry.summary
    branch = next(iter(env.bot_refs()))
    shown = env.checkout.sandbox.git(
        "diff", env.checkout.head, branch, cwd=env.checkout.origin.path
    )
    assert preview["diff"].strip() == shown.strip()


def test_a_dry_run_of_an_update_previews_the_new_body(env: Env) -> None:
    env.run()
    (pr,) = env.fake.pulls
    env.action.inputs["dry-run"] = "true"
    before = len(env.fake.write_calls())
    dry = env.run(env.event())
    assert len(env.fake.write_calls()) == before
    (outcome,) = dry.report["outcomes"]
    assert outcome["detail"] == f"would update #{pr.number}"
    assert outcome["preview"]["posting"] == "pull_request_update"
    assert f"The new body of pull request #{pr.number}" in dry.summary

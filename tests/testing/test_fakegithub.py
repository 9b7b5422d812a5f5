"""Tests of the fake GitHub itself (tests/fakegithub/): it must behave like GitHub where the bot's
tests rely on it, and catch clients that call it wrongly."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import github
import pytest
import requests

from testing.fakegithub import (
    FakeGitHub,
    Fault,
    JobSpec,
    fork_head_repository,
    load_example,
    timeout_annotation,
    workflow_run_event,
)

REPO = "/repos/octo-org/octo-repo"
ISSUES = "/repos/{owner}/{repo}/issues"
PULLS = "/repos/{owner}/{repo}/pulls"


def session(token: str = "ghs_test") -> requests.Session:
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"})
    return s


@pytest.fixture
def api(fake_github: FakeGitHub) -> Callable[..., requests.Response]:
    s = session()

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return s.request(method, fake_github.api_url + path, timeout=10, **kwargs)

    return call


# --- pagination ---
def test_jobs_pagination_and_link_header(fake_github: FakeGitHub, api: Any) -> None:
    run = fake_github.add_run(jobs=[JobSpec(f"job-{i}", conclusion="success") for i in range(75)])
    first = api("GET", f"{REPO}/actions/runs/{run.id}/jobs", params={"per_page": 30})
    assert first.status_code == 200
    assert first.json()["total_count"] == 75 and len(first.json()["jobs"]) == 30
    assert first.links["next"]["url"].endswith("per_page=30&page=2")
    assert first.links["last"]["url"].endswith("page=3")
    assert "prev" not in first.links and "first" not in first.links

    second = api("GET", f"{REPO}/actions/runs/{run.id}/jobs", params={"per_page": 30, "page": 2})
    assert set(second.links) == {"prev", "first", "next", "last"}
    last = requests.get(second.links["last"]["url"], timeout=10)
    assert [j["name"] for j in last.json()["jobs"]] == [f"job-{i}" for i in range(60, 75)]
    assert set(last.links) == {"prev", "first"}

    everything = api("GET", f"{REPO}/actions/runs/{run.id}/jobs", params={"per_page": 100})
    assert len(everything.json()["jobs"]) == 75 and not everything.links


def test_per_page_is_capped_at_100_and_defaults_to_30(fake_github: FakeGitHub, api: Any) -> None:
    for i in range(120):
        fake_github.create_issue(f"issue {i}")
    assert len(api("GET", f"{REPO}/issues").json()) == 30
    page = api("GET", f"{REPO}/issues", params={"per_page": 500})
    assert len(page.json()) == 100
    assert page.links["last"]["url"].endswith("page=2")


# --- logs ---
def test_job_log_redirects_to_blob_host_without_authorization(
    fake_github: FakeGitHub, api: Any
) -> None:
    run = fake_github.add_run(
        jobs=[JobSpec("test", log="line 1\n##[error]Process completed with exit code 1.\n")]
    )
    job = fake_github.jobs_of(run.id)[0]
    raw = api("GET", f"{REPO}/actions/jobs/{job.id}/logs", allow_redirects=False)
    assert raw.status_code == 302
    location = raw.headers["Location"]
    assert location.startswith(fake_github.blob_url) and "exp=" in location and "sig=" in location

    followed = api("GET", f"{REPO}/actions/jobs/{job.id}/logs")
    assert followed.status_code == 200
    assert followed.text.endswith("exit code 1.\n")
    assert fake_github.calls("GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs")[0].headers[
        "authorization"
    ]
    assert fake_github.blob_requests, "the blob host was not reached"
    assert all("authorization" not in r.headers for r in fake_github.blob_requests)


def test_expired_blob_url_answers_uri_expired(fake_github: FakeGitHub, api: Any) -> None:
    run = fake_github.add_run()
    job = fake_github.jobs_of(run.id)[0]
    location = api("GET", f"{REPO}/actions/jobs/{job.id}/logs", allow_redirects=False).headers[
        "Location"
    ]
    fake_github.state.clock.advance(61)  # "This link expires after 1 minute"
    expired = requests.get(location, timeout=10)
    assert expired.status_code == 403
    assert expired.json() == {"count": 11, "value": "Uri expired"}
    fresh = api("GET", f"{REPO}/actions/jobs/{job.id}/logs")
    assert fresh.status_code == 200 and "##[error]" in fresh.text  # the default log


def test_logs_expired_410_and_missing_404(fake_github: FakeGitHub, api: Any) -> None:
    run = fake_github.add_run(jobs=["a", "b"])
    a, b = fake_github.jobs_of(run.id)
    fake_github.set_log_state(a.id, "expired")
    fake_github.set_log_state(b.id, "missing")
    gone = api("GET", f"{REPO}/actions/jobs/{a.id}/logs")
    assert gone.status_code == 410
    assert gone.json()["message"] == "Server Error" and gone.json()["status"] == "410"
    assert api("GET", f"{REPO}/actions/jobs/{b.id}/logs").status_code == 404
    fake_github.expire_run_logs(run.id)
    assert api("GET", f"{REPO}/actions/runs/{run.id}/logs").status_code == 410


def test_run_logs_zip_and_streamed_huge_log(fake_github: FakeGitHub, api: Any) -> None:
    chunk = b"x" * 1023 + b"\n"

    def huge() -> Any:
        return (chunk for _ in range(20 * 1024))  # 20 MiB, produced lazily per download

    run = fake_github.add_run(
        jobs=[JobSpec("build/linux", log=b"small\n"), JobSpec("big", log=huge)]
    )
    big = fake_github.job_named(run.id, "big")
    with api("GET", f"{REPO}/actions/jobs/{big.id}/logs", stream=True) as response:
        assert response.headers.get("Transfer-Encoding") == "chunked"
        assert sum(len(c) for c in response.iter_content(1 << 16)) == 20 * 1024 * 1024

    archive = zipfile.ZipFile(io.BytesIO(api("GET", f"{REPO}/actions/runs/{run.id}/logs").content))
    assert archive.namelist() == ["0_build_linux.txt", "1_big.txt"]
    assert archive.read("0_build_linux.txt") == b"small\n"
    assert archive.getinfo("1_big.txt").file_size == 20 * 1024 * 1024


def test_annotations_are_listed_per_check_run(fake_github: FakeGitHub, api: Any) -> None:
    run = fake_github.add_run(
        jobs=[JobSpec("slow", conclusion="cancelled", annotations=[timeout_annotation()])]
    )
    job = api("GET", f"{REPO}/actions/runs/{run.id}/jobs").json()["jobs"][0]
    check_run_id = job["check_run_url"].rsplit("/", 1)[1]
    annotations = api("GET", f"{REPO}/check-runs/{check_run_id}/annotations").json()
    assert annotations[0]["annotation_level"] == "failure"
    assert "exceeded the maximum execution time of 360 minutes" in annotations[0]["message"]


# --- faults ---
def test_scripted_502_then_normal(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.script("POST", ISSUES, [502, 201])
    first = api("POST", f"{REPO}/issues", json={"title": "flaky"})
    assert first.status_code == 502 and first.json()["status"] == "502"
    assert fake_github.issues == []
    assert api("POST", f"{REPO}/issues", json={"title": "flaky"}).status_code == 201
    assert api("POST", f"{REPO}/issues", json={"title": "again"}).status_code == 201
    assert [r.fault for r in fake_github.calls("POST", ISSUES)] == ["502", "201", None]


def test_apply_then_502_creates_the_issue(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.script("POST", ISSUES, [Fault(502, apply=True)])
    response = api(
        "POST", f"{REPO}/issues", json={"title": "created anyway", "labels": ["autorecover"]}
    )
    assert response.status_code == 502
    listed = api("GET", f"{REPO}/issues", params={"labels": "autorecover"}).json()
    assert [i["title"] for i in listed] == ["created anyway"]


def test_fault_with_headers_body_and_delay(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.script(
        "GET",
        "/repos/{owner}/{repo}",
        [Fault.secondary_rate_limit(retry_after=7), Fault(delay=0.3)],
    )
    limited = api("GET", REPO)
    assert limited.status_code == 403 and limited.headers["retry-after"] == "7"
    assert limited.json()["message"].startswith("You have exceeded a secondary rate limit")
    started = time.monotonic()
    assert api("GET", REPO).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_block_and_release(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.create_branch("autorecover/x")
    fake_github.commit_files({"fix.py": "x = 1\n"}, branch="autorecover/x")
    fake_github.block("POST", PULLS)
    result: dict[str, int] = {}
    worker = threading.Thread(
        target=lambda: result.update(
            status=api(
                "POST",
                f"{REPO}/pulls",
                json={"title": "t", "head": "autorecover/x", "base": "main"},
            ).status_code
        )
    )
    worker.start()
    assert fake_github.wait_blocked("POST", PULLS, timeout=5)
    time.sleep(0.1)
    assert "status" not in result and fake_github.pulls == []
    fake_github.release("POST", PULLS)
    worker.join(5)
    assert result["status"] == 201 and len(fake_github.pulls) == 1


def test_script_rejects_unknown_route(fake_github: FakeGitHub) -> None:
    with pytest.raises(ValueError, match="no operation"):
        fake_github.script("POST", "/repos/{owner}/{repo}/issue", [502])


# --- strictness ---
def test_unknown_route_is_501_and_a_violation(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.expect_violations()
    response = api("PUT", f"{REPO}/issues/1/lock")
    assert response.status_code == 501
    assert [v.kind for v in fake_github.violations] == ["unknown-route"]
    with pytest.raises(AssertionError, match="unknown-route"):
        fake_github.violations_expected = False
        fake_github.assert_no_violations()
    fake_github.violations_expected = True


def test_openapi_catches_undeclared_query_and_bad_body(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.expect_violations()
    fake_github.create_issue("x", labels=["bug"])
    # GitHub silently ignores unknown parameters: the misspelt filter returns everything.
    typo = api("GET", f"{REPO}/issues", params={"label": "nothing-has-this"})
    assert typo.status_code == 200 and len(typo.json()) == 1
    bad = api("POST", f"{REPO}/issues", json={"body": "no title", "labels": "bug"})
    assert bad.status_code == 422 and bad.json()["message"].startswith("Invalid request.")
    kinds = {(v.kind, v.operation_id) for v in fake_github.violations}
    assert kinds == {("query", "issues/list-for-repo"), ("body", "issues/create")}
    messages = " ".join(v.message for v in fake_github.violations)
    assert "'label' is not declared" in messages and "'title' is a required property" in messages


def test_fixture_fails_the_test_on_violations(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text((Path(__file__).parents[1] / "conftest.py").read_text())
    (tmp_path / "test_inner.py").write_text(
        "import requests\n"
        "def test_bad(fake_github):\n"
        "    requests.get(fake_github.api_url + '/repos/octo-org/octo-repo/nope', timeout=5)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(Path(__file__).parents[2]), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "fake GitHub recorded violations" in proc.stdout and "unknown-route" in proc.stdout


def test_token_is_checked_when_configured(fake_github_factory: Callable[..., FakeGitHub]) -> None:
    fake = fake_github_factory(token="ghs_right")
    assert requests.get(fake.api_url + REPO, timeout=5).status_code == 401
    assert (
        session("ghs_wrong").get(fake.api_url + REPO, timeout=5).json()["message"]
        == "Bad credentials"
    )
    assert session("ghs_right").get(fake.api_url + REPO, timeout=5).status_code == 200


def test_rate_limit_headers_and_exhaustion(fake_github_factory: Callable[..., FakeGitHub]) -> None:
    fake = fake_github_factory(rate_limit=3)
    s = session()
    headers = s.get(fake.api_url + REPO, timeout=5).headers
    assert headers["x-ratelimit-limit"] == "3" and headers["x-ratelimit-remaining"] == "2"
    assert {"x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource"} <= {
        k.lower() for k in headers
    }
    s.get(fake.api_url + REPO, timeout=5)
    s.get(fake.api_url + REPO, timeout=5)
    exhausted = s.get(fake.api_url + REPO, timeout=5)
    assert exhausted.status_code == 403 and exhausted.headers["x-ratelimit-remaining"] == "0"
    assert exhausted.json()["message"].startswith("API rate limit exceeded")
    assert (
        s.get(fake.api_url + "/rate_limit", timeout=5).json()["resources"]["core"]["remaining"] == 0
    )


# --- git data API: compare-and-swap on a real bare repository ---
def _git(bare: Path, *args: str) -> str:
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(bare), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        ["git", f"--git-dir={bare}", *args], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def _commit_on(call: Any, parent: str, path: str, text: str) -> str:
    base_tree = call("GET", f"{REPO}/git/commits/{parent}").json()["tree"]["sha"]
    blob = call("POST", f"{REPO}/git/blobs", json={"content": text, "encoding": "utf-8"}).json()[
        "sha"
    ]
    tree = call(
        "POST",
        f"{REPO}/git/trees",
        json={
            "base_tree": base_tree,
            "tree": [{"path": path, "mode": "100644", "type": "blob", "sha": blob}],
        },
    ).json()["sha"]
    commit = call(
        "POST",
        f"{REPO}/git/commits",
        json={"message": f"write {path}", "tree": tree, "parents": [parent]},
    )
    assert commit.status_code == 201
    return str(commit.json()["sha"])


def test_ref_compare_and_swap_on_bare_repo(
    fake_github_factory: Callable[..., FakeGitHub], bare_origin: Path
) -> None:
    fake = fake_github_factory(git_dir=bare_origin)
    s = session()

    def call(method: str, path: str, **kw: Any) -> requests.Response:
        return s.request(method, fake.api_url + path, timeout=10, **kw)

    main = call("GET", f"{REPO}/git/ref/heads/main").json()["object"]["sha"]
    assert main == _git(bare_origin, "rev-parse", "refs/heads/main")
    assert call("GET", f"{REPO}/git/ref/heads/autorecover/state").status_code == 404

    c1 = _commit_on(call, main, "ledger.json", '{"v": 1}\n')
    created = call(
        "POST", f"{REPO}/git/refs", json={"ref": "refs/heads/autorecover/state", "sha": c1}
    )
    assert created.status_code == 201 and created.json()["ref"] == "refs/heads/autorecover/state"
    again = call(
        "POST", f"{REPO}/git/refs", json={"ref": "refs/heads/autorecover/state", "sha": c1}
    )
    assert again.status_code == 422 and again.json()["message"] == "Reference already exists"

    # Two writers read the same tip; the first fast-forward wins, the second must re-read.
    winner, loser = _commit_on(call, c1, "ledger.json", '{"v": 2}\n'), _commit_on(
        call, c1, "ledger.json", '{"v": 3}\n'
    )
    assert (
        call(
            "PATCH",
            f"{REPO}/git/refs/heads/autorecover/state",
            json={"sha": winner, "force": False},
        ).status_code
        == 200
    )
    lost = call(
        "PATCH", f"{REPO}/git/refs/heads/autorecover/state", json={"sha": loser, "force": False}
    )
    assert lost.status_code == 422 and lost.json()["message"] == "Update is not a fast forward"
    assert _git(bare_origin, "rev-parse", "refs/heads/autorecover/state") == winner
    assert _git(bare_origin, "show", f"{winner}:ledger.json") == '{"v": 2}'

    forced = call(
        "PATCH", f"{REPO}/git/refs/heads/autorecover/state", json={"sha": loser, "force": True}
    )
    assert forced.status_code == 200
    assert (
        call("GET", f"{REPO}/git/matching-refs/heads/autorecover").json()[0]["object"]["sha"]
        == loser
    )
    assert call("DELETE", f"{REPO}/git/refs/heads/autorecover/state").status_code == 204
    assert "autorecover/state" not in _git(bare_origin, "for-each-ref")
    assert call("DELETE", f"{REPO}/git/refs/heads/autorecover/state").status_code == 422


def test_memory_store_produces_real_git_shas(
    fake_github_factory: Callable[..., FakeGitHub], bare_origin: Path
) -> None:
    shas = []
    for kwargs in ({}, {"git_dir": bare_origin}):
        fake = fake_github_factory(now="2026-01-02T03:04:05Z", **kwargs)
        s = session()
        blob = s.post(
            fake.api_url + f"{REPO}/git/blobs",
            json={"content": "aGk=", "encoding": "base64"},
            timeout=5,
        )
        tree = s.post(
            fake.api_url + f"{REPO}/git/trees",
            json={
                "tree": [
                    {"path": "a/b.txt", "mode": "100644", "type": "blob", "sha": blob.json()["sha"]}
                ]
            },
            timeout=5,
        )
        commit = s.post(
            fake.api_url + f"{REPO}/git/commits",
            json={"message": "m", "tree": tree.json()["sha"], "parents": []},
            timeout=5,
        )
        shas.append((blob.json()["sha"], tree.json()["sha"], commit.json()["sha"]))
    assert shas[0] == shas[1]
    assert shas[0][0] == hashlib.sha1(b"blob 2\0hi").hexdigest()  # what `git hash-object` gives


def test_compare_and_branch(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.create_branch("autorecover/fix")
    fake_github.commit_files(
        {"README.md": "# octo-repo\nfixed\n", "new.py": "x = 1\n"}, branch="autorecover/fix"
    )
    compared = api("GET", f"{REPO}/compare/main...autorecover/fix").json()
    assert (compared["status"], compared["ahead_by"], compared["behind_by"]) == ("ahead", 1, 0)
    assert {(f["filename"], f["status"], f["additions"]) for f in compared["files"]} == {
        ("README.md", "modified", 1),
        ("new.py", "added", 1),
    }
    fake_github.protect_branch("main")
    assert api("GET", f"{REPO}/branches/main").json()["protected"] is True
    assert api("GET", f"{REPO}/branches/autorecover/fix").json()["commit"][
        "sha"
    ] == fake_github.ref("heads/autorecover/fix")


# --- pull requests ---
def test_pull_request_422s_and_403(fake_github: FakeGitHub, api: Any) -> None:
    def create(head: str) -> requests.Response:
        return api(
            "POST",
            f"{REPO}/pulls",
            json={"title": "Fix", "head": head, "base": "main", "body": "b"},
        )

    missing = create("autorecover/nope")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "head"
    fake_github.create_branch("autorecover/x")
    empty = create("autorecover/x")
    assert empty.status_code == 422
    assert empty.json()["errors"] == [
        {
            "resource": "PullRequest",
            "code": "custom",
            "message": "No commits between main and autorecover/x",
        }
    ]
    fake_github.commit_files({"a.py": "x = 1\n"}, branch="autorecover/x")
    created = create("octo-org:autorecover/x")
    assert created.status_code == 201
    assert created.json()["head"]["sha"] == fake_github.ref("heads/autorecover/x")
    duplicate = create("autorecover/x")
    assert duplicate.status_code == 422
    assert (
        duplicate.json()["errors"][0]["message"]
        == "A pull request already exists for octo-org:autorecover/x."
    )

    fake_github.forbid_pr_creation()
    forbidden = create("autorecover/x")
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "message": "GitHub Actions is not permitted to create or approve pull requests.",
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        "status": "403",
    }


def test_pulls_head_filter_needs_owner_prefix(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.create_pull("one", "feature/one")
    fake_github.create_pull("two", "autorecover/two")
    by_owner = api(
        "GET", f"{REPO}/pulls", params={"head": "octo-org:autorecover/two", "state": "all"}
    ).json()
    assert [p["title"] for p in by_owner] == ["two"]
    ignored = api("GET", f"{REPO}/pulls", params={"head": "autorecover/two"}).json()
    assert len(ignored) == 2  # GitHub ignores `head` without `owner:`


def test_deleting_head_branch_closes_the_pull(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.create_branch("autorecover/y")
    pr = fake_github.create_pull("y", "autorecover/y")
    assert api("DELETE", f"{REPO}/git/refs/heads/autorecover/y").status_code == 204
    assert fake_github.issue(pr.number).state == "closed"


# --- permissions and limits ---
def test_deny_permission(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.deny("issues")
    denied = api("POST", f"{REPO}/issues", json={"title": "t"})
    assert denied.status_code == 403
    assert denied.json()["message"] == "Resource not accessible by integration"
    assert denied.headers["x-accepted-github-permissions"] == "issues=write"
    assert api("GET", f"{REPO}/issues").headers["x-accepted-github-permissions"] == "issues=read"
    assert api("GET", REPO).status_code == 200  # metadata is unaffected

    fake_github.allow("issues")
    fake_github.deny("pull-requests", "write")
    pr = fake_github.create_pull("p", "feature")
    comment = api("POST", f"{REPO}/issues/{pr.number}/comments", json={"body": "hi"})
    assert comment.status_code == 403
    assert comment.headers["x-accepted-github-permissions"] == "issues=write; pull_requests=write"
    assert api("GET", f"{REPO}/pulls").status_code == 200
    fake_github.deny("actions", "write")
    run = fake_github.add_run()
    assert api("POST", f"{REPO}/actions/runs/{run.id}/rerun-failed-jobs").status_code == 403


def test_body_limit_65536(fake_github: FakeGitHub, api: Any) -> None:
    assert (
        api("POST", f"{REPO}/issues", json={"title": "ok", "body": "x" * 65536}).status_code == 201
    )
    too_long = api("POST", f"{REPO}/issues", json={"title": "long", "body": "x" * 65537})
    assert too_long.status_code == 422
    assert too_long.json()["errors"] == [
        {
            "resource": "Issue",
            "code": "custom",
            "field": "body",
            "message": "body is too long (maximum is 65536 characters)",
        }
    ]
    comment = api("POST", f"{REPO}/issues/1/comments", json={"body": "y" * 65537})
    assert comment.status_code == 422 and comment.json()["errors"][0]["resource"] == "IssueComment"
    fake_github.script("POST", ISSUES, [Fault.body_too_long()])
    assert api("POST", f"{REPO}/issues", json={"title": "short"}).status_code == 422


# --- issues ---
def test_issue_filters_include_pulls_and_human_close(fake_github: FakeGitHub, api: Any) -> None:
    mine = api(
        "POST", f"{REPO}/issues", json={"title": "bot", "labels": ["autorecover", "flaky"]}
    ).json()
    assert mine["user"]["login"] == "github-actions[bot]" and mine["user"]["type"] == "Bot"
    fake_github.create_issue("human", labels=["autorecover"], user="octocat")
    fake_github.create_pull("pr", "feature", user="octocat")
    fake_github.add_labels(3, ["autorecover"])

    both = api("GET", f"{REPO}/issues", params={"labels": "autorecover,flaky"}).json()
    assert [i["number"] for i in both] == [mine["number"]]
    everything = api(
        "GET", f"{REPO}/issues", params={"labels": "autorecover", "direction": "asc"}
    ).json()
    assert [i["number"] for i in everything] == [1, 2, 3] and "pull_request" in everything[2]
    by_bot = api("GET", f"{REPO}/issues", params={"creator": "github-actions[bot]"}).json()
    assert [i["title"] for i in by_bot] == ["bot"]

    fake_github.close_issue(
        mine["number"], by="maintainer", at="2026-03-04T05:06:07Z", reason="not_planned"
    )
    assert [
        i["number"] for i in api("GET", f"{REPO}/issues", params={"labels": "flaky"}).json()
    ] == []
    closed = api("GET", f"{REPO}/issues", params={"state": "closed"}).json()[0]
    assert closed["state_reason"] == "not_planned" and closed["closed_at"] == "2026-03-04T05:06:07Z"
    single = api("GET", f"{REPO}/issues/{mine['number']}").json()
    assert single["closed_by"]["login"] == "maintainer"


def test_labels_created_on_the_fly_and_already_exists(fake_github: FakeGitHub, api: Any) -> None:
    api("POST", f"{REPO}/issues", json={"title": "t", "labels": ["autorecover"]})
    assert api("GET", f"{REPO}/labels/autorecover").status_code == 200
    exists = api("POST", f"{REPO}/labels", json={"name": "AutoRecover", "color": "ff0000"})
    assert exists.status_code == 422
    assert exists.json()["errors"] == [
        {"resource": "Label", "code": "already_exists", "field": "name"}
    ]
    assert api("GET", f"{REPO}/labels/missing").status_code == 404


def test_contents_serves_files_from_the_default_branch(fake_github: FakeGitHub, api: Any) -> None:
    fake_github.put_file(".github/autorecover.yml", "rerun: true\n")
    got = api("GET", f"{REPO}/contents/.github/autorecover.yml", params={"ref": "main"}).json()
    assert base64.b64decode(got["content"]) == b"rerun: true\n" and got["encoding"] == "base64"
    assert api("GET", f"{REPO}/contents/.github/missing.yml").status_code == 404


# --- re-runs ---
def test_rerun_failed_jobs_creates_a_new_attempt(fake_github: FakeGitHub, api: Any) -> None:
    run = fake_github.add_run(
        jobs=[JobSpec("test", conclusion="failure"), JobSpec("lint", conclusion="success")]
    )
    assert (
        api(
            "POST",
            f"{REPO}/actions/runs/{run.id}/rerun-failed-jobs",
            json={"enable_debug_logging": True},
        ).status_code
        == 201
    )
    latest = api("GET", f"{REPO}/actions/runs/{run.id}").json()
    assert (
        latest["run_attempt"] == 2 and latest["status"] == "queued" and latest["conclusion"] is None
    )
    assert latest["previous_attempt_url"].endswith(f"/actions/runs/{run.id}/attempts/1")
    second = api("GET", f"{REPO}/actions/runs/{run.id}/attempts/2/jobs").json()["jobs"]
    assert [(j["name"], j["status"], j["run_attempt"]) for j in second] == [("test", "queued", 2)]
    newest = api("GET", f"{REPO}/actions/runs/{run.id}/jobs").json()["jobs"]
    assert sorted((j["name"], j["run_attempt"]) for j in newest) == [("lint", 1), ("test", 2)]
    assert (
        api("GET", f"{REPO}/actions/runs/{run.id}/jobs", params={"filter": "all"}).json()[
            "total_count"
        ]
        == 3
    )
    assert (
        fake_github.reruns[0].kind == "failed-jobs" and fake_github.reruns[0].enable_debug_logging
    )

    running = api("POST", f"{REPO}/actions/runs/{run.id}/rerun-failed-jobs")
    assert (
        running.status_code == 403
        and running.json()["message"] == "This workflow is already running"
    )
    fake_github.finish_attempt(run.id, "success")
    assert api("GET", f"{REPO}/actions/runs/{run.id}/attempts/2").json()["conclusion"] == "success"


# --- events ---
def test_workflow_run_event_matches_the_fake(fake_github: FakeGitHub) -> None:
    run = fake_github.add_run(event="pull_request", head_branch="feature", fork_owner="mallory")
    event = fake_github.workflow_run_event(run.id)
    wr = event["workflow_run"]
    assert event["action"] == "completed" and wr["id"] == run.id and wr["conclusion"] == "failure"
    assert (
        wr["head_repository"]["id"] != event["repository"]["id"]
        and wr["head_repository"]["fork"] is True
    )
    assert wr["pull_requests"] == [] and wr["jobs_url"].startswith(fake_github.api_url)
    assert set(fake_github_example_keys()) <= set(wr)

    clone = FakeGitHub(repo_id=fake_github.state.repo.id)
    try:
        copied = clone.add_run_from_event(event, jobs=["test"])
        assert (copied.id, copied.head_sha, copied.head_repository.id) == (
            run.id,
            run.head_sha,
            wr["head_repository"]["id"],
        )
    finally:
        clone.stop()


def fake_github_example_keys() -> list[str]:
    return list(load_example()["workflow_run"])


def test_pure_builder_fork_variant() -> None:
    repository = {"id": 42, "full_name": "acme/widgets", "default_branch": "main", "private": False}
    run = {
        "id": 7,
        "conclusion": "failure",
        "head_branch": "main",
        "head_sha": "a" * 40,
        "event": "pull_request",
    }
    same = workflow_run_event(run, repository)
    assert same["workflow_run"]["head_repository"]["id"] == 42
    assert (
        same["workflow_run"]["jobs_url"]
        == "https://api.github.com/repos/acme/widgets/actions/runs/7/jobs"
    )
    assert "octo-org" not in json.dumps(same)
    fork = workflow_run_event(
        {**run, "head_repository": fork_head_repository(same["repository"], "mallory")}, repository
    )
    head = fork["workflow_run"]["head_repository"]
    assert head["id"] != 42 and head["full_name"] == "mallory/widgets" and head["fork"] is True


# --- clients ---
def test_pygithub_smoke(fake_github: FakeGitHub) -> None:
    run = fake_github.add_run(jobs=["test", JobSpec("lint", conclusion="success")])
    gh = github.Github(
        base_url=fake_github.api_url,
        auth=github.Auth.Token("t"),
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    repo = gh.get_repo("octo-org/octo-repo")
    assert repo.default_branch == "main" and repo.id == fake_github.state.repo.id
    wf_run = repo.get_workflow_run(run.id)
    assert wf_run.conclusion == "failure" and wf_run.run_attempt == 1
    assert sorted(j.name for j in wf_run.jobs()) == ["lint", "test"]
    assert wf_run.jobs().totalCount == 2
    issue = repo.create_issue("Build failed", body="details", labels=["autorecover"])
    comment = issue.create_comment("seen again")
    assert comment.user.login == "github-actions[bot]"
    assert [i.number for i in repo.get_issues(labels=["autorecover"])] == [issue.number]
    assert repo.get_git_ref("heads/main").object.sha == fake_github.ref("heads/main")
    assert repo.get_contents("README.md").decoded_content == b"# octo-repo\n"
    assert wf_run.rerun_failed_jobs() is True
    gh.close()


def test_usable_from_a_subprocess(fake_github: FakeGitHub) -> None:
    code = (
        "import os, requests\n"
        "api = os.environ['GITHUB_API_URL'] + '/repos/' + os.environ['GITHUB_REPOSITORY']\n"
        "r = requests.post(api + '/issues', json={'title': 'from a process'}, timeout=5)\n"
        "print(r.status_code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**fake_github.env(), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert proc.stdout.strip() == "201" and fake_github.issues[0].title == "from a process"


def test_concurrent_writers_get_distinct_issues(fake_github: FakeGitHub) -> None:
    def create(i: int) -> None:
        session().post(fake_github.api_url + f"{REPO}/issues", json={"title": f"t{i}"}, timeout=10)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(i.number for i in fake_github.issues) == list(range(1, 21))

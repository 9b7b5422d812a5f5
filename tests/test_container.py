"""The real image, built from the Dockerfile on a local stand-in of its base, run the way
a GitHub runner runs a container action (testing/container.py), against the loopback fake
GitHub: a dry run and a run that opens a fix pull request. Slow; `.ci/run` sets
AUTORECOVER_CONTAINER_TEST=required, so there a missing Docker engine fails instead of
skipping.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from testing import container
from testing.actionrun import failing_log, parse_outputs
from testing.fakegithub import FakeGitHub, JobSpec
from testing.gitfixtures import FAKE_TOKEN, Checkout, MakeCheckout, load_project

pytestmark = pytest.mark.slow

MAX_IMAGE_BYTES = 150_000_000  # issue 13: at most 150 MB uncompressed
WORK = "/home/runner/work/octo-repo/octo-repo"
BLACK_LOG = failing_log(
    f"would reformat {WORK}/src/demo/core.py",
    "Oh no! 💥 💔 💥",
    "1 file would be reformatted, 3 files would be left unchanged.",
    step="Run black --check .",
)


@pytest.fixture(scope="module")
def image() -> str:
    try:
        container.require_docker()
    except container.DockerMissing as exc:
        if os.environ.get("AUTORECOVER_CONTAINER_TEST") == "required":
            pytest.fail(f"no Docker engine: {exc}")
        pytest.skip(f"no Docker engine: {exc}")
    if os.geteuid() != 0:
        pytest.skip("the workspace is handed to uid 1001, which needs root")
    container.build_image(container.IMAGE)
    return container.IMAGE


def run_container(
    image: str, layout: container.RunnerLayout, fake: FakeGitHub, event: Any, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    layout.write_event(event)
    layout.hand_to_runner()
    defaults = {"github-token": FAKE_TOKEN, "config": ".github/autorecover.yml"}
    env = layout.env(
        {**fake.env(), "AUTORECOVER_SECONDS_BETWEEN_REQUESTS": "0"}, {**defaults, **inputs}
    )
    proc = subprocess.run(
        container.docker_run_argv(image, layout, env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return proc, parse_outputs(layout.outputs())


def failing_run(fake: FakeGitHub, checkout: Checkout) -> Any:
    run = fake.add_run(
        jobs=[JobSpec("lint", log=BLACK_LOG)],
        head_branch=checkout.branch,
        head_sha=checkout.head,
    )
    return fake.workflow_run_event(run.id)


@pytest.fixture
def checkout(make_checkout: MakeCheckout) -> Checkout:
    return make_checkout(load_project("formatting"))


@pytest.fixture
def fake(fake_github_factory: Any, checkout: Checkout) -> FakeGitHub:
    fake: FakeGitHub = fake_github_factory(git_dir=checkout.origin.path, token=FAKE_TOKEN)
    return fake


@pytest.fixture
def layout(tmp_path: Path, checkout: Checkout) -> container.RunnerLayout:
    # The origin is mounted at its own path: the workspace's remote names it.
    return container.RunnerLayout(
        tmp_path / "_temp", checkout.workspace, extra_mounts=[checkout.origin.path]
    )


def test_image_is_lean(image: str) -> None:
    size = int(container.docker("image", "inspect", "--format", "{{.Size}}", image).strip())
    assert size <= MAX_IMAGE_BYTES, f"{size / 1e6:.1f} MB"


def test_dry_run_in_the_container(
    image: str, fake: FakeGitHub, checkout: Checkout, layout: container.RunnerLayout
) -> None:
    writes_before = len([r for r in fake.requests if r.method != "GET"])
    started = time.monotonic()
    proc, outputs = run_container(
        image, layout, fake, failing_run(fake, checkout), **{"dry-run": "true"}
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["result"] == "analysed", outputs
    assert outputs["category"] == "linting_error"
    assert "black" in layout.summary()
    assert len([r for r in fake.requests if r.method != "GET"]) == writes_before
    assert "Traceback" not in proc.stderr
    assert elapsed < 60, elapsed
    assert container.root_owned(layout.workspace) == []


def test_fix_pull_request_from_the_container(
    image: str, fake: FakeGitHub, checkout: Checkout, layout: container.RunnerLayout
) -> None:
    proc, outputs = run_container(image, layout, fake, failing_run(fake, checkout))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["result"] == "fixed", (outputs, layout.summary()[-3000:])
    (pr,) = fake.pulls
    assert outputs["pr-url"].endswith(f"/pull/{pr.number}")
    assert "How it was verified" in pr.body and "black" in pr.body
    assert pr.pull is not None
    formatted = checkout.sandbox.git(
        "show", f"refs/heads/{pr.pull.head_ref}:src/demo/core.py", cwd=checkout.origin.path
    )
    assert "def total(" in formatted
    # git, black and the push ran as root inside; the runner's user still owns every file.
    assert container.root_owned(layout.workspace) == []
    assert FAKE_TOKEN not in (layout.workspace / ".git" / "config").read_text()

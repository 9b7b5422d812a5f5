"""Failing logs and helpers for recovery tests through `autorecover action` against the fake GitHub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testing.actionrun import ActionRun, failing_log
from testing.fakegithub import FakeGitHub, JobSpec

NETWORK = failing_log(
    "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.",
    step="Run pip install -r requirements.txt",
)


UNKNOWN = failing_log(
    "deploy aborted: the quota of the staging cluster is spent", step="Run ./deploy.sh"
)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def action(fake_github: FakeGitHub, tmp_path: Path) -> ActionRun:
    return ActionRun(fake_github, tmp_path)


def ledger(fake: FakeGitHub) -> dict[str, Any]:
    sha = fake.ref("heads/autorecover/state")
    assert sha, "the state branch does not exist"
    data = fake.git.file_at(sha, "ledger.json")
    assert data is not None
    return json.loads(data[1])


def failure_issues(fake: FakeGitHub) -> list[Any]:
    """Issues about failures (the dashboard issue excluded)."""
    return [i for i in fake.issues if "autorecover:dashboard" not in (i.body or "")]


def run_event(fake: FakeGitHub, log: bytes = UNKNOWN, **kwargs: Any) -> dict[str, Any]:
    run = fake.add_run(jobs=[JobSpec("build", log=log)], **kwargs)
    return fake.workflow_run_event(run.id)

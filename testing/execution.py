"""An `Execution` (what execute/ handlers share) against the loopback fake GitHub, for tests
of the handlers without the whole action around them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from autorecover.adapters.github.client import ApiSettings, GitHub
from autorecover.adapters.render import Renderer
from autorecover.core.config import parse_config
from autorecover.core.event import WorkflowRun, parse_event
from autorecover.core.settings import Settings
from autorecover.core.text.redact import Redactor
from autorecover.execute.context import Execution, Workspace
from testing.fakegithub import FakeGitHub, JobSpec


def client_for(fake: FakeGitHub, sleep: Callable[[float], None] = lambda _s: None) -> GitHub:
    settings = ApiSettings(
        api_url=fake.api_url,
        token="ghs_" + "T0kenForTheFakeGitHub0123456789abcd",
        repository=fake.state.repo.full_name,
        seconds_between_requests=0,
        seconds_between_writes=0,
        timeout=5,
    )
    return GitHub(settings, sleep=sleep)


def seeded_run(fake: FakeGitHub, log: bytes | str = "", **kwargs: Any) -> WorkflowRun:
    """A failed run in the fake, as the event autorecover would receive for it."""
    jobs = [JobSpec("build", log=log)] if log else None
    run = fake.add_run(jobs=jobs, **kwargs)
    return parse_event("workflow_run", fake.workflow_run_event(run.id))


def execution(
    fake: FakeGitHub,
    run: WorkflowRun,
    *,
    config: dict[str, Any] | None = None,
    templates: dict[str, str] | None = None,
    temp: Path | None = None,
    sleep: Callable[[float], None] = lambda _s: None,
) -> Execution:
    workspace = None
    if temp is not None:
        workspace = Workspace(temp / "workspace", temp, f"file://{temp}/git-server", "ghs_x")
    return Execution(
        client=client_for(fake, sleep),
        run=run,
        settings=Settings.resolve(parse_config(config or {})),
        renderer=Renderer(templates or {}),
        redactor=Redactor(),
        sleep=sleep,
        workspace=workspace,
    )

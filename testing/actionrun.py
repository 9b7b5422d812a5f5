"""Running `autorecover action` the way a runner does, against the fake GitHub.

`ActionRun` prepares what a runner gives a container action (GITHUB_EVENT_PATH,
GITHUB_API_URL, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, INPUT_* with hyphens
kept) and runs the entrypoint as a subprocess, or in-process when a test needs the
`sleep` seam.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testing.fakegithub import FakeGitHub

TOKEN = "ghs_" + "T0kenForTheFakeGitHub0123456789abcd"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    report: dict[str, Any] | None


def parse_outputs(text: str) -> dict[str, str]:
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        match = re.match(r"^([A-Za-z_][\w-]*)<<(.+)$", line)
        if not match:
            continue
        name, delimiter = match.groups()
        value: list[str] = []
        for body in lines:
            if body == delimiter:
                break
            value.append(body)
        outputs[name] = "\n".join(value)
    return outputs


@dataclass
class ActionRun:
    fake: FakeGitHub
    tmp: Path
    inputs: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self, event: Any, event_name: str = "workflow_run") -> dict[str, str]:
        event_path = self.tmp / "event.json"
        event_path.write_text(event if isinstance(event, str) else json.dumps(event))
        for name in ("output", "summary"):
            (self.tmp / name).write_text("")
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.tmp),
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            # Git remotes resolve under here (file://), never to a real network.
            "GITHUB_SERVER_URL": f"file://{self.tmp}/git-server",
            "GITHUB_WORKSPACE": str(self.tmp / "workspace"),
            "GITHUB_OUTPUT": str(self.tmp / "output"),
            "GITHUB_STEP_SUMMARY": str(self.tmp / "summary"),
            "RUNNER_TEMP": str(self.tmp),
            "INPUT_GITHUB-TOKEN": TOKEN,
            "INPUT_CONFIG": ".github/autorecover.yml",
            "INPUT_DRY-RUN": "false",
            "AUTORECOVER_SECONDS_BETWEEN_REQUESTS": "0",
            "AUTORECOVER_SECONDS_BETWEEN_WRITES": "0",
            "AUTORECOVER_HTTP_TIMEOUT": "5",
            **self.fake.env(),
        }
        env.update({f"INPUT_{k.upper()}": v for k, v in self.inputs.items()})
        env.update(self.extra_env)
        return env

    def _result(self, code: int, stdout: str, stderr: str) -> Result:
        report_path = self.tmp / "autorecover-report.json"
        return Result(
            code=code,
            stdout=stdout,
            stderr=stderr,
            outputs=parse_outputs((self.tmp / "output").read_text()),
            summary=(self.tmp / "summary").read_text(),
            report=json.loads(report_path.read_text()) if report_path.exists() else None,
        )

    def subprocess(
        self, event: Any, event_name: str = "workflow_run", timeout: float = 120
    ) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "autorecover", "action"],
            env=self.env(event, event_name),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return self._result(proc.returncode, proc.stdout, proc.stderr)

    def in_process(
        self,
        event: Any,
        sleep: Callable[[float], None],
        event_name: str = "workflow_run",
    ) -> Result:
        from autorecover.cli import main

        stdout = io.StringIO()
        code = main(["action"], environ=self.env(event, event_name), stdout=stdout, sleep=sleep)
        return self._result(code, stdout.getvalue(), "")


def failing_log(*lines: str, step: str = "Run pytest", code: int = 1) -> bytes:
    ts = "2024-03-12T10:15:02.1234567Z "
    body = [
        f"{ts}Current runner version: '2.321.0'",
        f"{ts}##[group]{step}",
        f"{ts}##[endgroup]",
        *[ts + line for line in lines],
        f"{ts}##[error]Process completed with exit code {code}.",
        f"{ts}Post job cleanup.",
    ]
    return ("\n".join(body) + "\n").encode()

"""Building the action's image and running it the way a GitHub runner runs a container
action, on a machine with a Docker engine and no image registry.

The base is a local stand-in of the pinned python image (`.ci/standin-base`), passed as the
Dockerfile's BASE_IMAGE build argument. `RunnerLayout` makes the directories a runner
mounts into the container (`/github/home`, `/github/workflow`, `/github/file_commands`,
`/github/workspace`) and `docker_run_argv` the `docker run` command the runner issues for a
`runs.using: docker` step: `--workdir /github/workspace`, the environment passed with
`-e`, input names kept as they are spelled (`INPUT_GITHUB-TOKEN`), and host networking here
so that the container reaches the loopback fake GitHub.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STANDIN_BASE = "autorecover-standin-base:3.11"
IMAGE = "autorecover:local"
RUNNER_UID = 1001  # the `runner` user of GitHub's hosted images, who owns the workspace
RUNNER_TEMP = "/home/runner/work/_temp"  # passed to the container, not mounted


class DockerMissing(Exception):
    """No usable Docker engine on this machine."""


def docker(*args: str, timeout: float = 1800, check: bool = True) -> str:
    proc = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"docker {args[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc.stdout


def require_docker() -> None:
    if shutil.which("docker") is None:
        raise DockerMissing("no docker command")
    probe = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        raise DockerMissing(probe.stderr.strip().splitlines()[-1] if probe.stderr else "down")


def image_exists(tag: str) -> bool:
    return bool(docker("images", "-q", tag).strip())


def build_standin_base(tag: str = STANDIN_BASE) -> None:
    subprocess.run([str(ROOT / ".ci" / "standin-base"), tag], check=True, timeout=1800)


def build_image(tag: str = IMAGE, base: str = STANDIN_BASE) -> None:
    if not image_exists(base):
        build_standin_base(base)
    docker("build", "--network", "host", "--build-arg", f"BASE_IMAGE={base}", "-t", tag, str(ROOT))


@dataclass
class RunnerLayout:
    """The host side of a runner's container mounts, under `root`."""

    root: Path
    workspace: Path
    extra_mounts: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("_github_home", "_github_workflow", "_runner_file_commands"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        suffix = uuid.uuid4()
        self.output_name = f"set_output_{suffix}"
        self.summary_name = f"step_summary_{suffix}"
        for name in (self.output_name, self.summary_name):
            (self.root / "_runner_file_commands" / name).write_text("")

    def mounts(self) -> dict[Path, str]:
        return {
            self.root / "_github_home": "/github/home",
            self.root / "_github_workflow": "/github/workflow",
            self.root / "_runner_file_commands": "/github/file_commands",
            self.workspace: "/github/workspace",
            **{path: str(path) for path in self.extra_mounts},
        }

    def hand_to_runner(self) -> None:
        """The runner's user owns everything the runner made, as on a hosted runner."""
        for path in [self.root, *self.root.rglob("*"), self.workspace, *self.workspace.rglob("*")]:
            os.lchown(path, RUNNER_UID, RUNNER_UID)

    def write_event(self, event: Any) -> None:
        (self.root / "_github_workflow" / "event.json").write_text(json.dumps(event))

    def env(self, api_env: Mapping[str, str], inputs: Mapping[str, str]) -> dict[str, str]:
        """What the runner passes: its own variables, pointed at the mounts, and one
        INPUT_<NAME> per input of action.yml, upper-cased with its hyphens."""
        return {
            "HOME": "/github/home",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "workflow_run",
            "GITHUB_EVENT_PATH": "/github/workflow/event.json",
            "GITHUB_WORKSPACE": "/github/workspace",
            "GITHUB_OUTPUT": f"/github/file_commands/{self.output_name}",
            "GITHUB_STEP_SUMMARY": f"/github/file_commands/{self.summary_name}",
            "GITHUB_SERVER_URL": "https://github.com",
            "RUNNER_TEMP": RUNNER_TEMP,
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            **api_env,
            **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
        }

    def outputs(self) -> str:
        return (self.root / "_runner_file_commands" / self.output_name).read_text()

    def summary(self) -> str:
        return (self.root / "_runner_file_commands" / self.summary_name).read_text()


def docker_run_argv(image: str, layout: RunnerLayout, env: Mapping[str, str]) -> list[str]:
    argv = ["docker", "run", "--rm", "--network", "host", "--workdir", "/github/workspace"]
    for name, value in env.items():
        argv += ["-e", f"{name}={value}"]
    for host, inside in layout.mounts().items():
        argv += ["-v", f"{host}:{inside}"]
    return [*argv, image]


def root_owned(tree: Path) -> list[Path]:
    """Entries under `tree` that belong to root: what a container running as root left in
    a workspace the runner's user must be able to clean up."""
    return [p for p in [tree, *tree.rglob("*")] if p.lstat().st_uid == 0]

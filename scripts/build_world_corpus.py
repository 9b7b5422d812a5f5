"""Build the world corpus: real failure text from public sources, framed as the job log a
runner serves, split into a training and a held-out part by source.

    python scripts/build_world_corpus.py            # staging/*/*.yaml -> train/ and heldout/
    python scripts/build_world_corpus.py --check    # rebuild every log; fail if one differs

A case is a YAML file (see tests/data/logs/world/README.md): where the text was quoted
(`source`), what a person labelled it (`category`, `action`, `explaining`), and the text
itself (`quoted`, verbatim; `previous`, output of an earlier step). The log around the
quoted text is synthetic and deterministic: the `Set up job` framing, the step header with
its `shell:` and `env:` lines, timestamps, the exit line. `framing: raw` keeps the text as
a person would paste it (other CI systems' logs), with no runner framing at all.

The split is made once, before any rule is written from the corpus, by source: every case
quoted from one repository (or one Q&A site thread) lands on the same side, so a rule
cannot be tuned to a project's wording and then scored on the same project. A case's side
is fixed by sha256(SEED + source key): reproducible, and independent of which other cases
exist. Never read heldout/ while writing rules (CONTRIBUTING.md, "Adding a rule").
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "tests" / "data" / "logs" / "world"
SEED = "autorecover-world-2026-12-03"
HELD_OUT_PERCENT = 32  # of sources; at least 30 % of cases must end up held out
SIDES = ("train", "heldout")
START = datetime(2026, 11, 2, 9, 41, 7, tzinfo=UTC)
# What "Set up job" prints first: GitHub's images name themselves; a self-hosted runner
# names the machine instead (actions/runner src/Runner.Worker/JobExtension.cs,
# https://github.com/actions/runner/pull/539).
HEADERS = {
    "github-hosted": """Current runner version: '2.330.0'
##[group]Operating System
Ubuntu
24.04.3
LTS
##[endgroup]
##[group]Runner Image
Image: ubuntu-24.04
Version: 20261027.1.0
##[endgroup]""",
    "self-hosted": """Current runner version: '2.330.0'
Runner name: 'build-01'
Runner group name: 'Default'
Machine name: 'build-01'""",
}
WORKSPACES = {"github-hosted": "/home/runner/work", "self-hosted": "/opt/actions-runner/_work"}
SETUP = """{header}
##[group]GITHUB_TOKEN Permissions
Contents: read
Metadata: read
##[endgroup]
Secret source: Actions
Prepare workflow directory
Prepare all required actions
Getting action download info
Download action repository 'actions/checkout@v4' (SHA:11bd71901bbe5b1630ceea73d27597364c9af683)
Complete job name: {job}
##[group]Run actions/checkout@v4
with:
  repository: {repository}
  token: ***
  fetch-depth: 1
##[endgroup]
Syncing repository: {repository}
##[group]Getting Git version info
Working directory is '{workspace}/{name}/{name}'
[command]/usr/bin/git version
git version 2.51.0
##[endgroup]
Checking out the ref
[command]/usr/bin/git log -1 --format=%H
4f1c2d9e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d"""
CLEANUP = """Post job cleanup.
[command]/usr/bin/git version
git version 2.51.0
Cleaning up orphan processes"""


def source_key(url: str) -> str:
    """What the split groups by: owner/repo on GitHub, else the host and the page path."""
    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc.endswith("github.com") and len(parts) >= 2:
        return f"github.com/{parts[0].lower()}/{parts[1].lower()}"
    return f"{parsed.netloc.lower()}/{'/'.join(parts[:3]).lower()}"


def side_of(url: str) -> str:
    digest = hashlib.sha256(f"{SEED}\x1f{source_key(url)}".encode()).digest()
    return "heldout" if int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT else "train"


def _stamp(n: int) -> str:
    return (START + timedelta(milliseconds=137 * n)).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def _framed(case: dict[str, Any]) -> tuple[list[str], int]:
    """The log lines, and the 0-based index of the first quoted line."""
    repository = str(case.get("repository") or "acme/project")
    job = str(case.get("job") or "build")
    runner = str(case.get("runner") or "github-hosted")
    lines = SETUP.format(
        header=HEADERS[runner],
        workspace=WORKSPACES[runner],
        job=job,
        repository=repository,
        name=repository.rsplit("/", maxsplit=1)[-1],
    ).split("\n")
    previous = str(case.get("previous") or "").rstrip("\n")
    if previous:
        lines += [f"##[group]Run {case.get('previous_step') or 'python -m pip install -e .'}"]
        lines += ["shell: /usr/bin/bash -e {0}", "env:", "  pythonLocation: /opt/hostedtoolcache/Python/3.12.12/x64", "##[endgroup]"]  # fmt: skip
        lines += previous.split("\n")
    lines += [f"##[group]Run {case['step']}"]
    lines += [str(case.get("command") or case["step"])]
    lines += [f"shell: {case.get('shell') or '/usr/bin/bash -e {0}'}", "env:"]
    lines += ["  pythonLocation: /opt/hostedtoolcache/Python/3.12.12/x64", "##[endgroup]"]
    first = len(lines)
    lines += str(case["quoted"]).rstrip("\n").split("\n")
    if case.get("exit_code") is not None:
        lines += [f"##[error]Process completed with exit code {case['exit_code']}."]
    lines += CLEANUP.split("\n")
    return [f"{_stamp(n)} {line}" for n, line in enumerate(lines)], first


def render(case: dict[str, Any]) -> tuple[str, list[int]]:
    """The log text and the 1-based line numbers of its explaining lines."""
    quoted = str(case["quoted"]).rstrip("\n").split("\n")
    explaining = [int(n) for n in case.get("explaining") or []]
    bad = [n for n in explaining if not 1 <= n <= len(quoted)]
    if bad:
        raise ValueError(f"explaining lines {bad} are outside `quoted` ({len(quoted)} lines)")
    if case.get("framing") == "raw":
        return "\n".join(quoted) + "\n", explaining
    lines, first = _framed(case)
    return "\n".join(lines) + "\n", [first + n for n in explaining]


REQUIRED = ("source", "category", "action", "quoted")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")


def load(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED if key not in case]
    if missing or (case.get("framing") != "raw" and "step" not in case):
        raise ValueError(f"{path}: missing {missing or ['step']}")
    if case.get("runner", "github-hosted") not in HEADERS:
        raise ValueError(f"{path}: runner must be one of {sorted(HEADERS)}")
    if not SLUG.match(path.stem):
        raise ValueError(f"{path}: the file name must be a slug ({SLUG.pattern})")
    return dict(case)


def build(check: bool, only: list[str]) -> int:
    folders = only or ["*"]
    staged = sorted(p for folder in folders for p in (WORLD / "staging").glob(f"{folder}/*.yaml"))
    for path in staged:
        load(path)  # all of them valid before any is moved
    for path in staged:
        case = load(path)
        side = side_of(str(case["source"]))
        target = WORLD / side / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise ValueError(f"{path}: a case named {path.stem} exists already in {side}/")
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        path.unlink()
    changed = []
    for side in SIDES:
        for path in sorted((WORLD / side).glob("*.yaml")):
            case = load(path)
            if side_of(str(case["source"])) != side:
                raise ValueError(f"{path}: its source belongs to the other side")
            text, _ = render(case)
            log = path.with_suffix(".log")
            if not log.exists() or log.read_text(encoding="utf-8") != text:
                changed.append(log)
                if not check:
                    log.write_text(text, encoding="utf-8")
    if check and changed:
        print(f"{len(changed)} logs differ from their cases, e.g. {changed[0]}", file=sys.stderr)
        return 1
    counts = {side: len(list((WORLD / side).glob("*.yaml"))) for side in SIDES}
    print(f"world corpus: {counts['train']} training cases, {counts['heldout']} held out")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a log is stale")
    parser.add_argument("only", nargs="*", help="staging folders to take (default: all)")
    args = parser.parse_args()
    return build(args.check, args.only)


if __name__ == "__main__":
    sys.exit(main())

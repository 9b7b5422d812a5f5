"""`autorecover action` end to end against the loopback fake GitHub.

    python benchmarks/e2e.py [--mb 10] [--repeat 3]

A run with one failed job whose log is ~10 MB: prints the action's wall time (the
process's wall time minus the time the fake spent producing its answers), the number of
REST requests, and the process's start-up time (`python -X importtime` total).
Targets: analysis costs at most 4 requests plus 2 per failed job; start-up under 1 s.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from loggen import generate  # noqa: E402
from testing.actionrun import ActionRun  # noqa: E402
from testing.fakegithub import FakeGitHub, JobSpec  # noqa: E402


def import_time() -> float:
    """Total import time of the action's modules, from `python -X importtime`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import autorecover.app, autorecover.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    cumulative = [
        int(m.group(1))
        for m in re.finditer(r"import time:\s+\d+ \|\s+(\d+) \| [^\s.]", proc.stderr)
        if m
    ]
    return sum(cumulative) / 1e6


def startup() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "autorecover", "--version"], capture_output=True, check=True
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    log = b"".join(generate(int(args.mb * 1024 * 1024)))
    best = None
    for _ in range(args.repeat):
        with FakeGitHub() as fake, tempfile.TemporaryDirectory() as tmp:
            run = fake.add_run(
                jobs=[JobSpec("test", log=log), JobSpec("lint", conclusion="success")]
            )
            action = ActionRun(fake, Path(tmp))
            action.inputs["dry-run"] = "true"
            start = time.perf_counter()
            result = action.subprocess(fake.workflow_run_event(run.id))
            wall = time.perf_counter() - start
            own = wall - fake.busy_seconds
            if result.code != 0:
                print(result.stdout, result.stderr)
                return 1
            requests = len(fake.requests)
            category = result.outputs.get("category")
            if best is None or own < best[0]:
                best = (own, wall, requests, category)
    assert best is not None
    own, wall, requests, category = best
    print(f"log size                 {len(log) / 2**20:.1f} MiB, 1 failed job ({category})")
    print(f"wall time (action)       {own:.2f} s  (process {wall:.2f} s, fake excluded)")
    print(f"REST requests            {requests}  (target <= 4 + 2 x 1 = 6)")
    print(
        f"start-up (importtime)    {import_time():.3f} s of imports; `autorecover --version` {startup():.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

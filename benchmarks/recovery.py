"""REST requests and wall time of each kind of recovery, end to end against the fake GitHub
(the action as a process, real git with a bare origin, the real formatters).

    python benchmarks/recovery.py

For each kind the first run in a repository (which also creates the ledger branch,
labels and the dashboard) and a later run (steady state) are measured. Targets: a lint
fix at most 12 requests, a rerun at most 6.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from testing.actionrun import ActionRun, failing_log  # noqa: E402
from testing.fakegithub import FakeGitHub, JobSpec  # noqa: E402
from testing.gitfixtures import FAKE_TOKEN, GitSandbox, load_project  # noqa: E402

WORK = "/home/runner/work/octo-repo/octo-repo"
LOGS = {
    "lint fix (black)": failing_log(
        f"would reformat {WORK}/src/demo/core.py", "1 file would be reformatted.",
        step="Run black --check .",
    ),
    "rerun (network)": failing_log(
        "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.",
        step="Run pip install -r requirements.txt",
    ),
    "issue (test failure)": failing_log(
        "FAILED tests/test_core.py::test_total - assert 3 == 4", step="Run pytest"
    ),
}  # fmt: skip


def measure(kind: str, log: bytes) -> list[tuple[str, int, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sandbox = GitSandbox(root / "sandbox")
        origin = sandbox.make_origin({"README.md": "# octo-repo\n"})
        head = sandbox.push_commit(
            origin, "feature", load_project("formatting"), "Add", parent=origin.head
        )
        workspace = sandbox.clone_workspace(origin)
        results = []
        with FakeGitHub(git_dir=origin.path, token=FAKE_TOKEN) as fake:
            (root / "runner").mkdir()
            action = ActionRun(fake, root / "runner")
            action.inputs["rerun-backoff-seconds"] = "0"
            action.extra_env.update(
                {"GITHUB_WORKSPACE": str(workspace), "INPUT_GITHUB-TOKEN": FAKE_TOKEN}
            )
            for label in ("first run", "later run"):
                if label == "later run" and fake.pulls:
                    fake.close_issue(fake.pulls[0].number, by="maintainer")
                    fake.put_file(".github/autorecover.yml", "pull_requests:\n  cooldown_days: 0\n")
                run = fake.add_run(
                    jobs=[JobSpec("job", log=log)], head_branch="feature", head_sha=head
                )
                before = len(fake.requests)
                start = time.perf_counter()
                result = action.subprocess(fake.workflow_run_event(run.id), timeout=300)
                wall = time.perf_counter() - start
                outcome: Any = (result.report or {}).get("result")
                requests = len(fake.requests) - before
                results.append((f"{kind}, {label} ({outcome})", requests, wall))
    return results


def main() -> int:
    print(f"{'recovery':<46} {'requests':>8} {'wall time':>10}")
    for kind, log in LOGS.items():
        for name, requests, wall in measure(kind, log):
            print(f"{name:<46} {requests:>8} {wall:>9.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which modules one recovery passes through, in order, and whether any call goes back up
into a module that is still waiting below it on the call stack (a callback between peers).

    python scripts/trace_paths.py

Runs two scenarios in-process against the loopback fake GitHub: a job log that ends as a
new issue, and `max-reruns` from the action input to the plan's decision. Prints, for each,
the modules in first-visit order and the count of re-entrant calls (the layout promises 0).
"""

from __future__ import annotations

import functools
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testing.actionrun import ActionRun, failing_log
from testing.fakegithub import FakeGitHub, JobSpec


def trace(run: Callable[[], Any]) -> tuple[list[str], list[tuple[str, str]]]:
    visited: list[str] = []
    stack: list[str] = []
    reentries: list[tuple[str, str]] = []

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith("autorecover") or frame.f_code.co_name == "<module>":
            return  # import-time code runs once, wherever it is first imported
        if event == "call":
            caller = stack[-1] if stack else ""
            if module != caller and module in stack:
                reentries.append((caller, module))
            if module not in visited:
                visited.append(module)
            stack.append(module)
        elif event == "return" and stack:
            stack.pop()

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return visited, reentries


def recovery_trace() -> tuple[list[str], list[tuple[str, str]], str]:
    # A network failure on attempt 3 with max-reruns 2: the log is read, the rerun is
    # refused by the input, and the failure becomes a new "reruns exhausted" issue.
    log = failing_log(
        "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool("
        "host='files.pythonhosted.org', port=443): Read timed out.",
        step="Run pip install -r requirements.txt",
    )
    for warm_up in (True, False):  # the first run imports everything; the second is traced
        with FakeGitHub() as fake, tempfile.TemporaryDirectory() as tmp:
            run = fake.add_run(jobs=[JobSpec("build", log=log)], run_attempt=3)
            event = fake.workflow_run_event(run.id)
            action = ActionRun(fake, Path(tmp), inputs={"max-reruns": "2"})
            if warm_up:
                action.in_process(event, lambda _s: None)
                continue
            visited, reentries = trace(functools.partial(action.in_process, event, lambda _s: None))
            issue = next(i for i in fake.issues if "Flaky" in i.title)
    return visited, reentries, issue.title


def main() -> int:
    visited, reentries, title = recovery_trace()
    print(
        f"job log -> issue body ({title[:50]}...): {len(visited)} modules, "
        f"{len(reentries)} re-entrant calls"
    )
    for module in visited:
        print("   ", module.removeprefix("autorecover."))
    for caller, callee in reentries:
        print("    re-entry:", caller, "->", callee)
    return 0


if __name__ == "__main__":
    sys.exit(main())

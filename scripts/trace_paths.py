"""Which modules one recovery passes through, in order, and whether any call goes back up
into a module that is still waiting below it on the call stack (a callback between peers).

    python scripts/trace_paths.py

Runs two scenarios in-process against the loopback fake GitHub: a job log that ends as a
new issue, and `max-reruns` from the action input to the plan's decision. Prints, for each,
the modules in first-visit order and the count of re-entrant calls (the layout promises 0).
"""

from __future__ import annotations

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


def main() -> int:
    log = failing_log("deploy aborted: the staging quota is spent", step="Run ./deploy.sh")
    with FakeGitHub() as fake, tempfile.TemporaryDirectory() as tmp:
        run = fake.add_run(jobs=[JobSpec("build", log=log)], run_attempt=3)
        event = fake.workflow_run_event(run.id)
        action = ActionRun(fake, Path(tmp), inputs={"max-reruns": "2"})
        visited, reentries = trace(lambda: action.in_process(event, lambda _s: None))
    print(f"job log -> issue body: {len(visited)} modules, {len(reentries)} re-entrant calls")
    for module in visited:
        print("   ", module.removeprefix("autorecover."))
    for caller, callee in reentries:
        print("    re-entry:", caller, "->", callee)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Steps of a job as seen in its log, built from structural markers found by the same
scan as the rules (one pass over the log)."""

from __future__ import annotations

from dataclasses import dataclass, field

from autorecover.core.analysis.runner import HOSTED_MARKS, SELF_HOSTED_MARK

SET_UP_JOB = "Set up job"
COMPLETE_JOB = "Complete job"


@dataclass(slots=True)
class Step:
    """A step as seen in the log text (numbered in order of appearance)."""

    number: int
    name: str
    start_line: int
    end_line: int = 0
    exit_code: int | None = None
    cancelled: bool = False
    timed_out: bool = False
    errors: int = 0
    last_error_line: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.exit_code) or self.cancelled or self.timed_out


@dataclass(slots=True)
class StepTracker:
    """Builds the step list from structural events fed in line order.

    Events come from the matching engine (one scan of the log finds both rule matches and
    structure), see ``STRUCTURE_PATTERNS``.
    """

    max_steps: int = 500
    steps: list[Step] = field(default_factory=list)
    exit_code: int | None = None
    cancelled: bool = False
    errors: int = 0
    _cancel_line: int = -1

    def __post_init__(self) -> None:
        self.steps.append(Step(number=1, name=SET_UP_JOB, start_line=1))

    @property
    def current(self) -> Step:
        return self.steps[-1]

    def event(self, kind: str, line: int, text: str) -> None:
        kind = kind.partition(":")[0]
        if kind == "step":
            self._open(text, line)
        elif kind == "post":
            self._open("Post job cleanup", line)
        elif kind == "complete":
            self._open(COMPLETE_JOB, line)
        elif kind == "exit":
            code = _int(text)
            step = self.current
            if code and step.exit_code is None:
                step.exit_code = code
            if code and self.exit_code is None:
                self.exit_code = code
        elif kind == "cancel":
            self.current.cancelled = True
            self.cancelled = True
            # The cancellation line is spelled as an error, but is not one of the job's.
            self._cancel_line = line
        elif kind == "step_timeout":
            self.current.timed_out = True
        elif kind == "error" and line != self._cancel_line:
            self._error(line)

    def _open(self, name: str, line: int) -> None:
        self.current.end_line = line - 1
        if len(self.steps) >= self.max_steps and not self.current.failed:
            # A hostile log can print millions of headers: keep the first steps and the
            # latest one (the end of a job is where it fails).
            self.steps.pop()
        number = self.steps[-1].number + 1 if self.steps else 1
        self.steps.append(Step(number=number, name=name[:200], start_line=line))

    def _error(self, line: int) -> None:
        self.errors += 1
        self.current.errors += 1
        self.current.last_error_line = line

    def close(self, last_line: int) -> None:
        self.current.end_line = max(last_line, self.current.start_line)

    def failing_step(self) -> Step | None:
        """The step holding a non-zero exit code, else a cancellation/timeout, else the
        last error; None when the log shows no failure at all."""
        for step in self.steps:
            if step.exit_code or step.timed_out:
                return step
        for step in self.steps:
            if step.cancelled:
                return step
        with_errors = [s for s in self.steps if s.errors]
        if with_errors:
            return max(with_errors, key=lambda s: s.last_error_line)
        return None

    def step_at(self, line: int) -> Step:
        # Steps are few (<= max_steps) and sorted; a linear scan from the end is cheap.
        for step in reversed(self.steps):
            if step.start_line <= line:
                return step
        return self.steps[0]

    @property
    def framed(self) -> bool:
        """True when the log had step headers (GitHub framing), not raw pasted text."""
        return len(self.steps) > 1


def _int(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())[:9]
    return int(digits) if digits else 0


# Structural markers found by the same scan as the rules. Keys are event kinds for
# `StepTracker.event`; `(?P<v>…)` is the event text. Patterns are matched after
# `normalise`, so `##[error]` already reads `Error: `.
STRUCTURE_PATTERNS: dict[str, str] = {
    "step": r"^##\[group\](?P<v>Run .*)$",
    "post": r"^Post job cleanup\.$",
    "complete": r"^Cleaning up orphan processes$",
    "exit": r"^Error: Process completed with exit code (?P<v>\d+)",
    # Other CI systems' way of saying a command failed, for logs pasted into `analyze`
    # (the part after ":" only tells the patterns apart; they are all "exit" events).
    "exit:azure": r"^Error: \S+ exited with code '(?P<v>\d+)'",
    "exit:travis": r"^The command \".*\" exited with (?P<v>\d+)\.",
    "exit:jenkins": r"script returned exit code (?P<v>\d+)",
    "exit:gitlab": r"^ERROR: Job failed: exit (?:code|status) (?P<v>\d+)",
    "exit:circleci": r"^Exited with code (?:exit status )?(?P<v>\d+)",
    "exit:appveyor": r"^Command exited with code (?P<v>\d+)",
    "exit:buildkite": r"The command exited with status (?P<v>\d+)",
    "cancel": r"^Error: The operation was canceled\.",
    "step_timeout": r"^Error: The action '.*' has timed out after \d+ minutes",
    # Every error line (exit-code and cancellation lines included) counts once.
    "error": r"^Error: ",
    # What kind of machine ran the job (core/analysis/runner.py).
    **{f"hosted:{n}": mark for n, mark in enumerate(HOSTED_MARKS)},
    "self-hosted": SELF_HOSTED_MARK,
    # The job's name as "Set up job" prints it (a matrix job's values included): a job
    # named for running without optional dependencies (core/analysis/propose.py).
    "jobname": r"^Complete job name: (?P<v>.+)$",
    # Where the project's name shows: actions/checkout and pytest's header. Used to tell
    # the project's own package from a third-party one in `No module named 'x'`.
    "repo": r"^Syncing repository: (?P<v>[\w.-]+/[\w.-]+)",
    "rootdir": r"^rootdir: \S*/work/(?P<v>[\w.-]+)/",
    # The requirements file an install step names (`pip install -r requirements-dev.txt`,
    # echoed in the step's script lines): where a missing requirement belongs.
    "reqfile": (
        r"pip3?(?: [\w.=-]+)* install(?: [\w.=-]+)* (?:-r|--requirement)[ =]?"
        r"(?P<v>[\w./-]+\.(?:txt|in))"
    ),
}

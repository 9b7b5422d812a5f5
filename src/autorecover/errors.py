"""The kinds of failure autorecover distinguishes, and the one place they become exit codes.

A `UserError` is something the person running autorecover can fix (a missing file, an
invalid rule, a missing permission): one line, exit 1. Anything else escaping to the
boundary is a bug in autorecover: one line naming it, exit 3 (AUTORECOVER_DEBUG=1 adds
the traceback). `error_handler()` is used once, in `cli.main` (the shape of pre-commit's
`error_handler.py`); a command that must report a failure its own way (the action writes
its step summary and an `::error::` annotation) registers a hook on it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2  # argparse's own exit code for a bad command line
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A clear, actionable problem with the input; the message is shown as-is."""


class ConfigError(UserError):
    """An invalid `.github/autorecover.yml` or rule; the message names the key path.

    `key` is that path as data (`("rules", "add", 0, "category")`), so the code that still
    holds the YAML can add the line number to the message."""

    def __init__(self, message: str, key: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.key = key


class LogError(UserError):
    """A log that cannot be read: missing, a directory, empty, binary, a bad zip."""


@dataclass(frozen=True, slots=True)
class Failure:
    """What reached the boundary: the exit code it maps to and the one line to show."""

    code: int
    message: str
    bug: bool


Hook = Callable[[Failure], bool]  # True: the hook reported it, print nothing more


@dataclass
class Boundary:
    """The result of a command run inside `error_handler()`."""

    code: int = EXIT_OK
    hooks: list[Hook] = field(default_factory=list)

    def on_failure(self, hook: Hook) -> None:
        self.hooks.append(hook)


def _failure(exc: BaseException) -> Failure | None:
    if isinstance(exc, UserError):
        return Failure(EXIT_USER_ERROR, str(exc), bug=False)
    if isinstance(exc, KeyboardInterrupt):
        return Failure(EXIT_INTERRUPTED, "interrupted", bug=False)
    if isinstance(exc, BrokenPipeError):
        return None  # `autorecover analyze … | head`: the reader went away; not an error
    return Failure(EXIT_BUG, f"{type(exc).__name__}: {exc}", bug=True)


BUG_HINT = (
    "This is a bug in autorecover; please report it with the command you ran "
    "(set AUTORECOVER_DEBUG=1 for a traceback)."
)


@contextlib.contextmanager
def error_handler(stderr: TextIO | None = None) -> Iterator[Boundary]:
    """Run a command; map what escapes it to an exit code in `Boundary.code`."""
    boundary = Boundary()
    try:
        yield boundary
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the one boundary
        failure = _failure(exc)
        if failure is None:
            if stderr is None:  # the real process: nothing more may be written to the pipe
                with contextlib.suppress(OSError):
                    sys.stderr.close()
            boundary.code = EXIT_OK
            return
        boundary.code = failure.code
        handled = False
        for hook in boundary.hooks:
            handled = hook(failure) or handled
        if not handled:
            _print(failure, stderr or sys.stderr)
        if failure.bug and os.environ.get("AUTORECOVER_DEBUG"):
            traceback.print_exc()


def _print(failure: Failure, stream: TextIO) -> None:
    if failure.bug:
        stream.write(f"autorecover: internal error: {failure.message}\n{BUG_HINT}\n")
    elif failure.code == EXIT_INTERRUPTED:
        stream.write("autorecover: interrupted\n")
    else:
        stream.write(f"autorecover: error: {failure.message}\n")

"""The one place autorecover starts a process (the shape of pre-commit's `util.py`).

Every command is an argv list run with ``shell=False`` (docs/security.md#s3): a branch name such as
``$({curl,-sSfL,x}${IFS}|bash)`` is a valid git ref (measured, docs/security.md#a10-1) and must stay
one argument. The environment is always passed explicitly, never inherited: git gets its token
through variables its adapter adds, and the formatters get :func:`minimal_env`, which holds no token
or secret at all (docs/security.md#s2, #tm05). Standard input is closed unless the caller gives
input, so a tool that would prompt fails instead of hanging. Output is captured with a cap, so a
tool that prints without end cannot exhaust memory (docs/security.md#r8), and errors carry the
command, return code and redacted, capped output (docs/security.md#tm17: a git error must not carry
a credential into an issue).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from autorecover.core.text.redact import Redactor

# Variables a tool may need to start and to find its interpreter; nothing that can carry a
# credential (no GITHUB_*, INPUT_*, ACTIONS_*, *_TOKEN, proxies with user:password).
ENV_ALLOW_LIST = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "TMP",
    "TEMP",
    "TZ",
    "SYSTEMROOT",
    "COMSPEC",
    "PATHEXT",
    "WINDIR",
)
DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024  # bytes kept per stream
ERROR_OUTPUT_CHARS = 4000  # characters of output an error message keeps (the tail)
_CHUNK = 65536
_GRACE = 5.0  # seconds to drain the pipes after the command exited


def minimal_env(
    extra: Mapping[str, str] | None = None, *, source: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The allow-listed variables of `source` (default: this process), plus `extra`."""
    source = os.environ if source is None else source
    env = {name: source[name] for name in ENV_ALLOW_LIST if name in source}
    env.update(extra or {})
    return env


@dataclass(frozen=True, slots=True)
class Completed:
    """A finished command. stdout/stderr are raw (decoded losslessly with surrogateescape, so
    a path read from ``git ls-files -z`` goes back into an argv byte for byte); redact them
    before storing or showing them."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    truncated: bool = False

    @property
    def output(self) -> str:
        """stdout and stderr joined, for messages."""
        return "\n".join(part for part in (self.stdout.rstrip(), self.stderr.rstrip()) if part)


class CommandError(Exception):
    """A command that failed, timed out or could not start. `output` is redacted and capped."""

    def __init__(
        self, argv: Sequence[str], returncode: int | None, output: str, reason: str
    ) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.output = output
        self.reason = reason
        message = f"command failed ({reason}): {describe(self.argv)}"
        if output:
            message += f"\n{output}"
        super().__init__(message)


class CommandTimeout(CommandError):
    """The command ran past its timeout and was killed (with its whole process group)."""


def describe(argv: Sequence[str], limit: int = 12) -> str:
    """A shell-quoted, shortened spelling of `argv` for messages (file lists can be long)."""
    shown = shlex.join(argv[:limit])
    if len(argv) > limit:
        shown += f" ... ({len(argv) - limit} more arguments)"
    return shown


@functools.cache
def _pattern_redactor() -> Redactor:
    return Redactor()  # credential shapes only; compiled on the first error


def _sanitise(text: str, redact: Callable[[str], str] | None) -> str:
    text = (redact or _pattern_redactor())(text)
    # Surrogates from undecodable bytes cannot be written as UTF-8 anywhere downstream.
    return text.encode("utf-8", "replace").decode("utf-8")


def _tail(text: str, limit: int = ERROR_OUTPUT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} characters cut ...]\n{text[-limit:]}"


class _Capture(threading.Thread):
    """Reads a pipe to its end, keeping at most `limit` bytes (the child is never blocked on a
    full pipe, and memory stays bounded however much it prints)."""

    def __init__(self, pipe: IO[bytes], limit: int) -> None:
        super().__init__(daemon=True)
        self._pipe = pipe
        self._limit = limit
        self.data = bytearray()
        self.dropped = 0

    def run(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self._pipe.read(_CHUNK):
                room = self._limit - len(self.data)
                if room > 0:
                    self.data += chunk[:room]
                self.dropped += max(0, len(chunk) - max(room, 0))

    def text(self) -> str:
        return self.data.decode("utf-8", "surrogateescape")


def _feed(pipe: IO[bytes], data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError, OSError, ValueError):
        pipe.write(data)
    with contextlib.suppress(BrokenPipeError, OSError, ValueError):
        pipe.close()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # The command runs in its own session: a timeout ends the children too (git's remote
    # helpers, black's worker processes), not just the direct child.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()


def _failure(
    kind: type[CommandError],
    args: Sequence[str],
    code: int | None,
    output: str,
    reason: str,
    redact: Callable[[str], str] | None,
) -> CommandError:
    shown = tuple(_sanitise(part, redact) for part in args)
    return kind(shown, code, _sanitise(_tail(output), redact), _sanitise(reason, redact))


def _wait(
    process: subprocess.Popen[bytes], readers: Sequence[_Capture], timeout: float
) -> int | None:
    """The exit status, or None after killing a command that ran past `timeout`."""
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.wait()
        returncode = None
    for reader in readers:
        reader.join(timeout=_GRACE)
    if any(reader.is_alive() for reader in readers):
        # A grandchild that outlived the command still holds the pipe open.
        _kill_group(process)
        for reader in readers:
            reader.join(timeout=_GRACE)
    return returncode


# The moment (time.monotonic) by which every command must have finished: set by the action
# for its whole run (AUTORECOVER_DEADLINE), so a formatter or git that hangs is killed when
# the run's time is up, not when its own, longer timeout is (docs/security.md#t50).
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    token = DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        DEADLINE.reset(token)


def _bounded(timeout: float) -> tuple[float, bool]:
    """The timeout to use, and whether the run's deadline (not the command's) sets it."""
    until = DEADLINE.get()
    if until is None:
        return timeout, False
    left = until - time.monotonic()
    return (max(left, 0.0), True) if left < timeout else (timeout, False)


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str],
    timeout: float,
    input: str | bytes | None = None,
    check: bool = True,
    max_output: int = DEFAULT_MAX_OUTPUT,
    redact: Callable[[str], str] | None = None,
    user: int | None = None,
) -> Completed:
    """Run `argv` in `cwd` with exactly `env`; raise :class:`CommandError` unless it exits 0
    (when `check`), times out or cannot start. `redact` cleans the output an error carries
    (default: the credential patterns of :class:`Redactor`). `user` (a uid, also used as the
    gid, with no supplementary groups) runs the command as that user; it needs root."""
    args = tuple(os.fspath(part) for part in argv)
    if not args or not all(isinstance(part, str) for part in args):
        raise TypeError("argv must be a non-empty list of strings")
    data = input.encode("utf-8", "surrogateescape") if isinstance(input, str) else input
    timeout, by_deadline = _bounded(timeout)
    if by_deadline and timeout <= 0:
        raise _failure(CommandTimeout, args, None, "", "the run's deadline has passed", redact)
    as_user: dict[str, Any] = {}
    if user is not None:
        as_user = {"user": user, "group": user, "extra_groups": []}
    try:
        process = subprocess.Popen(  # noqa: S603 - argv list, shell=False, explicit env
            args,
            **as_user,
            cwd=Path(cwd),
            env=dict(env),
            stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            shell=False,
            start_new_session=True,
        )
    except OSError as exc:
        reason = "executable not found" if isinstance(exc, FileNotFoundError) else str(exc)
        raise _failure(CommandError, args, None, "", reason, redact) from None
    assert process.stdout is not None and process.stderr is not None
    readers = [_Capture(process.stdout, max_output), _Capture(process.stderr, max_output)]
    for reader in readers:
        reader.start()
    if data is not None and process.stdin is not None:
        threading.Thread(target=_feed, args=(process.stdin, data), daemon=True).start()
    returncode = _wait(process, readers, timeout)
    output = _join(readers)
    if returncode is None:
        why = "the run's deadline" if by_deadline else "its timeout"
        message = f"timed out after {timeout:g}s ({why})"
        raise _failure(CommandTimeout, args, None, output, message, redact)
    if check and returncode != 0:
        raise _failure(CommandError, args, returncode, output, f"exit status {returncode}", redact)
    return Completed(
        argv=args,
        returncode=returncode,
        stdout=readers[0].text(),
        stderr=readers[1].text(),
        truncated=any(reader.dropped for reader in readers),
    )


def _join(readers: Sequence[_Capture]) -> str:
    return "\n".join(text for reader in readers if (text := reader.text().rstrip()))


def cap(text: str, limit: int, *, marker: str = "[... output truncated ...]") -> str:
    """`text` cut to `limit` characters (the head), with a visible marker when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(marker) - 1, 0)] + "\n" + marker

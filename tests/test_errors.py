"""The one error boundary: what escapes a command becomes an exit code and one line, or is
handed to the hook the command registered (the action's step summary and `::error::`)."""

from __future__ import annotations

import io

import pytest

from autorecover.errors import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USER_ERROR,
    ConfigError,
    Failure,
    LogError,
    UserError,
    error_handler,
)


def _run(exc: BaseException | None, stderr: io.StringIO) -> int:
    with error_handler(stderr) as boundary:
        if exc is not None:
            raise exc
        boundary.code = EXIT_OK
    return boundary.code


@pytest.mark.parametrize(
    ("exc", "code", "line"),
    [
        pytest.param(None, EXIT_OK, "", id="success"),
        pytest.param(UserError("no such file"), EXIT_USER_ERROR, "error: no such file", id="user"),
        pytest.param(ConfigError("bad key"), EXIT_USER_ERROR, "error: bad key", id="config"),
        pytest.param(LogError("not a log"), EXIT_USER_ERROR, "error: not a log", id="log"),
        pytest.param(KeyboardInterrupt(), EXIT_INTERRUPTED, "interrupted", id="interrupt"),
        pytest.param(
            RuntimeError("kaput"), EXIT_BUG, "internal error: RuntimeError: kaput", id="bug"
        ),
    ],
)
def test_exceptions_map_to_exit_codes(exc: BaseException | None, code: int, line: str) -> None:
    stderr = io.StringIO()
    assert _run(exc, stderr) == code
    assert line in stderr.getvalue()
    if code == EXIT_BUG:
        assert "please report it" in stderr.getvalue()
        assert "Traceback" not in stderr.getvalue()


def test_a_closed_pipe_is_not_an_error() -> None:
    assert _run(BrokenPipeError(), io.StringIO()) == EXIT_OK


def test_a_hook_reports_the_failure_instead_of_stderr() -> None:
    seen: list[Failure] = []
    stderr = io.StringIO()
    with error_handler(stderr) as boundary:
        boundary.on_failure(lambda failure: seen.append(failure) is None)
        raise UserError("missing permission")
    assert boundary.code == EXIT_USER_ERROR
    assert seen == [Failure(EXIT_USER_ERROR, "missing permission", bug=False)]
    assert stderr.getvalue() == ""


def test_a_hook_that_declines_leaves_the_line_on_stderr() -> None:
    stderr = io.StringIO()
    with error_handler(stderr) as boundary:
        boundary.on_failure(lambda failure: False)
        raise ValueError("x")
    assert boundary.code == EXIT_BUG and "ValueError: x" in stderr.getvalue()

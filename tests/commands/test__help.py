"""The examples and exit codes shown at the end of each help page."""

from __future__ import annotations

import pytest

from autorecover.commands._help import PAGES, epilog
from autorecover.errors import EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR


@pytest.mark.parametrize("command", sorted(PAGES))
def test_every_page_lists_every_exit_code_once(command: str) -> None:
    codes = [code for code, _ in PAGES[command].exit_codes()]
    assert codes == [EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED]


def test_epilog_puts_each_example_under_what_it_does() -> None:
    text = epilog("analyze")
    lines = text.splitlines()
    assert lines[0] == "Examples:"
    first = lines.index("  autorecover analyze job.log")
    assert lines[first - 1] == "  # diagnose one job log"


def test_epilog_wraps_long_exit_code_lines_under_the_meaning() -> None:
    lines = epilog("execute").split("Exit codes:\n")[1].splitlines()
    assert all(len(line) <= 79 for line in lines)
    continued = [line for line in lines if not line[:5].strip()]
    assert continued and all(line.startswith(" " * 7) for line in continued)

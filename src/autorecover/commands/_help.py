"""What `autorecover COMMAND --help` shows after the options: examples and exit codes.

The exit codes here are the contract: docs/cli.md and README.md list them, and
tests/test_cli.py runs every command as a process to prove each code it can return.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from autorecover.constants import CONFIG_PATH, LEDGER_PATH, STATE_BRANCH
from autorecover.errors import EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR

# Every command can end these ways; argparse exits 2 before the command runs.
COMMON_EXITS: tuple[tuple[int, str], ...] = (
    (EXIT_USAGE, "usage error: an unknown option, a missing or invalid argument"),
    (EXIT_BUG, "a bug in autorecover (AUTORECOVER_DEBUG=1 prints the traceback)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
)


@dataclass(frozen=True)
class Page:
    """The examples and the command's own exit codes (0 and 1) of one help page."""

    examples: tuple[tuple[str, str], ...]
    exits: tuple[tuple[int, str], ...]

    def exit_codes(self) -> tuple[tuple[int, str], ...]:
        return self.exits + COMMON_EXITS


_INPUT = "a problem with the input (a missing or unreadable file, an invalid config)"

PAGES: dict[str, Page] = {
    "analyze": Page(
        examples=(
            ("autorecover analyze job.log", "diagnose one job log"),
            ("gh run view 123 --log-failed | autorecover analyze -", "read standard input"),
            ("autorecover analyze logs.zip --format json", "one result per job of a run-logs zip"),
            ("autorecover analyze job.log -R octo-org/octo-repo", "tell own packages apart"),
        ),
        exits=(
            (EXIT_OK, "every log was diagnosed (whatever the diagnosis)"),
            (EXIT_USER_ERROR, _INPUT),
        ),
    ),
    "batch": Page(
        examples=(
            ("autorecover batch logs/", "diagnose every .log, .txt and .zip under logs/"),
            ("autorecover batch logs/ --format json > results.json", "one JSON document"),
        ),
        exits=(
            (EXIT_OK, "every file was diagnosed"),
            (
                EXIT_USER_ERROR,
                "a file could not be read (the others are still reported), "
                "no log found, or an invalid config",
            ),
        ),
    ),
    "rules list": Page(
        examples=(
            ("autorecover rules list", "every rule: id, category, severity, priority"),
            (f"autorecover rules list --config {CONFIG_PATH}", "with your own rules"),
        ),
        exits=((EXIT_OK, "listed"), (EXIT_USER_ERROR, "an invalid config")),
    ),
    "rules show": Page(
        examples=(
            ("autorecover rules show black-would-reformat", "the rule as YAML, ready to copy"),
            ("autorecover rules show pip-no-matching-distribution --format json", "as JSON"),
        ),
        exits=((EXIT_OK, "shown"), (EXIT_USER_ERROR, "no rule has that id, or an invalid config")),
    ),
    "rules test": Page(
        examples=(
            ("autorecover rules test job.log", "which rules match, on which lines"),
            (f"autorecover rules test job.log --config {CONFIG_PATH}", "try your own rules"),
        ),
        exits=(
            (EXIT_OK, "at least one rule matched (like grep)"),
            (EXIT_USER_ERROR, "no rule matched, or " + _INPUT),
        ),
    ),
    "recover": Page(
        examples=(
            ("autorecover recover job.log", "the plan for the project in the current directory"),
            ("autorecover recover job.log -C ~/src/project --format json", "another tree, JSON"),
        ),
        exits=((EXIT_OK, "the plan was printed"), (EXIT_USER_ERROR, _INPUT + "; not a directory")),
    ),
    "execute": Page(
        examples=(
            ("autorecover execute job.log --dry-run", "show the fix and the pull request body"),
            ("autorecover execute job.log -C ~/src/project", "fix the tree, uncommitted"),
        ),
        exits=(
            (
                EXIT_OK,
                "the plan was carried out locally (a fix that could not be made is "
                "printed as `not fixed`)",
            ),
            (EXIT_USER_ERROR, _INPUT + "; not a git working tree with a commit"),
        ),
    ),
    "stats": Page(
        examples=(
            (
                f"git show origin/{STATE_BRANCH}:{LEDGER_PATH} > /tmp/ledger && "
                "autorecover stats --ledger /tmp/ledger",
                "statistics from the ledger",
            ),
            ("autorecover stats --report-dir reports/ --format json", "from the JSON reports"),
        ),
        exits=(
            (EXIT_OK, "computed"),
            (EXIT_USER_ERROR, "neither source given, a missing ledger, no report in the directory"),
        ),
    ),
    "config check": Page(
        examples=((f"autorecover config check {CONFIG_PATH}", "validate before you commit it"),),
        exits=(
            (EXIT_OK, "the file is valid"),
            (EXIT_USER_ERROR, "missing or invalid: the path, " "line and key are named on stderr"),
        ),
    ),
    "action": Page(
        examples=(
            (
                "autorecover action",
                "inside the action's container, from the runner's "
                "environment (see docs/action.md)",
            ),
        ),
        exits=(
            (EXIT_OK, "done, nothing to do, or a feature skipped safely (a missing permission)"),
            (EXIT_USER_ERROR, "a problem you can fix: an invalid config or input, no event"),
        ),
    ),
}
# The groups' own pages point at their actions.
PAGES["rules"] = Page(
    examples=PAGES["rules list"].examples[:1]
    + PAGES["rules show"].examples[:1]
    + PAGES["rules test"].examples[:1],
    exits=((EXIT_OK, "see each action's --help"), (EXIT_USER_ERROR, "see each action's --help")),
)
PAGES["config"] = Page(examples=PAGES["config check"].examples, exits=PAGES["rules"].exits)


def epilog(command: str) -> str:
    """The text after the options of `autorecover COMMAND --help`: each example under a
    comment saying what it does (so it can be copied as it is), then the exit codes."""
    page = PAGES[command]
    lines = ["Examples:"]
    for example, what in page.examples:
        lines += [f"  # {what}", f"  {example}"]
    lines += ["", "Exit codes:"]
    for code, meaning in page.exit_codes():
        lines += textwrap.wrap(
            meaning, 79, initial_indent=f"  {code:>3}  ", subsequent_indent=" " * 7
        )
    return "\n".join(lines) + "\n"

"""Command-line entry point: argparse wiring only.

Each subcommand is a module of `commands/`, imported when it runs (so `autorecover analyze`
starts without loading the action's adapters), and every command runs inside the one
error boundary, `errors.error_handler()`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from autorecover import __version__
from autorecover.constants import (
    CONFIG_PATH,
    DEFAULT_MIN_CONFIDENCE,
    LEDGER_PATH,
    RUNNER_KINDS,
    STATE_BRANCH,
)
from autorecover.errors import error_handler

CONCLUSIONS = ("failure", "timed_out", "cancelled", "success", "startup_failure")


def _confidence(text: str) -> float:
    """--min-confidence: a number from 0 to 1, as in the config file."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{value:g} is not between 0 and 1")
    return value


def _common(sub: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """The options every analysing command shares."""
    sub.add_argument("--format", choices=formats, default="text", help="output format")
    sub.add_argument("--config", metavar="PATH", help=f"a {CONFIG_PATH} to apply")
    sub.add_argument(
        "--repository",
        metavar="OWNER/NAME",
        help="the repository the log is from (tells its own package from third-party ones)",
    )
    sub.add_argument(
        "--conclusion",
        choices=CONCLUSIONS,
        default="failure",
        help="how the job ended, as GitHub reports it (default: failure, the reason to "
        "analyse a log); with success or cancelled, no failure is reported unless a "
        "timeout is found",
    )
    sub.add_argument(
        "--runner",
        choices=RUNNER_KINDS,
        help='the kind of machine that ran the job (default: what the log\'s "Set up job" '
        "says); on a self-hosted one, DNS and connect failures are its configuration",
    )
    sub.add_argument(
        "--min-confidence",
        type=_confidence,
        metavar="X",
        help=f"below this confidence, propose an issue (default {DEFAULT_MIN_CONFIDENCE:g})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autorecover",
        description="Diagnose and recover failed GitHub Actions runs.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"autorecover {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="diagnose job logs")
    analyze.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=".log, .txt or run-logs .zip; - reads standard input",
    )
    analyze.add_argument(
        "--annotation",
        action="append",
        metavar="TEXT",
        help="a check-run annotation of the job (repeatable); job timeouts are only there",
    )
    _common(analyze, ("text", "json", "markdown"))
    analyze.set_defaults(handler="analyze:analyze")

    batch = commands.add_parser("batch", help="diagnose every log under a directory")
    batch.add_argument("directory", metavar="DIR")
    _common(batch, ("text", "json"))
    batch.set_defaults(handler="analyze:batch")

    rules = commands.add_parser("rules", help="inspect the knowledge base")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    rules_list = rules_sub.add_parser("list", help="list the rules")
    rules_show = rules_sub.add_parser("show", help="show one rule")
    rules_show.add_argument("rule_id", metavar="ID")
    rules_test = rules_sub.add_parser("test", help="which rules match a log, on which lines")
    rules_test.add_argument("file", metavar="FILE")
    for sub in (rules_list, rules_show, rules_test):
        sub.add_argument("--format", choices=("text", "json"), default="text")
        sub.add_argument("--config", metavar="PATH", help=f"a {CONFIG_PATH} to apply")
    rules.set_defaults(handler="rules:run")

    recover = commands.add_parser("recover", help="the plan the action would make for a log")
    execute = commands.add_parser("execute", help="carry out the plan's fixes in a working tree")
    for sub in (recover, execute):
        sub.add_argument("log", metavar="LOG", help="the failed job's log")
        sub.add_argument("--repo", default=".", metavar="DIR", help="the project (default: .)")
        sub.add_argument("--config", metavar="PATH", help=f"default: DIR/{CONFIG_PATH}")
    recover.add_argument("--format", choices=("text", "json"), default="text")
    recover.set_defaults(handler="local:recover")
    execute.add_argument(
        "--dry-run",
        action="store_true",
        help="work on a copy: show the diff and the pull request body, change nothing",
    )
    execute.set_defaults(handler="local:execute")

    stats = commands.add_parser("stats", help="recovery statistics (as on the dashboard)")
    source = stats.add_mutually_exclusive_group()
    source.add_argument("--report-dir", metavar="DIR", help="JSON reports written by the action")
    source.add_argument("--ledger", metavar="FILE", help=f"{LEDGER_PATH} from {STATE_BRANCH}")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(handler="stats:run")

    config = commands.add_parser("config", help=f"check a {CONFIG_PATH}")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = config_sub.add_parser("check", help="validate a config file")
    check.add_argument("path", metavar="PATH")
    config.set_defaults(handler="config:run")

    action = commands.add_parser(
        "action", help="run as the GitHub Action (reads the runner's environment)"
    )
    action.set_defaults(handler="action:run")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run one command; `environ`, `stdout` and `sleep` are the process's unless a test
    gives its own (`sleep` is the one seam tests replace)."""
    from autorecover.commands._runtime import Runtime

    args = parser_args(argv)
    module_name, _, function = str(args.handler).partition(":")
    with error_handler() as boundary:
        module = importlib.import_module(f"autorecover.commands.{module_name}")
        runtime = Runtime(
            environ=os.environ if environ is None else environ,
            stdout=stdout or sys.stdout,
            stderr=sys.stderr,
            stdin=sys.stdin.buffer,
            sleep=sleep,
            boundary=boundary,
        )
        boundary.code = getattr(module, function)(args, runtime)
    return boundary.code


def parser_args(argv: Sequence[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())

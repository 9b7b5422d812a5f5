"""Command-line entry point: argparse wiring only.

Each subcommand is a module of `commands/`, imported when it runs (so `autorecover analyze`
starts without loading the action's adapters), and every command runs inside the one
error boundary, `errors.error_handler()`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from autorecover import __version__
from autorecover.commands import _help
from autorecover.constants import (
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    CONFIG_PATH,
    DEFAULT_MIN_CONFIDENCE,
    LEDGER_PATH,
    RUNNER_KINDS,
    SCHEMAS_DOC,
    STATE_BRANCH,
)
from autorecover.errors import error_handler

CONCLUSIONS = ("failure", "timed_out", "cancelled", "success", "startup_failure")
# gh's -R/--repo takes [HOST/]OWNER/REPO (https://cli.github.com/manual/gh_help_reference);
# ours is the repository a log came from, so OWNER/NAME without a host.
_OWNER_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
# Old spellings keep working, with a warning, until this release (docs/upgrading.md).
REMOVED_IN = "0.2.0"


def _confidence(text: str) -> float:
    """--min-confidence: a number in the same range the config file and the action accept."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not CONFIDENCE_MIN <= value <= CONFIDENCE_MAX:
        raise argparse.ArgumentTypeError(
            f"{text} is not between {CONFIDENCE_MIN:g} and {CONFIDENCE_MAX:g}"
        )
    return value


def _owner_name(text: str) -> str:
    if not _OWNER_NAME_RE.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not OWNER/NAME (e.g. octo-org/octo-repo)")
    return text


class _Deprecated(argparse.Action):
    """An old spelling of an option: stores into the new one's dest and says so on stderr."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        self.instead: str = kwargs.pop("instead")
        kwargs["help"] = f"deprecated spelling of {self.instead}; removed in {REMOVED_IN}"
        super().__init__(option_strings, dest, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        sys.stderr.write(
            f"autorecover: warning: {option_string} is deprecated and will be removed in "
            f"{REMOVED_IN}; use {self.instead}\n"
        )
        setattr(namespace, self.dest, values)


def _repo_option(sub: argparse.ArgumentParser) -> None:
    """-R/--repo OWNER/NAME, as gh spells it; --repository is its old spelling."""
    sub.add_argument(
        "-R",
        "--repo",
        dest="repository",
        type=_owner_name,
        metavar="OWNER/NAME",
        help="the GitHub repository the log is from (tells its own packages from "
        "third-party ones)",
    )
    sub.add_argument(
        "--repository",
        dest="repository",
        type=_owner_name,
        metavar="OWNER/NAME",
        action=_Deprecated,
        instead="-R/--repo OWNER/NAME",
    )


def _config_option(sub: argparse.ArgumentParser, default: str = "none, the built-in rules") -> None:
    sub.add_argument(
        "--config", metavar="PATH", help=f"a {CONFIG_PATH} to apply (default: {default})"
    )


def _format_option(sub: argparse.ArgumentParser, formats: Sequence[str], what: str) -> None:
    sub.add_argument(
        "--format",
        choices=formats,
        default="text",
        help=f"how to print {what}: {', '.join(formats)} (default: text; json is described "
        f"by {SCHEMAS_DOC})",
    )


def _common(sub: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """The options every analysing command shares."""
    _format_option(sub, formats, "the diagnoses")
    _config_option(sub)
    _repo_option(sub)
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
        help=f"below this confidence ({CONFIDENCE_MIN:g} to {CONFIDENCE_MAX:g}), propose an "
        f"issue (default: the config's min_confidence, else {DEFAULT_MIN_CONFIDENCE:g})",
    )


def _command(
    commands: Any, name: str, help: str, page: str | None = None
) -> argparse.ArgumentParser:
    """A subcommand whose help ends with its examples and exit codes (commands/_help.py)."""
    sub: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=help[:1].upper() + help[1:] + ".",
        epilog=_help.epilog(page or name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return sub


def _analysis_commands(commands: Any) -> None:
    analyze = _command(commands, "analyze", "diagnose job logs")
    analyze.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a job log (.log or .txt), a run-logs .zip (one result per job), "
        "`gh run view --log-failed` output; - reads standard input",
    )
    analyze.add_argument(
        "--annotation",
        action="append",
        metavar="TEXT",
        help="a check-run annotation of the job (repeatable); job timeouts are only there",
    )
    _common(analyze, ("text", "json", "markdown"))
    analyze.set_defaults(handler="analyze:analyze")

    batch = _command(commands, "batch", "diagnose every log under a directory")
    batch.add_argument(
        "directory", metavar="DIR", help="searched recursively for .log, .txt and .zip files"
    )
    _common(batch, ("text", "json"))
    batch.set_defaults(handler="analyze:batch")


def _rules_commands(commands: Any) -> None:
    rules = _command(commands, "rules", "inspect the knowledge base")
    actions = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    rules_list = _command(actions, "list", "list the rules", "rules list")
    rules_show = _command(actions, "show", "show one rule", "rules show")
    rules_show.add_argument("rule_id", metavar="ID", help="a rule id, as `rules list` shows it")
    rules_test = _command(actions, "test", "which rules match a log, on which lines", "rules test")
    rules_test.add_argument("file", metavar="FILE", help="a job log, run-logs .zip, or -")
    _repo_option(rules_test)
    for sub, what in ((rules_list, "the rules"), (rules_show, "the rule"), (rules_test, "matches")):
        _format_option(sub, ("text", "json"), what)
        _config_option(sub)
    rules.set_defaults(handler="rules:run")


def _local_commands(commands: Any) -> None:
    recover = _command(commands, "recover", "the plan the action would make for a log")
    execute = _command(commands, "execute", "carry out the plan's fixes in a working tree")
    for sub in (recover, execute):
        sub.add_argument(
            "log", metavar="LOG", help="the failed job's log (.log, .txt or run-logs .zip)"
        )
        sub.add_argument(
            "-C",
            "--directory",
            default=".",
            metavar="DIR",
            help="the project's working tree (default: the current directory); unlike "
            "git -C, LOG and --config stay relative to the current directory",
        )
        sub.add_argument(
            "--repo", dest="directory", metavar="DIR", action=_Deprecated, instead="-C DIR"
        )
        _config_option(sub, default=f"DIR/{CONFIG_PATH} if it exists")
    _format_option(recover, ("text", "json"), "the plan")
    recover.set_defaults(handler="local:recover")
    execute.add_argument(
        "--dry-run",
        action="store_true",
        help="work on a copy: show the diff and the pull request body, change nothing",
    )
    execute.set_defaults(handler="local:execute")


def _other_commands(commands: Any) -> None:
    stats = _command(commands, "stats", "recovery statistics (as on the dashboard)")
    source = stats.add_mutually_exclusive_group()
    source.add_argument("--report-dir", metavar="DIR", help="JSON reports written by the action")
    source.add_argument("--ledger", metavar="FILE", help=f"{LEDGER_PATH} from {STATE_BRANCH}")
    _format_option(stats, ("text", "json"), "the statistics")
    stats.set_defaults(handler="stats:run")

    config = _command(commands, "config", f"check a {CONFIG_PATH}")
    actions = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = _command(actions, "check", "validate a config file", "config check")
    check.add_argument("path", metavar="PATH", help=f"the file to check, e.g. {CONFIG_PATH}")
    config.set_defaults(handler="config:run")

    action = _command(
        commands, "action", "run as the GitHub Action (reads the runner's environment)"
    )
    action.set_defaults(handler="action:run")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autorecover",
        description="Diagnose and recover failed GitHub Actions runs.",
        epilog="`autorecover COMMAND --help` shows a command's options, examples and exit "
        "codes; docs/cli.md has them all.",
    )
    parser.add_argument(
        "-V", "--version", action="version", version=f"autorecover {__version__}",
        help="print the version and exit",
    )  # fmt: skip
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="one of:"
    )
    _analysis_commands(commands)
    _rules_commands(commands)
    _local_commands(commands)
    _other_commands(commands)
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

"""Command-line entry point: argparse wiring and the one error boundary.

`UserError` -> one line on stderr, exit 1. Anything else is a bug: one line naming it,
exit 3 (set AUTORECOVER_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autorecover import __version__
from autorecover.errors import EXIT_BUG, EXIT_OK, EXIT_USER_ERROR, LogError, UserError

if TYPE_CHECKING:
    from autorecover.analyze import AnalysisContext
    from autorecover.models import Diagnosis
    from autorecover.rules import RuleSet

Handler = Callable[[argparse.Namespace], int]


def _settings(path: str | None) -> tuple[RuleSet, dict[str, str], float | None]:
    from autorecover.rules import load_ruleset

    if path is None:
        return load_ruleset(), {}, None
    from autorecover.config import load_settings_text

    config = Path(path)
    if not config.is_file():
        raise UserError(f"{config}: config file not found")
    settings = load_settings_text(config.read_text(encoding="utf-8"), str(config))
    return settings.ruleset, dict(settings.requirements.mapping), settings.min_confidence


def _context(args: argparse.Namespace) -> tuple[RuleSet, AnalysisContext]:
    from autorecover.analyze import DEFAULT_MIN_CONFIDENCE, AnalysisContext
    from autorecover.redact import Redactor

    ruleset, mapping, min_confidence = _settings(getattr(args, "config", None))
    redactor = Redactor()
    if getattr(args, "min_confidence", None) is not None:
        min_confidence = args.min_confidence
    context = AnalysisContext(
        annotations=tuple(getattr(args, "annotation", None) or ()),
        repository=getattr(args, "repository", None),
        module_overrides=mapping,
        min_confidence=DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence,
        redact=lambda text: redactor.redact(text).text,
    )
    return ruleset, context


def _emit(diagnoses: Sequence[Diagnosis], fmt: str) -> None:
    from autorecover.textreport import render_markdown, render_text

    if fmt == "json":
        data: Any = [d.to_dict() for d in diagnoses]
        json.dump(data[0] if len(data) == 1 else data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    render = render_markdown if fmt == "markdown" else lambda d: render_text(d, color)
    sys.stdout.write("\n".join(render(d) for d in diagnoses))


def cmd_analyze(args: argparse.Namespace) -> int:
    from autorecover.localfiles import analyze_file

    ruleset, context = _context(args)
    diagnoses = [d for path in args.files for d in analyze_file(Path(path), ruleset, context)]
    _emit(diagnoses, args.format)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from autorecover.localfiles import analyze_file, find_logs
    from autorecover.textreport import render_summary_text, render_text, summary_counts

    ruleset, context = _context(args)
    paths = find_logs(Path(args.directory))
    if not paths:
        raise LogError(f"{args.directory}: no .log, .txt or .zip files found")
    results: list[Diagnosis] = []
    errors: list[dict[str, str]] = []
    progress = sys.stderr.isatty()
    for index, path in enumerate(paths, 1):
        if progress:
            sys.stderr.write(f"\r[{index}/{len(paths)}] {path.name[:60]:<60}")
        try:
            results.extend(analyze_file(path, ruleset, context))
        except LogError as exc:
            errors.append({"source": str(path), "error": str(exc)})
    if progress:
        sys.stderr.write("\r" + " " * 72 + "\r")
    if args.format == "json":
        summary = {"total": len(results), **summary_counts(results), "errors": errors}
        payload = {"results": [d.to_dict() for d in results], "summary": summary}
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(render_text(d) for d in results))
        sys.stdout.write("\n" + render_summary_text(results))
        for error in errors:
            sys.stdout.write(f"  skipped: {error['error']}\n")
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from autorecover.rulescli import rules_command

    ruleset, context = _context(args)
    return rules_command(args, ruleset, context)


def cmd_stats(args: argparse.Namespace) -> int:
    from autorecover import ledger as ledgerlib
    from autorecover.stats import compute, ledger_from_reports, render_text

    if args.ledger:
        path = Path(args.ledger)
        if not path.is_file():
            raise UserError(f"{path}: no such ledger file")
        data = ledgerlib.loads(path.read_text(encoding="utf-8"))
    elif args.report_dir:
        directory = Path(args.report_dir)
        if not directory.is_dir():
            raise UserError(f"{directory}: not a directory of autorecover JSON reports")
        reports = []
        for report in sorted(directory.rglob("*.json")):
            try:
                loaded = json.loads(report.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise UserError(f"{report}: not a JSON report ({exc})") from None
            if isinstance(loaded, dict) and "run" in loaded and "jobs" in loaded:
                reports.append(loaded)
        if not reports:
            raise UserError(f"{directory}: holds no autorecover JSON reports")
        data = ledger_from_reports(reports)
    else:
        raise UserError(
            "give --report-dir DIR (JSON reports of the action) or --ledger FILE "
            "(ledger.json from the autorecover/state branch)"
        )
    stats = compute(data)
    if args.format == "json":
        json.dump(stats, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(stats))
    return EXIT_OK


def cmd_config_check(args: argparse.Namespace) -> int:
    from autorecover.config import load_settings_text
    from autorecover.rules import builtin_rules

    path = Path(args.path)
    if not path.is_file():
        raise UserError(f"{path}: config file not found")
    settings = load_settings_text(path.read_text(encoding="utf-8"), str(path))
    rules = settings.ruleset.rules
    own = sum(1 for rule in rules if not rule.origin.startswith("builtin"))
    disabled = len(builtin_rules()) - (len(rules) - own)
    sys.stdout.write(
        f"{path}: valid. {len(rules)} rules active ({own} from this file, {disabled} built-in "
        f"disabled); autorecover is {'enabled' if settings.enabled else 'disabled'}.\n"
    )
    return EXIT_OK


def cmd_recover(args: argparse.Namespace) -> int:
    from autorecover.localrecover import recover

    return recover(Path(args.log), Path(args.repo), args.config, args.format)


def cmd_execute(args: argparse.Namespace) -> int:
    from autorecover.localrecover import execute

    return execute(Path(args.log), Path(args.repo), args.config, args.dry_run)


def cmd_action(args: argparse.Namespace) -> int:
    from autorecover.app import run_action

    return run_action()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autorecover",
        description="Diagnose and recover failed GitHub Actions runs.",
    )
    parser.add_argument("--version", action="version", version=f"autorecover {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        sub.add_argument("--format", choices=formats, default="text", help="output format")
        sub.add_argument("--config", metavar="PATH", help="a .github/autorecover.yml to apply")
        sub.add_argument(
            "--repository",
            metavar="OWNER/NAME",
            help="the repository the log is from (tells its own package from third-party ones)",
        )
        sub.add_argument(
            "--min-confidence",
            type=float,
            metavar="X",
            help="below this confidence, propose an issue (default 0.7)",
        )

    analyze = commands.add_parser("analyze", help="diagnose job logs")
    analyze.add_argument("files", nargs="+", metavar="FILE", help=".log, .txt or run-logs .zip")
    analyze.add_argument(
        "--annotation",
        action="append",
        metavar="TEXT",
        help="a check-run annotation of the job (repeatable); job timeouts are only there",
    )
    common(analyze, ("text", "json", "markdown"))
    analyze.set_defaults(handler=cmd_analyze)

    batch = commands.add_parser("batch", help="diagnose every log under a directory")
    batch.add_argument("directory", metavar="DIR")
    common(batch, ("text", "json"))
    batch.set_defaults(handler=cmd_batch)

    rules = commands.add_parser("rules", help="inspect the knowledge base")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    rules_list = rules_sub.add_parser("list", help="list the rules")
    rules_show = rules_sub.add_parser("show", help="show one rule")
    rules_show.add_argument("rule_id", metavar="ID")
    rules_test = rules_sub.add_parser("test", help="which rules match a log, on which lines")
    rules_test.add_argument("file", metavar="FILE")
    for sub in (rules_list, rules_show, rules_test):
        sub.add_argument("--format", choices=("text", "json"), default="text")
        sub.add_argument("--config", metavar="PATH", help="a .github/autorecover.yml to apply")
    rules.set_defaults(handler=cmd_rules)

    recover = commands.add_parser("recover", help="the plan the action would make for a log")
    execute = commands.add_parser("execute", help="carry out the plan's fixes in a working tree")
    for sub in (recover, execute):
        sub.add_argument("log", metavar="LOG", help="the failed job's log")
        sub.add_argument("--repo", default=".", metavar="DIR", help="the project (default: .)")
        sub.add_argument("--config", metavar="PATH", help="default: DIR/.github/autorecover.yml")
    recover.add_argument("--format", choices=("text", "json"), default="text")
    recover.set_defaults(handler=cmd_recover)
    execute.add_argument(
        "--dry-run",
        action="store_true",
        help="work on a copy: show the diff and the pull request body, change nothing",
    )
    execute.set_defaults(handler=cmd_execute)

    stats = commands.add_parser("stats", help="recovery statistics (as on the dashboard)")
    source = stats.add_mutually_exclusive_group()
    source.add_argument("--report-dir", metavar="DIR", help="JSON reports written by the action")
    source.add_argument("--ledger", metavar="FILE", help="ledger.json from autorecover/state")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(handler=cmd_stats)

    config = commands.add_parser("config", help="check a .github/autorecover.yml")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = config_sub.add_parser("check", help="validate a config file")
    check.add_argument("path", metavar="PATH")
    config.set_defaults(handler=cmd_config_check)

    action = commands.add_parser(
        "action", help="run as the GitHub Action (reads the runner's environment)"
    )
    action.set_defaults(handler=cmd_action)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UserError as exc:
        sys.stderr.write(f"autorecover: error: {exc}\n")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("autorecover: interrupted\n")
        return 130
    except BrokenPipeError:
        # `autorecover analyze … | head`: the reader went away; not an error.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the error boundary: anything else is a bug
        sys.stderr.write(
            f"autorecover: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in autorecover; please report it with the command you ran "
            "(set AUTORECOVER_DEBUG=1 for a traceback).\n"
        )
        if os.environ.get("AUTORECOVER_DEBUG"):
            traceback.print_exc()
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())

"""`autorecover rules list | show ID | test FILE`: the knowledge base, for people writing
their own rules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from autorecover.analyze import AnalysisContext
from autorecover.errors import EXIT_OK, UserError
from autorecover.localfiles import analyze_file
from autorecover.rules import RuleSet
from autorecover.rules.schema import suggest


def rules_command(args: argparse.Namespace, ruleset: RuleSet, context: AnalysisContext) -> int:
    if args.rules_command == "list":
        return _list(ruleset, args.format)
    if args.rules_command == "show":
        return _show(ruleset, args.rule_id, args.format)
    return _test(ruleset, context, Path(args.file), args.format)


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _list(ruleset: RuleSet, fmt: str) -> int:
    if fmt == "json":
        _dump([rule.to_dict() for rule in ruleset.rules])
        return EXIT_OK
    width = max(len(rule.id) for rule in ruleset.rules)
    for rule in sorted(ruleset.rules, key=lambda r: (str(r.category), r.id)):
        flags = ("transient " if rule.transient else "") + (
            f"fix:{rule.fix.fixer}" if rule.fix else ""
        )
        sys.stdout.write(
            f"{rule.id:<{width}}  {rule.category:<20} {rule.severity:<8} p{rule.priority:<3} "
            f"{flags}\n"
        )
    sys.stdout.write(f"\n{len(ruleset.rules)} rules\n")
    return EXIT_OK


def _show(ruleset: RuleSet, rule_id: str, fmt: str) -> int:
    rule = ruleset.get(rule_id)
    if rule is None:
        raise UserError(f"no rule '{rule_id}'{suggest(rule_id, list(ruleset.by_id))}")
    data = rule.to_dict()
    if fmt == "json":
        _dump(data)
        return EXIT_OK
    for key, value in data.items():
        if isinstance(value, list):
            sys.stdout.write(f"{key}:\n" + "".join(f"  - {item}\n" for item in value))
        else:
            sys.stdout.write(f"{key}: {value}\n")
    return EXIT_OK


def _test(ruleset: RuleSet, context: AnalysisContext, path: Path, fmt: str) -> int:
    diagnoses = analyze_file(path, ruleset, context)
    if fmt == "json":
        _dump(
            [
                {
                    "source": d.source,
                    "primary": d.rule,
                    "failing_step": d.failing_step,
                    "matches": [f.to_dict() for f in d.findings],
                }
                for d in diagnoses
            ]
        )
        return EXIT_OK
    for diagnosis in diagnoses:
        sys.stdout.write(f"{diagnosis.source}\n")
        if not diagnosis.findings:
            sys.stdout.write("  no rule matched\n")
        for finding in diagnosis.findings:
            mark = "*" if finding.rule == diagnosis.rule else " "
            where = "annotation" if finding.line == 0 else f"line {finding.line}"
            sys.stdout.write(
                f" {mark}{finding.rule} ({where}, step {finding.step}): {finding.text[:160]}\n"
            )
        sys.stdout.write(
            f"  primary: {diagnosis.rule or 'none'} -> {diagnosis.category}, {diagnosis.action}\n"
        )
    return EXIT_OK

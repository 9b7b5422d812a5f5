"""`autorecover rules list | show ID | test FILE`: the knowledge base, for people writing
their own rules."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

import yaml

from autorecover.adapters.logfiles import analyze_file
from autorecover.commands import _options
from autorecover.commands._runtime import Runtime
from autorecover.core.analysis.diagnose import AnalysisContext
from autorecover.core.models import SCHEMA_VERSION, Diagnosis
from autorecover.core.rules.loader import RuleSet
from autorecover.core.rules.schema import suggest
from autorecover.errors import EXIT_OK, EXIT_USER_ERROR, UserError

EXIT_NO_MATCH = EXIT_USER_ERROR


def run(args: argparse.Namespace, rt: Runtime) -> int:
    settings = _options.settings(args)
    ruleset, out = settings.ruleset, rt.stdout
    if args.rules_command == "list":
        return _list(ruleset, args.format, out)
    if args.rules_command == "show":
        return _show(ruleset, args.rule_id, args.format, out)
    context = _options.analysis_context(args, settings)
    return _test(ruleset, context, Path(args.file), args.format, out)


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _list(ruleset: RuleSet, fmt: str, out: TextIO) -> int:
    if fmt == "json":
        _dump([{"schema_version": SCHEMA_VERSION, **rule.to_dict()} for rule in ruleset.rules], out)
        return EXIT_OK
    width = max(len(rule.id) for rule in ruleset.rules)
    for rule in sorted(ruleset.rules, key=lambda r: (str(r.category), r.id)):
        flags = ("transient " if rule.transient else "") + (
            f"fix:{rule.fix.fixer}" if rule.fix else ""
        )
        out.write(
            f"{rule.id:<{width}}  {rule.category:<20} {rule.severity:<8} p{rule.priority:<3} "
            f"{flags}\n"
        )
    out.write(f"\n{len(ruleset.rules)} rules\n")
    return EXIT_OK


def _show(ruleset: RuleSet, rule_id: str, fmt: str, out: TextIO) -> int:
    rule = ruleset.get(rule_id)
    if rule is None:
        raise UserError(f"no rule '{rule_id}'{suggest(rule_id, list(ruleset.by_id))}")
    data = rule.to_dict()
    if fmt == "json":
        _dump({"schema_version": SCHEMA_VERSION, **data}, out)
        return EXIT_OK
    # The rule as it would be written under `rules.add`, ready to copy and change.
    out.write(yaml.dump(data, Dumper=_Indented, sort_keys=False, allow_unicode=True, width=1 << 20))
    return EXIT_OK


def _test(ruleset: RuleSet, context: AnalysisContext, path: Path, fmt: str, out: TextIO) -> int:
    diagnoses = analyze_file(path, ruleset, context)
    if fmt == "json":
        _dump(
            [
                {
                    "schema_version": SCHEMA_VERSION,
                    "source": d.source,
                    "primary": d.rule,
                    "failing_step": d.failing_step,
                    "matches": [f.to_dict() for f in d.findings],
                }
                for d in diagnoses
            ],
            out,
        )
        return _matched(diagnoses)
    for diagnosis in diagnoses:
        out.write(f"{diagnosis.source}\n")
        if not diagnosis.findings:
            out.write("  no rule matched\n")
        for finding in diagnosis.findings:
            mark = "*" if finding.rule == diagnosis.rule else " "
            where = "annotation" if finding.line == 0 else f"line {finding.line}"
            out.write(
                f" {mark}{finding.rule} ({where}, step {finding.step}): {finding.text[:160]}\n"
            )
        out.write(
            f"  primary: {diagnosis.rule or 'none'} -> {diagnosis.category}, {diagnosis.action}\n"
        )
    return _matched(diagnoses)


class _Indented(yaml.SafeDumper):
    """Lists indented under their key, as docs/writing-rules.md writes rules."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _matched(diagnoses: list[Diagnosis]) -> int:
    """Like grep: 0 when a rule matched, 1 when none did (so a script can test a rule)."""
    return EXIT_OK if any(d.findings for d in diagnoses) else EXIT_NO_MATCH

"""`autorecover stats`: the recovery statistics the dashboard shows, from the ledger or
from the action's JSON reports."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from autorecover.commands._runtime import Runtime
from autorecover.constants import LEDGER_PATH, STATE_BRANCH
from autorecover.core import ledger as ledgerlib
from autorecover.core.models import SCHEMA_VERSION
from autorecover.core.stats import compute, ledger_from_reports, render_text
from autorecover.errors import EXIT_OK, UserError


def _reports(directory: Path) -> list[dict[str, Any]]:
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
    return reports


def run(args: argparse.Namespace, rt: Runtime) -> int:
    if args.ledger:
        path = Path(args.ledger)
        if not path.is_file():
            raise UserError(f"{path}: no such ledger file")
        data = ledgerlib.loads(path.read_text(encoding="utf-8"))
    elif args.report_dir:
        data = ledger_from_reports(_reports(Path(args.report_dir)))
    else:
        raise UserError(
            "give --report-dir DIR (JSON reports of the action) or --ledger FILE "
            f"({LEDGER_PATH} from the {STATE_BRANCH} branch)"
        )
    stats = compute(data)
    if args.format == "json":
        json.dump({"schema_version": SCHEMA_VERSION, **stats}, rt.stdout, indent=2)
        rt.stdout.write("\n")
    else:
        rt.stdout.write(render_text(stats))
    return EXIT_OK

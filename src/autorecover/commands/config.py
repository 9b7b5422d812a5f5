"""`autorecover config check FILE`: validate a `.github/autorecover.yml`."""

from __future__ import annotations

import argparse
from pathlib import Path

from autorecover.commands._options import load_config
from autorecover.commands._runtime import Runtime
from autorecover.core.rules.loader import builtin_rules
from autorecover.errors import EXIT_OK


def run(args: argparse.Namespace, rt: Runtime) -> int:
    path = Path(args.path)
    config = load_config(path, required=True)
    rules = config.ruleset.rules
    own = sum(1 for rule in rules if not rule.origin.startswith("builtin"))
    disabled = len(builtin_rules()) - (len(rules) - own)
    rt.stdout.write(
        f"{path}: valid. {len(rules)} rules active ({own} from this file, {disabled} built-in "
        f"disabled); autorecover is {'enabled' if config.enabled else 'disabled'}.\n"
    )
    return EXIT_OK

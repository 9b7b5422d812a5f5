"""Write src/autorecover/fixers/formatter-hashes.json: the sha256 of every wheel of every
release of black, isort and ruff that autorecover can run, as PyPI publishes them.

A repository that pins a formatter version other than the bundled one gets that version
installed at run time; pip then installs it with ``--require-hashes`` against this file, so
a compromised index or mirror cannot hand autorecover a different file
(docs/security.md#s2). Releases older than the oldest version whose command line autorecover
speaks (fixers/_toolenv.py TOOLS) and yanked files are left out.

Source: PyPI's JSON API, https://docs.pypi.org/api/json/ (``GET /pypi/<project>/json``:
``releases`` maps each version to its files with ``digests.sha256``, ``packagetype`` and
``yanked``).

    python scripts/lock_formatters.py           # rewrite the file from PyPI
    python scripts/lock_formatters.py --dry-run # print what would change
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

import requests
from packaging.version import InvalidVersion, Version

from autorecover.fixers._toolenv import TOOLS
from autorecover.fixers._toollock import LOCK_PATH

PYPI = "https://pypi.org/pypi/{name}/json"


def releases(name: str, minimum: str) -> dict[str, list[str]]:
    """version -> sorted sha256 of its non-yanked wheels, for versions >= minimum."""
    answer = requests.get(PYPI.format(name=name), timeout=60)
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    out: dict[str, list[str]] = {}
    for version, files in data["releases"].items():
        try:
            if Version(version) < Version(minimum):
                continue
        except InvalidVersion:
            continue
        wheels = sorted(
            f["digests"]["sha256"]
            for f in files
            if f.get("packagetype") == "bdist_wheel" and not f.get("yanked")
        )
        if wheels:
            out[str(Version(version))] = wheels
    return dict(sorted(out.items(), key=lambda item: Version(item[0])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print counts, write nothing")
    args = parser.parse_args(argv)
    tools = {
        spec.distribution: releases(spec.distribution, spec.minimum) for spec in TOOLS.values()
    }
    document = {
        "source": "https://pypi.org/pypi/<name>/json (scripts/lock_formatters.py)",
        "generated": datetime.now(UTC).strftime("%Y-%m-%d"),
        "tools": tools,
    }
    for name, versions in tools.items():
        files = sum(len(hashes) for hashes in versions.values())
        print(f"{name}: {len(versions)} releases, {files} wheels", file=sys.stderr)
    if not args.dry_run:
        LOCK_PATH.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n")
        print(f"wrote {LOCK_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

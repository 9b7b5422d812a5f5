"""YAML data shipped in the package (the built-in rules, the module map), read from the
JSON twin generated beside it.

The YAML files are the source. Their twin holds what they parse to and their digest:
reading it takes about 1 ms, where importing the YAML parser and running it takes 70 ms,
a third of `autorecover analyze`'s start-up (benchmarks/analyzer.py). When the digest
does not match (a file was edited and `python scripts/gen_data.py` not run) the YAML is
parsed as before, and tests/core/test_datafile.py fails until the twin is regenerated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

Files = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class DataSet:
    """YAML files of `package` (all `*.yaml` under `folder`, or the one file `name`), and
    the JSON twin `twin` in `package`."""

    package: str
    twin: str
    folder: str = ""
    name: str = ""

    def files(self) -> Files:
        root = resources.files(self.package)
        if self.name:
            return [(self.name, root.joinpath(self.name).read_bytes())]
        entries = root.joinpath(self.folder).iterdir()
        return sorted((e.name, e.read_bytes()) for e in entries if e.name.endswith(".yaml"))

    def stored(self) -> bytes | None:
        twin = resources.files(self.package).joinpath(self.twin)
        return twin.read_bytes() if twin.is_file() else None

    def load(self) -> list[tuple[str, Any]]:
        """What each file holds, in name order."""
        return from_compiled(self.files(), self.stored())


RULES = DataSet("autorecover.core.rules", "builtin.json", folder="builtin")
MODULE_MAP = DataSet("autorecover.core.analysis", "module_map.json", name="module_map.yaml")
ALL = (RULES, MODULE_MAP)


def digest(files: Iterable[tuple[str, bytes]]) -> str:
    hashed = hashlib.sha256()
    for name, data in files:
        hashed.update(b"%d:%s\n%d:" % (len(name), name.encode(), len(data)) + data)
    return hashed.hexdigest()


def parsed(files: Files) -> list[tuple[str, Any]]:
    """What each YAML file holds (an empty file: an empty mapping)."""
    import yaml  # only when the twin is stale (module docstring)

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [(name, yaml.load(data, Loader=loader) or {}) for name, data in files]  # noqa: S506


def compiled_form(files: Files) -> str:
    """The text of the JSON twin of these files."""
    payload = {"sha256": digest(files), "files": parsed(files)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def from_compiled(files: Files, stored: bytes | None) -> list[tuple[str, Any]]:
    """What the files hold: from `stored` (the twin's text) when it is theirs."""
    if stored is not None:
        payload = json.loads(stored)
        if payload.get("sha256") == digest(files):
            return [(name, data) for name, data in payload["files"]]
    return parsed(files)

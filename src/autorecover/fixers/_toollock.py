"""The formatter versions autorecover can install at run time, each with the sha256 of its
wheels (formatter-hashes.json, written by scripts/lock_formatters.py from PyPI's JSON API).

A version a repository pins is installed only if it is listed here, with
``pip install --require-hashes --no-deps``: pip refuses any file whose hash is not in the
list, so an index, a mirror or a proxy cannot substitute code (docs/security.md#s2). The
tool's own dependencies are not downloaded at all: they come from autorecover's environment,
which the image installs from requirements/action.txt with hashes, and are checked against
what the installed version requires before it runs.
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

LOCK_PATH = Path(__file__).with_name("formatter-hashes.json")

HashLock = Mapping[str, Mapping[str, Sequence[str]]]  # distribution -> version -> sha256s


@cache
def shipped() -> HashLock:
    """The lock that ships with autorecover."""
    tools: HashLock = json.loads(LOCK_PATH.read_text())["tools"]
    return tools


def hashes_for(lock: HashLock, distribution: str, version: str) -> Sequence[str]:
    """The sha256 of the wheels of `distribution==version`, or () when it is not listed."""
    return tuple(lock.get(distribution, {}).get(version, ()))


def requirement_file(distribution: str, version: str, hashes: Sequence[str]) -> str:
    """A requirements file pip installs in hash-checking mode."""
    pins = " ".join(f"--hash=sha256:{digest}" for digest in hashes)
    return f"{distribution}=={version} {pins}\n"


def unmet_requirements(
    distribution: str, tool_path: Path, dependency_paths: Sequence[str]
) -> list[str]:
    """What the installed `distribution` in `tool_path` requires that the distributions in
    `dependency_paths` do not provide (extras and other platforms' markers left out)."""
    found = list(importlib.metadata.distributions(name=distribution, path=[str(tool_path)]))
    if not found:
        return [f"{distribution} itself"]
    available = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions(path=list(dependency_paths))
        if dist.metadata["Name"]
    }
    unmet = []
    for line in found[0].requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            unmet.append(line)
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        have = available.get(canonicalize_name(requirement.name))
        if have is None or not requirement.specifier.contains(have, prereleases=True):
            unmet.append(str(requirement) + (f" (have {have})" if have else " (missing)"))
    return unmet


def dependency_paths(distributions: Iterable[str]) -> list[str]:
    """The directories the bundled tools' distributions are installed in (deduplicated,
    in order): where a pinned version finds its dependencies."""
    paths: list[str] = []
    for distribution in distributions:
        located = importlib.metadata.distribution(distribution).locate_file("")
        path = str(Path(str(located)))
        if path not in paths:
            paths.append(path)
    return paths

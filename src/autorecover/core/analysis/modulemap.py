"""Which distribution provides a Python import name, and whether a module is the
project's own (a missing own package is a build/configuration problem, not a missing
requirement)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from autorecover.core import datafile


class ModuleKind(StrEnum):
    THIRD_PARTY = "third_party"  # listed in the map: a requirement can be proposed
    LOCAL = "local"  # the project's own package
    STDLIB = "stdlib"  # part of Python: a wrong interpreter version, not a requirement
    UNKNOWN = "unknown"  # not in the map: a human must name the distribution


@dataclass(frozen=True, slots=True)
class Resolution:
    kind: ModuleKind
    module: str
    distribution: str | None = None


@functools.cache
def builtin_map() -> dict[str, str]:
    ((_, data),) = datafile.MODULE_MAP.load()
    return {str(k): str(v) for k, v in data.items() if v}


def _norm(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(".", "_")


def _repo_variants(repository: str) -> set[str]:
    """`owner/python-foo` -> {python_foo, foo}: names a project's package often takes."""
    name = _norm(repository.rsplit("/", 1)[-1])
    variants = {name}
    for prefix in ("python_", "py_", "py"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            variants.add(name[len(prefix) :])
    for suffix in ("_python", "_py", "py"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            variants.add(name[: -len(suffix)])
    return variants


def resolve(
    module: str,
    *,
    repository: str | None = None,
    local_modules: Iterable[str] = (),
    overrides: Mapping[str, str] | None = None,
) -> Resolution:
    """Classify `module` (as named in `No module named '...'`)."""
    module = module.strip().strip("'\"")
    top = module.split(".", 1)[0]
    if _norm(top) in {_norm(name) for name in local_modules}:
        return Resolution(ModuleKind.LOCAL, module)
    if repository and _norm(top) in _repo_variants(repository):
        return Resolution(ModuleKind.LOCAL, module)
    if top in sys.stdlib_module_names:
        return Resolution(ModuleKind.STDLIB, module)
    table = {**builtin_map(), **(overrides or {})}
    # Longest dotted prefix first: `google.cloud.storage` before `google`.
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        distribution = table.get(".".join(parts[:end]))
        if distribution:
            return Resolution(ModuleKind.THIRD_PARTY, module, distribution)
    return Resolution(ModuleKind.UNKNOWN, module)

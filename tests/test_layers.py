"""Dependencies point inward: the pure core imports nothing of the adapters, and each
adapter concern has one home (DESIGN.md, "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "autorecover"

# The pure core: no I/O libraries, no adapters.
CORE = {
    "models", "errors", "event", "logs", "logsources", "steps", "scan", "analyze", "proposal",
    "fingerprint", "modulemap", "plan", "config", "redact", "mdsafe", "ledger", "stats",
    "report", "textreport", "rules", "rules.schema", "rules.engine",
}  # fmt: skip
ROOT_NAMES = {"__version__"}  # the package root holds only the version
ADAPTER_LIBRARIES = {"github", "requests", "subprocess", "jinja2", "urllib3"}


def modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        imports: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imports |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module)
                if node.module == "autorecover":
                    imports |= {f"autorecover.{alias.name}" for alias in node.names}
        found[name] = imports
    return found


@pytest.mark.parametrize("name", sorted(CORE))
def test_core_imports_only_core(name: str) -> None:
    imports = modules()[name]
    ours = {i.removeprefix("autorecover.") for i in imports if i.startswith("autorecover.")}
    assert ours <= CORE | ROOT_NAMES, f"{name} imports adapters: {sorted(ours - CORE)}"
    libraries = {i.split(".")[0] for i in imports}
    assert (
        not libraries & ADAPTER_LIBRARIES
    ), f"{name} imports {sorted(libraries & ADAPTER_LIBRARIES)}"


def test_one_home_per_concern() -> None:
    homes = {"github": {"github"}, "requests": {"github"}, "subprocess": {"proc"}}
    for name, imports in modules().items():
        for library, allowed in homes.items():
            if any(i == library or i.startswith(library + ".") for i in imports):
                assert name in allowed, f"{name} imports {library}; only {allowed} may"


def test_git_runs_only_in_gitrepo() -> None:
    for path in SRC.rglob("*.py"):
        if path.name in ("gitrepo.py", "proc.py"):
            continue
        assert '"git",' not in path.read_text(encoding="utf-8"), path

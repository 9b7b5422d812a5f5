"""The folders are the layers (DESIGN.md, "Layout"): dependencies point one way,

    cli -> commands -> app -> execute -> fixers -> adapters -> core

the core is pure, each I/O concern has one home, and every module has its test at the
mirrored path. The contract is derived from the tree: a module added to a folder is
covered the day it is added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "autorecover"
TESTS = ROOT / "tests"

# Outermost first. A module may import its own layer and the layers after it; the root
# modules `constants`, `errors` and the package itself (its version) sit under everything.
LAYERS = ("cli", "commands", "app", "execute", "fixers", "adapters", "core")
BASE = ("constants", "errors", "")
# What "pure" rules out: I/O libraries and process state.
IMPURE_LIBRARIES = {"subprocess", "requests", "github", "urllib3", "socket", "http", "jinja2"}
IMPURE_CALLS = {"write_text", "write_bytes", "mkdir", "unlink", "rmtree", "system", "popen"}
# One home per concern.
HOMES = {
    "github": {"adapters.github.client"},
    "requests": {"adapters.github.client"},
    "subprocess": {"adapters.proc"},
    "jinja2": {"adapters.render"},
}
MAX_LINES = 400
MAX_TOP_LEVEL = 8


def _name(path: Path) -> str:
    name = ".".join(path.relative_to(SRC).with_suffix("").parts)
    return "" if name == "__init__" else name.removesuffix(".__init__")


MODULES = {_name(path): path for path in sorted(SRC.rglob("*.py"))}


def _layer(module: str) -> str:
    head = module.split(".", 1)[0]
    if module in BASE or head == "__main__":
        return "base" if module in BASE else "cli"
    if head not in LAYERS:
        raise AssertionError(f"{module} is in no layer: put it in one of {LAYERS}")
    return head


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module.startswith("autorecover"):
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _ours(imports: set[str]) -> set[str]:
    """The autorecover modules among `imports` (a name imported from a package counts as
    its module when it is one)."""
    out = set()
    for name in imports:
        if name == "autorecover":
            out.add("")
        elif name.startswith("autorecover."):
            dotted = name.removeprefix("autorecover.")
            while dotted and dotted not in MODULES:
                dotted = dotted.rpartition(".")[0]
            out.add(dotted)
    return out


@pytest.mark.parametrize("module", sorted(MODULES))
def test_dependencies_point_inward(module: str) -> None:
    layer = _layer(module)
    allowed = set(LAYERS[LAYERS.index(layer) :]) if layer in LAYERS else set(LAYERS)
    if layer == "base":
        allowed = set()
    for target in _ours(_imports(MODULES[module])):
        target_layer = _layer(target)
        assert target_layer == "base" or target_layer in allowed, (
            f"{module} ({layer}) imports {target} ({target_layer}); "
            f"dependencies point {' -> '.join(LAYERS)}"
        )


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "core"))
def test_core_is_pure(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    libraries = {name.split(".")[0] for name in _imports(MODULES[module])}
    assert not libraries & IMPURE_LIBRARIES, f"{module} imports {libraries & IMPURE_LIBRARIES}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            raise AssertionError(f"{module} reads os.environ (line {node.lineno})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in IMPURE_CALLS, f"{module} line {node.lineno} writes"
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "open":
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            assert not any(set(str(m)) & set("wax+") for m in modes), f"{module} writes a file"


def test_one_home_per_concern() -> None:
    for module, path in MODULES.items():
        libraries = {name.split(".")[0] for name in _imports(path)}
        for library, homes in HOMES.items():
            if library in libraries:
                assert module in homes, f"{module} imports {library}; only {homes} may"


def test_git_runs_only_in_the_git_adapter() -> None:
    for module, path in MODULES.items():
        if module in ("adapters.git", "adapters.proc"):
            continue
        assert '"git",' not in path.read_text(encoding="utf-8"), module


def test_the_package_root_is_small() -> None:
    top = sorted(p.name for p in SRC.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split what it owns"


def _test_file(module: str) -> Path | None:
    """tests/ mirrors src/: core/plan.py -> tests/core/test_plan.py; __init__.py and
    __main__.py with no code of their own need none."""
    path = MODULES[module]
    if path.name in ("__init__.py", "__main__.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in tree.body):
            return None
        return TESTS / path.parent.relative_to(SRC) / "test_init.py"
    return TESTS / path.parent.relative_to(SRC) / f"test_{path.stem}.py"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_has_its_test_file(module: str) -> None:
    expected = _test_file(module)
    assert expected is None or expected.is_file(), f"{module}: no {expected.relative_to(ROOT)}"


def test_every_test_file_mirrors_a_module() -> None:
    mirrored = {_test_file(m) for m in MODULES} - {None}
    orphans = [
        p.relative_to(ROOT)
        for p in TESTS.rglob("test_*.py")
        if p not in mirrored
        and "builtin" not in p.parts  # one file per rules YAML: tests/core/rules/builtin
        and p.parent != TESTS  # whole-project checks: layers, constants, packaging
        and "testing" not in p.relative_to(TESTS).parts  # the fake GitHub's own tests
    ]
    assert not orphans, f"test files that mirror no module: {orphans}"


def test_no_module_imports_back_into_its_importers() -> None:
    """Within a layer too, imports form no cycle: a job log is followed from download to
    the issue body without a module calling back into one that is waiting for it (import
    cycles are how callbacks between peers start)."""
    graph = {m: _ours(_imports(p)) - {m, ""} for m, p in MODULES.items()}

    def cycle_from(start: str) -> list[str] | None:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return [*path, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [c for m in MODULES if (c := cycle_from(m))]
    assert not cycles, f"import cycle: {' -> '.join(cycles[0])}"


def test_a_recovery_never_calls_back_into_a_waiting_module() -> None:
    """Traced for real (scripts/trace_paths.py): from the job log to the issue body, no call
    goes back up into a module that is still on the call stack."""
    from scripts.trace_paths import recovery_trace

    visited, reentries, title = recovery_trace()
    assert title.startswith("[autorecover] Flaky, reruns exhausted")
    assert "autorecover.core.plan.matrix" in visited and "autorecover.execute.issue" in visited
    assert reentries == []

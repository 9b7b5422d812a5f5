"""Who imports a module, and which modules are the project's own, read with `ast` only.

A log line ``No module named 'x'`` is not evidence that the project needs ``x``: a pull
request can print it on purpose (docs/security.md#tm06, #t18). autorecover adds a requirement only
when tracked code at the failing commit imports the module. Files are parsed, never imported
or executed (docs/security.md#s2).
"""

from __future__ import annotations

import ast
import posixpath
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autorecover.fixers._base import read_bytes

MAX_FILES = 5000
MAX_FILE_BYTES = 1024 * 1024
TEST_DIRS = frozenset({"test", "tests", "testing"})
MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py")


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(part in TEST_DIRS for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Absolute import names: `import a.b` -> a.b; `from a import b` -> a, a.b;
    `importlib.import_module("a")` -> a. Imports under `if TYPE_CHECKING:` never run."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.names.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # relative: the project's own code
        self.names.add(node.module)
        self.names.update(
            f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"
        )

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("import_module", "__import__") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.names.add(first.value)
        self.generic_visit(node)


def imported_names(source: str | bytes) -> set[str]:
    """Every absolute module name `source` imports; empty when it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes in user code
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    visitor = _Imports()
    visitor.visit(tree)
    return visitor.names


def imports_module(names: Iterable[str], module: str) -> bool:
    return any(name == module or name.startswith(module + ".") for name in names)


@dataclass(frozen=True, slots=True)
class Importers:
    runtime: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def any(self) -> bool:
        return bool(self.runtime or self.tests)

    @property
    def tests_only(self) -> bool:
        return bool(self.tests) and not self.runtime


def find_importers(root: Path, files: Iterable[str], module: str) -> Importers:
    """Tracked Python files importing `module` (or a submodule of it), split by tests."""
    runtime: list[str] = []
    tests: list[str] = []
    python = [path for path in files if path.endswith(".py")][:MAX_FILES]
    for path in python:
        data = read_bytes(root, path, MAX_FILE_BYTES)
        if data is None or module.split(".", maxsplit=1)[0].encode() not in data:
            continue  # cheap pre-filter: the name must appear in the text
        if imports_module(imported_names(data), module):
            (tests if is_test_path(path) else runtime).append(path)
    return Importers(tuple(runtime), tuple(tests))


def own_modules(files: Iterable[str], pyproject: Mapping[str, Any]) -> set[str]:
    """Top-level import names the project itself provides: packages and modules at the root
    and under src/, modules next to tests (pytest puts test directories on sys.path), what
    pyproject.toml declares, and the project name itself."""
    names: set[str] = set()
    files = list(files)
    # Each distribution of a repository with several (opentelemetry-python's
    # `opentelemetry-sdk/src/opentelemetry/...`) has its packages below its own manifest.
    bases = {posixpath.dirname(p) for p in files if posixpath.basename(p) in MANIFESTS} - {""}
    for path in files:
        if not path.endswith(".py"):
            continue
        base = max((b for b in bases if path.startswith(b + "/")), key=len, default="")
        parts = path[len(base) + 1 if base else 0 :].split("/")
        if (parts[0] == "src" and len(parts) > 1) or (parts[0] in TEST_DIRS and len(parts) > 1):
            parts = parts[1:]
        top = parts[0]
        names.add(posixpath.splitext(top)[0] if len(parts) == 1 else top)
    tool = pyproject.get("tool") or {}
    setuptools = tool.get("setuptools") or {}
    for key in ("py-modules", "packages"):
        value = setuptools.get(key)
        if isinstance(value, list):
            names.update(str(item).split(".")[0] for item in value)
    for package in (tool.get("poetry") or {}).get("packages") or []:
        if isinstance(package, dict) and isinstance(package.get("include"), str):
            names.add(package["include"].split("/")[0].split(".")[0])
    for table in (pyproject.get("project") or {}, tool.get("poetry") or {}):
        if isinstance(table.get("name"), str):
            names.add(table["name"].replace("-", "_").replace(".", "_"))
    return {name.lower() for name in names if name.isidentifier()}

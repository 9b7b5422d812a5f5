"""Who imports a module, read with `ast` only: the import names a source yields, which files
are tests, which tracked files import a module (split runtime/tests), and which top-level names
are the project's own."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from autorecover.fixers._pyimports import (
    MAX_FILE_BYTES,
    MAX_FILES,
    Importers,
    find_importers,
    imported_names,
    imports_module,
    is_test_path,
    own_modules,
)

# -- imported_names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("import a.b.c", {"a.b.c"}),
        ("from a.b import c, d", {"a.b", "a.b.c", "a.b.d"}),
        ("from . import x\nfrom .y import z", set()),
        ("from a import *", {"a"}),
        ("import importlib\nimportlib.import_module('plug')", {"importlib", "plug"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\nelse:\n    import y",
         {"typing", "typing.TYPE_CHECKING", "y"}),
        ("def f(:\n", set()),
        ("try:\n    import ujson\nexcept ImportError:\n    import json", {"ujson", "json"}),
    ],
    ids=["dotted", "from-names", "relative", "star", "import-module", "type-checking-else",
         "syntax-error", "try-except"],
)  # fmt: skip
def test_imported_names(source: str, names: set[str]) -> None:
    assert imported_names(source) == names


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("import a as b, c", {"a", "c"}),
        ("from a import b as c", {"a", "a.b"}),
        ("from __future__ import annotations", {"__future__", "__future__.annotations"}),
        ("def f():\n    import lazy\n", {"lazy"}),
        ("class C:\n    def m(self):\n        from deep.er import x\n", {"deep.er", "deep.er.x"}),
        ("__import__('dunder')", {"dunder"}),
        ("from importlib import import_module\nimport_module('bare')",
         {"importlib", "importlib.import_module", "bare"}),
        ("import importlib\nname = 'x'\nimportlib.import_module(name)", {"importlib"}),
        ("import importlib\nimportlib.import_module(b'bytes')", {"importlib"}),
        ("importlib.import_module()", set()),
        ("import typing\nif typing.TYPE_CHECKING:\n    import hidden\n", {"typing"}),
        ("if TYPE_CHECKING:\n    import a\nelif other:\n    import b\n", {"b"}),
        ("if not TYPE_CHECKING:\n    import runtime_only\n", {"runtime_only"}),
        ("if sys.version_info < (3, 11):\n    import tomli\nelse:\n    import tomllib\n",
         {"tomli", "tomllib"}),
        ("from .. import sibling\nfrom .pkg.mod import x\n", set()),
        ("", set()),
        ("x = 1\0", set()),
    ],
    ids=["alias", "from-alias", "future", "in-function", "in-method", "dunder-import",
         "bare-import-module", "non-constant-argument", "bytes-argument", "no-argument",
         "typing-attribute", "type-checking-elif", "not-type-checking", "version-branches",
         "parent-relative", "empty", "nul-byte"],
)  # fmt: skip
def test_imported_names_edge_cases(source: str, names: set[str]) -> None:
    assert imported_names(source) == names


def test_imported_names_accepts_bytes_with_an_encoding_declaration() -> None:
    source = "# -*- coding: latin-1 -*-\n# caf\xe9\nimport yaml\n".encode("latin-1")
    assert imported_names(source) == {"yaml"}


def test_user_code_warnings_do_not_escape() -> None:
    source = "import re\npattern = '\\d+'\n"  # an invalid escape: SyntaxWarning when compiled
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert imported_names(source) == {"re"}


# -- imports_module --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "module", "expected"),
    [
        (["yaml"], "yaml", True),
        (["yaml.loader"], "yaml", True),
        (["yaml"], "yaml.loader", False),
        (["yamlx"], "yaml", False),
        (["py.yaml"], "yaml", False),
        (["a", "b.c"], "b", True),
        ([], "yaml", False),
    ],
    ids=["exact", "submodule", "parent-only", "prefix-of-name", "suffix", "second", "none"],
)
def test_imports_module(names: list[str], module: str, expected: bool) -> None:
    assert imports_module(names, module) is expected


# -- is_test_path ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "test"),
    [("tests/x.py", True), ("pkg/tests/x.py", True), ("test_x.py", True), ("x_test.py", True),
     ("conftest.py", True), ("src/pkg/x.py", False), ("testing_utils.py", False)],
    ids=["tests-dir", "nested-tests-dir", "test-prefix", "test-suffix", "conftest", "source",
         "testing-prefix"],
)  # fmt: skip
def test_is_test_path(path: str, test: bool) -> None:
    assert is_test_path(path) is test


@pytest.mark.parametrize(
    ("path", "test"),
    [
        ("test/helpers.py", True),
        ("testing/fixtures.py", True),
        ("src/pkg/testing/__init__.py", True),
        ("pkg/sub/conftest.py", True),
        ("tests", False),
        ("src/tests.py", False),
        ("src/contest.py", False),
        ("src/latest_test_data.py", False),
        ("Tests/x.py", False),
        ("src/pkg/test_utils/x.py", False),
    ],
    ids=["test-dir", "testing-dir", "nested-testing-dir", "nested-conftest", "bare-dir-name",
         "tests-module", "contest", "test-inside-name", "capitalised-dir", "test-prefixed-dir"],
)  # fmt: skip
def test_is_test_path_edge_cases(path: str, test: bool) -> None:
    assert is_test_path(path) is test


# -- Importers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runtime", "tests", "any_", "tests_only"),
    [
        ((), (), False, False),
        (("app.py",), (), True, False),
        ((), ("tests/t.py",), True, True),
        (("app.py",), ("tests/t.py",), True, False),
    ],
    ids=["nobody", "runtime", "tests-only", "both"],
)
def test_importers_properties(
    runtime: tuple[str, ...], tests: tuple[str, ...], any_: bool, tests_only: bool
) -> None:
    importers = Importers(runtime, tests)
    assert (importers.any, importers.tests_only) == (any_, tests_only)


# -- find_importers: real files --------------------------------------------------------------


def write(root: Path, files: dict[str, str | bytes]) -> list[str]:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return list(files)


PROJECT: dict[str, str | bytes] = {
    "app/__init__.py": "import yaml\n",
    "app/loader.py": "from yaml.loader import SafeLoader\n",
    "app/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import attr\n",
    "app/mention.py": "# we used to import requests here\nx = 'requests'\n",
    "app/broken.py": "import responses\ndef f(:\n",
    "tests/test_app.py": "import responses\nimport yaml\n",
    "conftest.py": "import pytest\n",
    "scripts/tool.pyi": "import click\n",
    "docs/conf.txt": "import click\n",
}


@pytest.mark.parametrize(
    ("module", "runtime", "tests"),
    [
        ("yaml", ("app/__init__.py", "app/loader.py"), ("tests/test_app.py",)),
        ("yaml.loader", ("app/loader.py",), ()),
        ("responses", (), ("tests/test_app.py",)),
        ("pytest", (), ("conftest.py",)),
        ("attr", (), ()),
        ("requests", (), ()),
        ("click", (), ()),
        ("yam", (), ()),
    ],
    ids=["runtime-and-tests", "submodule", "tests-only-past-a-syntax-error", "conftest",
         "type-checking-only", "mentioned-not-imported", "stub-and-text-files-ignored",
         "prefix-is-not-a-match"],
)  # fmt: skip
def test_find_importers(
    tmp_path: Path, module: str, runtime: tuple[str, ...], tests: tuple[str, ...]
) -> None:
    files = write(tmp_path, PROJECT)
    assert find_importers(tmp_path, files, module) == Importers(runtime, tests)


def test_find_importers_never_reads_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("import yaml\n")
    root = tmp_path / "repo"
    files = write(root, {"app.py": "x = 1\n"})
    os.symlink(outside, root / "link.py")
    assert find_importers(root, [*files, "link.py"], "yaml") == Importers((), ())


def test_find_importers_skips_missing_and_oversized_files(tmp_path: Path) -> None:
    big = b"import yaml\n" + b"#" * MAX_FILE_BYTES
    files = write(tmp_path, {"big.py": big, "small.py": "import yaml\n"})
    result = find_importers(tmp_path, [*files, "gone.py"], "yaml")
    assert result == Importers(("small.py",), ())


def test_find_importers_reads_at_most_max_files(tmp_path: Path) -> None:
    write(tmp_path, {"late.py": "import yaml\n", "early.py": "import yaml\n"})
    padding = [f"m{i}.py" for i in range(MAX_FILES - 1)]  # tracked names, absent on disk
    assert find_importers(tmp_path, ["early.py", *padding, "late.py"], "yaml") == Importers(
        ("early.py",), ()
    )
    assert find_importers(tmp_path, [*padding, "late.py"], "yaml") == Importers(("late.py",), ())


# -- own_modules -----------------------------------------------------------------------------


def test_own_modules() -> None:
    files = ["src/shop/__init__.py", "tools.py", "tests/helpers.py", "tests/unit/test_a.py",
             "pkg/sub/x.py", "README.md"]  # fmt: skip
    pyproject = {
        "project": {"name": "my-shop"},
        "tool": {
            "setuptools": {"py-modules": ["cli"]},
            "poetry": {"packages": [{"include": "inv"}]},
        },
    }
    assert own_modules(files, pyproject) == {
        "shop", "tools", "helpers", "unit", "pkg", "cli", "inv", "my_shop",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("files", "pyproject", "expected"),
    [
        (["src/app.py"], {}, {"app"}),
        (["src/Shop/__init__.py"], {}, {"shop"}),
        (["testing/util.py"], {}, {"util"}),
        (["setup.py", "noxfile.py"], {}, {"setup", "noxfile"}),
        (["my-script.py", "2fast.py", "ok.py"], {}, {"ok"}),
        (["lib/mod.pyi", "data/x.json"], {}, set()),
        ([], {"tool": {"setuptools": {"packages": ["core.sub", "extra"]}}}, {"core", "extra"}),
        ([], {"tool": {"setuptools": {"packages": {"find": {}}}}}, set()),
        ([], {"tool": {"poetry": {"packages": [{"include": "pkg/sub"}, {"include": "mod.py"},
                                               "bare", {"from": "src"}]}}}, {"pkg", "mod"}),
        ([], {"tool": {"poetry": {"name": "inv-tool"}}}, {"inv_tool"}),
        ([], {"project": {"name": "zope.interface"}}, {"zope_interface"}),
        ([], {"project": {"name": 3}}, set()),
        ([], {"project": {}, "tool": {}}, set()),
    ],
    ids=["src-module", "lowered", "testing-dir-module", "root-scripts", "not-identifiers",
         "python-files-only", "setuptools-packages", "setuptools-find-table",
         "poetry-includes", "poetry-name", "dotted-project-name", "non-string-name",
         "empty-tables"],
)  # fmt: skip
def test_own_modules_edge_cases(
    files: list[str], pyproject: dict[str, Any], expected: set[str]
) -> None:
    assert own_modules(files, pyproject) == expected


def test_own_modules_of_every_distribution_in_the_repository() -> None:
    files = [
        "opentelemetry-sdk/pyproject.toml",
        "opentelemetry-sdk/src/opentelemetry/sdk/__init__.py",
        "libs/b/setup.cfg",
        "libs/b/bee/__init__.py",
        "scripts/x.py",
    ]
    assert own_modules(files, {}) >= {"opentelemetry", "bee"}

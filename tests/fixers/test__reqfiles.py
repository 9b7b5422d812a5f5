"""Where a project declares its dependencies (requirements files, pyproject.toml, setup.cfg):
reading every declaration, choosing the file and table a new requirement belongs in, and edits
that keep the file's comments, indentation and line endings."""

from __future__ import annotations

from typing import Any

import pytest

from autorecover.fixers._reqfiles import (
    EditRefused,
    Kind,
    Target,
    add_to_requirements_txt,
    add_to_setup_cfg,
    add_to_toml,
    declared_in,
    is_requirements_file,
    pinned_style,
    pyproject_declarations,
    pyproject_target,
    requirements_target,
    requirements_txt_names,
    setup_cfg_declarations,
    setup_cfg_target,
)

PY = "pyproject.toml"

# -- Target.describe -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (Target("requirements-dev.txt", Kind.REQUIREMENTS), "requirements-dev.txt"),
        (Target("setup.cfg", Kind.SETUP_CFG, ("options", "install_requires")),
         "setup.cfg [options] install_requires"),
        (Target("setup.cfg", Kind.SETUP_CFG, ("options.extras_require", "test")),
         "setup.cfg [options.extras_require] test"),
        (Target(PY, Kind.PYPROJECT, ("project", "dependencies")),
         "pyproject.toml [project.dependencies]"),
        (Target(PY, Kind.PYPROJECT, ("project", "optional-dependencies", "test")),
         "pyproject.toml [project.optional-dependencies] test"),
        (Target(PY, Kind.PYPROJECT, ("dependency-groups", "dev")),
         "pyproject.toml [dependency-groups] dev"),
        (Target(PY, Kind.POETRY, ("tool", "poetry", "dependencies")),
         "pyproject.toml [tool.poetry.dependencies]"),
        (Target(PY, Kind.POETRY, ("tool", "poetry", "group", "test", "dependencies")),
         "pyproject.toml [tool.poetry.group.test.dependencies]"),
        (Target(PY, Kind.POETRY, ("tool", "poetry", "dev-dependencies")),
         "pyproject.toml [tool.poetry.dev-dependencies]"),
    ],
    ids=["requirements", "setup-cfg-install", "setup-cfg-extra", "pep621", "pep621-extra",
         "dependency-group", "poetry", "poetry-group", "poetry-dev"],
)  # fmt: skip
def test_target_describe(target: Target, text: str) -> None:
    assert target.describe() == text


# -- reading declarations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("dev-requirements.in", True),
        ("requirements/base.txt", True),
        ("requirements/test.in", True),
        ("sub/dir/requirements.txt", True),
        ("REQUIREMENTS.TXT", True),
        ("requirements.txt.bak", False),
        ("requirements/sub/x.txt", False),
        ("requirements.py", False),
        ("constraints.txt", False),
        ("requirements", False),
    ],
    ids=["plain", "dev", "in-file", "requirements-dir", "requirements-dir-in", "nested",
         "upper-case", "backup", "deeper-dir", "python", "constraints", "no-suffix"],
)  # fmt: skip
def test_is_requirements_file(path: str, expected: bool) -> None:
    assert is_requirements_file(path) is expected


def test_requirements_txt_edits() -> None:
    assert add_to_requirements_txt("a\r\nb", "PyYAML") == "a\r\nb\r\nPyYAML\r\n"
    assert add_to_requirements_txt("", "PyYAML") == "PyYAML\n"
    assert requirements_txt_names("Foo_Bar>=1 --hash=sha256:x\n-r other.txt\n# c\nbaz; os_name=='nt'\n") == {
        "foo-bar", "baz",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("requests \\\n    >=2.31\n", {"requests"}),
        ("requests  # HTTP for humans\n#click\n", {"requests"}),
        ("uvicorn[standard]>=0.20\n", {"uvicorn"}),
        ("pkg @ https://example.invalid/pkg-1.0-py3-none-any.whl\n", {"pkg"}),
        ("-e .\n--index-url https://x.invalid/simple\n-c constraints.txt\n", set()),
        ("./local/path\ngit+https://github.com/o/r.git\n", set()),
        ("requests==2 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nidna==3\n",
         {"requests", "idna"}),
        ("Django_REST.framework\n", {"django-rest-framework"}),
        ("a\r\nb\r\n", {"a", "b"}),
        ("black --pre\n", {"black"}),
        ("", set()),
    ],
    ids=["continuation", "comments", "extras", "url", "options", "paths-and-vcs", "hashes",
         "canonical", "crlf", "per-line-option", "empty"],
)  # fmt: skip
def test_requirements_txt_names(text: str, names: set[str]) -> None:
    assert requirements_txt_names(text) == names


PYPROJECT_ALL: dict[str, Any] = {
    "project": {
        "dependencies": ["Requests>=2", "not a requirement!", 3],
        "optional-dependencies": {"test": ["pytest"], "docs": []},
    },
    "dependency-groups": {"dev": ["ruff", {"include-group": "test"}]},
    "tool": {
        "poetry": {
            "dependencies": {"python": "^3.11", "Click": "*"},
            "dev-dependencies": {"black": "*"},
            "group": {"lint": {"dependencies": {"Flake8": "*"}}, "empty": None},
        }
    },
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"[project] dependencies": set()}),
        (PYPROJECT_ALL, {
            "[project] dependencies": {"requests"},
            "[project.optional-dependencies] test": {"pytest"},
            "[project.optional-dependencies] docs": set(),
            "[dependency-groups] dev": {"ruff"},
            "[tool.poetry.dependencies]": {"python", "click"},
            "[tool.poetry.dev-dependencies]": {"black"},
            "[tool.poetry.group.lint.dependencies]": {"flake8"},
        }),
        ({"tool": {"poetry": {"dependencies": ["not", "a", "table"]}}},
         {"[project] dependencies": set()}),
    ],
    ids=["empty", "every-table", "poetry-not-a-table"],
)  # fmt: skip
def test_pyproject_declarations(data: dict[str, Any], expected: dict[str, set[str]]) -> None:
    assert pyproject_declarations(data) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[options]\ninstall_requires =\n    requests>=2\n    click  # cli\n",
         {"[options] install_requires": {"requests", "click"}}),
        ("[options]\ninstall_requires = a; b>=1\n", {"[options] install_requires": {"a", "b"}}),
        ("[options]\ntests_require =\n  pytest\n[options.extras_require]\ndev = black\ntest =\n  mock\n",
         {"[options] tests_require": {"pytest"}, "[options.extras_require] dev": {"black"},
          "[options.extras_require] test": {"mock"}}),
        ("[metadata]\nname = x\n", {}),
        ("[options\n", {}),
        ("no section header\n", {}),
    ],
    ids=["multi-line", "semicolons", "tests-and-extras", "no-options", "broken-header",
         "no-header"],
)  # fmt: skip
def test_setup_cfg_declarations(text: str, expected: dict[str, set[str]]) -> None:
    assert setup_cfg_declarations(text) == expected


# -- choosing the target ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "tests_only", "expected"),
    [
        ({"project": {"dependencies": []}}, False, Target(PY, Kind.PYPROJECT, ("project", "dependencies"))),
        ({"project": {"name": "x"}}, False, Target(PY, Kind.PYPROJECT, ("project", "dependencies"))),
        ({"project": {"optional-dependencies": {"docs": [], "dev": [], "test": []}}}, True,
         Target(PY, Kind.PYPROJECT, ("project", "optional-dependencies", "test"))),
        ({"project": {"optional-dependencies": {"docs": []}}, "dependency-groups": {"lint": [], "dev": []}},
         True, Target(PY, Kind.PYPROJECT, ("dependency-groups", "dev"))),
        ({"project": {"optional-dependencies": {"docs": []}}}, True, "no test or dev dependency group"),
        ({"project": {"dynamic": ["dependencies"]}}, False, "dynamic"),
        ({"project": {"dynamic": ["dependencies"], "optional-dependencies": {"tests": []}}}, True,
         Target(PY, Kind.PYPROJECT, ("project", "optional-dependencies", "tests"))),
        ({"project": {"dynamic": ["version"]}}, False, Target(PY, Kind.PYPROJECT, ("project", "dependencies"))),
        ({"tool": {"poetry": {"dependencies": {}}}}, False,
         Target(PY, Kind.POETRY, ("tool", "poetry", "dependencies"))),
        ({"tool": {"poetry": {"dependencies": {}, "group": {"docs": {}, "dev": {}, "test": {}}}}}, True,
         Target(PY, Kind.POETRY, ("tool", "poetry", "group", "test", "dependencies"))),
        ({"tool": {"poetry": {"dependencies": {}, "dev-dependencies": {}}}}, True,
         Target(PY, Kind.POETRY, ("tool", "poetry", "dev-dependencies"))),
        ({"tool": {"poetry": {"dependencies": {}, "group": {"docs": {}}}}}, True,
         "no Poetry test or dev group"),
        ({"tool": {"poetry": {"name": "x"}}}, False, None),
        ({"tool": {"black": {}}}, False, None),
        ({}, True, None),
        ({"project": {"dependencies": []}, "tool": {"poetry": {"dependencies": {}}}}, False,
         Target(PY, Kind.PYPROJECT, ("project", "dependencies"))),
    ],
    ids=["pep621", "pep621-no-list-yet", "test-extra-first", "dependency-group",
         "no-test-group", "dynamic", "dynamic-but-test-extra", "dynamic-version-only",
         "poetry", "poetry-test-group", "poetry-dev-dependencies", "poetry-no-test-group",
         "poetry-without-dependencies", "no-dependencies-anywhere", "empty", "pep621-wins"],
)  # fmt: skip
def test_pyproject_target(data: dict[str, Any], tests_only: bool, expected: object) -> None:
    found = pyproject_target(data, tests_only)
    if isinstance(expected, str):
        assert isinstance(found, str) and expected in found
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("text", "tests_only", "expected"),
    [
        ("[options]\npackages = find:\n", False,
         Target("setup.cfg", Kind.SETUP_CFG, ("options", "install_requires"))),
        ("[options]\n[options.extras_require]\ndocs = x\ndev = y\ntest = z\n", True,
         Target("setup.cfg", Kind.SETUP_CFG, ("options.extras_require", "test"))),
        ("[options]\n[options.extras_require]\ndocs = x\n", True, None),
        ("[options]\ntests_require = pytest\n", True, None),
        ("[metadata]\nname = x\n", False, None),
        ("[options\n", False, None),
    ],
    ids=["runtime", "test-extra", "no-test-extra", "tests-require-is-not-a-target",
         "no-options", "unparsable"],
)  # fmt: skip
def test_setup_cfg_target(text: str, tests_only: bool, expected: Target | None) -> None:
    assert setup_cfg_target(text, tests_only) == expected


@pytest.mark.parametrize(
    ("files", "tests_only", "expected"),
    [
        (["requirements.txt", "app.py"], False, Target("requirements.txt", Kind.REQUIREMENTS)),
        (["requirements.txt", "requirements-dev.txt"], True,
         Target("requirements-dev.txt", Kind.REQUIREMENTS)),
        (["requirements.txt"], True, Target("requirements.txt", Kind.REQUIREMENTS)),
        (["requirements/test.txt", "requirements-dev.txt"], True,
         Target("requirements-dev.txt", Kind.REQUIREMENTS)),
        (["requirements/base.txt", "requirements/dev.txt"], False,
         Target("requirements/base.txt", Kind.REQUIREMENTS)),
        (["requirements-dev.txt"], False, Target("requirements.txt", Kind.REQUIREMENTS, create=True)),
        (["sub/requirements.txt"], False, Target("requirements.txt", Kind.REQUIREMENTS, create=True)),
        ([], True, Target("requirements.txt", Kind.REQUIREMENTS, create=True)),
    ],
    ids=["runtime", "tests-file-first", "tests-fall-back-to-runtime", "test-file-order",
         "requirements-dir", "runtime-never-in-dev-file", "nested-not-used", "create"],
)  # fmt: skip
def test_requirements_target(files: list[str], tests_only: bool, expected: Target) -> None:
    assert requirements_target(files, tests_only) == expected


# -- editing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb", "a\nb\nPyYAML\n"),
        ("a\n", "a\nPyYAML\n"),
        ("# deps\r\na\r\n", "# deps\r\na\r\nPyYAML\r\n"),
        ("-r base.txt\n", "-r base.txt\nPyYAML\n"),
    ],
    ids=["no-final-newline", "final-newline", "crlf", "options-kept"],
)
def test_add_to_requirements_txt(text: str, expected: str) -> None:
    assert add_to_requirements_txt(text, "PyYAML") == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("requests==2.32.3 --hash=sha256:abc\n", "pins hashes"),
        ("requests==2.32.3 \\\n    --hash sha256:abc\n", "pins hashes"),
        ("# This file was autogenerated by uv via the following command:\n#    uv pip compile\nx==1\n",
         "generated"),
        ("#\n# This file is AUTOGENERATED BY pip-compile with Python 3.12\n#\nx==1\n", "generated"),
    ],
    ids=["hash-equals", "hash-space", "uv", "pip-compile-upper-case"],
)  # fmt: skip
def test_add_to_requirements_txt_refuses_locked_files(text: str, why: str) -> None:
    with pytest.raises(EditRefused, match=why):
        add_to_requirements_txt(text, "PyYAML")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[options]\ninstall_requires = a\n", "[options]\ninstall_requires = a\n    PyYAML\n"),
        ("[options]\npackages = find:\n", "[options]\ninstall_requires =\n    PyYAML\npackages = find:\n"),
        ("[metadata]\nname = x", "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    PyYAML\n"),
        ("[options]\ninstall_requires =\n\tclick\n[x]\n", "[options]\ninstall_requires =\n\tclick\n\tPyYAML\n[x]\n"),
    ],
    ids=["inline", "missing-key", "missing-section", "tab-indent"],
)  # fmt: skip
def test_setup_cfg_edits(text: str, expected: str) -> None:
    assert add_to_setup_cfg(text, "options", "install_requires", "PyYAML") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[options]\r\ninstall_requires =\r\n    a\r\n",
         "[options]\r\ninstall_requires =\r\n    a\r\n    PyYAML\r\n"),
        ("[options]\ninstall_requires =\n    a\n\npackages = find:\n",
         "[options]\ninstall_requires =\n    a\n    PyYAML\n\npackages = find:\n"),
        ("[options]\ninstall_requires:\n  a\n", "[options]\ninstall_requires:\n  a\n  PyYAML\n"),
        ("[options]\nInstall_Requires =\n    a\n", "[options]\nInstall_Requires =\n    a\n    PyYAML\n"),
        ("[other]\ninstall_requires = x\n[options]\n",
         "[other]\ninstall_requires = x\n[options]\ninstall_requires =\n    PyYAML\n"),
        ("[options]  \ninstall_requires = a\n    b  # why\n",
         "[options]  \ninstall_requires = a\n    b  # why\n    PyYAML\n"),
        ("[options]\ninstall_requires =\n    a\n[options.extras_require]\ntest = pytest\n",
         "[options]\ninstall_requires =\n    a\n    PyYAML\n[options.extras_require]\ntest = pytest\n"),
    ],
    ids=["crlf", "blank-line-ends-the-list", "colon", "option-case", "same-option-elsewhere",
         "header-trailing-space", "next-section"],
)  # fmt: skip
def test_setup_cfg_edits_keep_the_style(text: str, expected: str) -> None:
    assert add_to_setup_cfg(text, "options", "install_requires", "PyYAML") == expected


def test_setup_cfg_extra_gets_the_requirement() -> None:
    text = "[options.extras_require]\ndocs =\n    sphinx\ntest =\n    pytest\n"
    assert add_to_setup_cfg(text, "options.extras_require", "test", "responses") == (
        "[options.extras_require]\ndocs =\n    sphinx\ntest =\n    pytest\n    responses\n"
    )


def test_setup_cfg_semicolon_list_is_refused() -> None:
    with pytest.raises(EditRefused, match="one-line"):
        add_to_setup_cfg("[options]\ninstall_requires = a; b\n", "options", "install_requires", "x")


@pytest.mark.parametrize(
    ("text", "keys", "requirement", "poetry", "expected"),
    [
        ('[project]\ndependencies = [\n    "a",  # why\n]\n', ("project", "dependencies"), "PyYAML",
         False, '[project]\ndependencies = [\n    "a",  # why\n    "PyYAML",\n]\n'),
        ('[project]\nname = "x"\n', ("dependency-groups", "dev"), "responses", False,
         '[project]\nname = "x"\n\n[dependency-groups]\ndev = ["responses"]\n'),
        ('name = "x"\n', ("project", "dependencies"), "PyYAML", False,
         'name = "x"\n\n[project]\ndependencies = ["PyYAML"]\n'),
        ('[project.optional-dependencies]\ntest = ["pytest"]  # CI\n',
         ("project", "optional-dependencies", "test"), "responses", False,
         '[project.optional-dependencies]\ntest = ["pytest", "responses"]  # CI\n'),
        ('[tool.poetry.dependencies]\npython = "^3.11"  # interpreter\n',
         ("tool", "poetry", "dependencies"), "PyYAML", True,
         '[tool.poetry.dependencies]\npython = "^3.11"  # interpreter\nPyYAML = "*"\n'),
        ('[tool.poetry]\nname = "x"\n', ("tool", "poetry", "group", "test", "dependencies"),
         "PyYAML>=6", True,
         '[tool.poetry]\nname = "x"\n\n[tool.poetry.group.test.dependencies]\nPyYAML = "*"\n'),
    ],
    ids=["pep621-multi-line", "new-dependency-group", "new-project-table", "inline-array-comment",
         "poetry-comment-kept", "poetry-new-group"],
)  # fmt: skip
def test_add_to_toml(
    text: str, keys: tuple[str, ...], requirement: str, poetry: bool, expected: str
) -> None:
    assert add_to_toml(text, keys, requirement, poetry=poetry) == expected


@pytest.mark.parametrize(
    ("text", "keys", "poetry", "why"),
    [
        ("project = 1\n", ("project", "dependencies"), False, "is not a table"),
        ('[project]\ndependencies = "a"\n', ("project", "dependencies"), False, "is not a list"),
        ("[tool]\npoetry = []\n", ("tool", "poetry", "dependencies"), True, "is not a table"),
    ],
    ids=["table-is-a-number", "list-is-a-string", "poetry-is-a-list"],
)
def test_add_to_toml_refuses_the_wrong_shape(
    text: str, keys: tuple[str, ...], poetry: bool, why: str
) -> None:
    with pytest.raises(EditRefused, match=why):
        add_to_toml(text, keys, "x", poetry=poetry)


# -- declared_in: what verification checks after an edit -------------------------------------


REQ = Target("requirements.txt", Kind.REQUIREMENTS)
CFG = Target("setup.cfg", Kind.SETUP_CFG, ("options", "install_requires"))
DEPS = Target(PY, Kind.PYPROJECT, ("project", "dependencies"))
EXTRA = Target(PY, Kind.PYPROJECT, ("project", "optional-dependencies", "test"))
POETRY = Target(PY, Kind.POETRY, ("tool", "poetry", "dependencies"))


@pytest.mark.parametrize(
    ("target", "text", "name", "expected"),
    [
        (REQ, "PyYAML>=6\n", "pyyaml", True),
        (REQ, "# PyYAML\n", "PyYAML", False),
        (CFG, "[options]\ninstall_requires =\n    PyYAML\n", "pyyaml", True),
        (CFG, "[options]\ntests_require =\n    PyYAML\n", "PyYAML", False),
        (DEPS, '[project]\ndependencies = ["py_yaml"]\n', "Py.YAML", True),
        (DEPS, '[project.optional-dependencies]\ntest = ["PyYAML"]\n', "PyYAML", False),
        (EXTRA, '[project.optional-dependencies]\ntest = ["PyYAML"]\n', "PyYAML", True),
        (DEPS, '[project]\nname = "x"\n', "PyYAML", False),
        (POETRY, '[tool.poetry.dependencies]\nPyYAML = "*"\n', "pyyaml", True),
        (POETRY, '[tool.poetry.dev-dependencies]\nPyYAML = "*"\n', "pyyaml", False),
        (POETRY, '[tool.poetry]\ndependencies = ["PyYAML"]\n', "pyyaml", False),
    ],
    ids=["requirements", "requirements-comment", "setup-cfg", "setup-cfg-other-option",
         "pep621-canonical", "pep621-other-table", "pep621-extra", "pep621-missing",
         "poetry", "poetry-other-table", "poetry-not-a-table"],
)  # fmt: skip
def test_declared_in(target: Target, text: str, name: str, expected: bool) -> None:
    assert declared_in(target, text, name) is expected


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (REQ, "requests\n"),
        (CFG, "[options]\ninstall_requires =\n    requests\n"),
        (DEPS, '[project]\nname = "x"\ndependencies = ["requests"]\n'),
        (EXTRA, '[project]\nname = "x"\n'),
        (POETRY, '[tool.poetry]\nname = "x"\n'),
    ],
    ids=["requirements", "setup-cfg", "pep621", "pep621-new-extra", "poetry-new-table"],
)
def test_every_edit_is_then_declared(target: Target, text: str) -> None:
    assert not declared_in(target, text, "PyYAML")
    if target.kind is Kind.REQUIREMENTS:
        edited = add_to_requirements_txt(text, "PyYAML")
    elif target.kind is Kind.SETUP_CFG:
        edited = add_to_setup_cfg(text, *target.keys, "PyYAML")
    else:
        edited = add_to_toml(text, target.keys, "PyYAML", poetry=target.kind is Kind.POETRY)
    assert declared_in(target, edited, "pyyaml")
    assert declared_in(target, edited, "requests") is ("requests" in text)


@pytest.mark.parametrize(
    ("text", "version", "section", "expected"),
    [
        ("a\nc\n", None, None, "a\nb\nc\n"),
        ("c\na\n", None, None, "c\na\nb\n"),
        ("a==1\nc==2\n", "3", None, "a==1\nb==3\nc==2\n"),
        ("# Docs\nz\n\n# Tests\na\nc\n", None, "test", "# Docs\nz\n\n# Tests\na\nb\nc\n"),
        ("# Tests\nz\na\n\n# Docs\nm\n", None, "test", "# Tests\nz\na\nb\n\n# Docs\nm\n"),
        ("-e .\n# x\nc\nd\n", None, None, "-e .\n# x\nb\nc\nd\n"),
    ],
    ids=["sorted", "unsorted-appends", "pinned", "test-section", "unsorted-section", "options"],
)
def test_requirements_keep_their_order(
    text: str, version: str | None, section: str | None, expected: str
) -> None:
    assert add_to_requirements_txt(text, "b", version, section) == expected


def test_pinned_style() -> None:
    assert pinned_style("-e .\na==1\nb==2\nc\n") and not pinned_style("a==1\nb\nc>=2\n")
    assert not pinned_style("# nothing\n")


def test_dynamic_dependencies_point_at_their_file() -> None:
    data = {
        "project": {"dynamic": ["dependencies"]},
        "tool": {"setuptools": {"dynamic": {"dependencies": {"file": ["requirements.txt"]}}}},
    }
    assert pyproject_target(data, False, "pkg/pyproject.toml") == Target(
        "pkg/requirements.txt", Kind.REQUIREMENTS
    )
    del data["tool"]
    assert "dynamic" in str(pyproject_target(data, False))

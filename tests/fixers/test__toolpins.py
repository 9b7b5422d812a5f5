"""Versions from lock files and the project's tool configuration (tox, hatch, nox), read as
text: never run (docs/security.md#s2)."""

from __future__ import annotations

import json

import pytest

from autorecover.fixers._toolpins import (
    hatch_requirements,
    lock_versions,
    nox_requirements,
    tox_requirements,
)

UV_LOCK = """version = 1
[[package]]
name = "ruff"
version = "0.15.9"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "Black"
version = "24.1.0"
"""


@pytest.mark.parametrize(
    ("path", "text", "found"),
    [
        ("uv.lock", UV_LOCK, [("ruff", "0.15.9"), ("black", "24.1.0")]),
        ("poetry.lock", UV_LOCK.replace("version = 1\n", ""), [("ruff", "0.15.9"), ("black", "24.1.0")]),
        ("Pipfile.lock", json.dumps({"develop": {"black": {"version": "==24.1.0"}}}), [("black", "24.1.0")]),
        ("uv.lock", "[[package]\n", []),
        ("Pipfile.lock", "{", []),
    ],
    ids=["uv", "poetry", "pipfile", "broken-toml", "broken-json"],
)  # fmt: skip
def test_lock_versions(path: str, text: str, found: list[tuple[str, str]]) -> None:
    assert lock_versions(text, path, ("black", "ruff")) == found


def test_tox_deps_with_factors_and_options() -> None:
    text = """[testenv]
deps =
    -r requirements.txt
    lint: ruff==0.4.4  # the linter
    {[testenv:x]deps}
[testenv:fmt]
deps = black==24.1.0
"""
    assert tox_requirements(text) == [("testenv", "ruff==0.4.4"), ("testenv:fmt", "black==24.1.0")]
    assert tox_requirements("[broken") == []


def test_hatch_environments() -> None:
    hatch = {"envs": {"lint": {"dependencies": ["ruff==0.4.4"], "extra-dependencies": ["x"]}}}
    assert hatch_requirements(hatch, False) == [("lint", "ruff==0.4.4"), ("lint", "x")]
    assert hatch_requirements({"tool": {"hatch": hatch}}, True)[0] == ("lint", "ruff==0.4.4")
    assert hatch_requirements({"envs": "junk"}, False) == []


def test_nox_install_literals_only() -> None:
    source = """
import nox
@nox.session
def lint(session):
    session.install("black==24.1.0", "-e", ".")
    session.install(VERSION)
"""
    assert nox_requirements(source) == [("lint", "black==24.1.0"), ("lint", ".")]
    assert nox_requirements("def (:") == []

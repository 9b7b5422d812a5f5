"""The shipped wheel hashes of the formatter versions autorecover installs at run time, and
the dependency check of an installed version (docs/security.md#s2)."""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from autorecover.fixers import _toollock
from autorecover.fixers._toolenv import TOOLS, bundled_version
from testing.wheels import build_wheel


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_the_shipped_lock_lists_each_tool_from_its_oldest_supported_version(name: str) -> None:
    spec = TOOLS[name]
    versions = _toollock.shipped()[spec.distribution]
    assert len(versions) > 10
    assert all(Version(v) >= Version(spec.minimum) for v in versions)
    # The bundled release is listed too: the lock is regenerated when the image moves on.
    assert bundled_version(name) in versions
    for hashes in versions.values():
        assert hashes and all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)


def test_a_version_not_listed_has_no_hashes() -> None:
    lock = {"black": {"24.1.0": ["a" * 64]}}
    assert _toollock.hashes_for(lock, "black", "24.1.0") == ("a" * 64,)
    assert _toollock.hashes_for(lock, "black", "24.1.1") == ()
    assert _toollock.hashes_for(lock, "ruff", "0.5.0") == ()


def test_requirement_file_is_in_pip_hash_checking_form() -> None:
    text = _toollock.requirement_file("ruff", "0.5.0", ["a" * 64, "b" * 64])
    assert text == f"ruff==0.5.0 --hash=sha256:{'a' * 64} --hash=sha256:{'b' * 64}\n"


def _installed(tmp_path: Path, requires: tuple[str, ...]) -> Path:
    """A site directory holding one unpacked test distribution with `requires`."""
    site = tmp_path / "site"
    wheel = build_wheel(tmp_path / "wheels", "fmt", "1.0", requires_dist=requires)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


@pytest.mark.parametrize(
    ("requires", "unmet"),
    [
        ((), []),
        (("click>=7",), []),
        (("click>=999",), ["click>=999 (have {click})"]),
        (("no-such-distribution-here",), ["no-such-distribution-here (missing)"]),
        (('tomli>=1; python_version < "3.0"',), []),  # another Python's marker
        (('colorama; extra == "colour"',), []),  # an extra nobody asked for
    ],
    ids=["none", "met", "too-old", "missing", "other-python", "extra"],
)
def test_unmet_requirements_of_an_installed_version(
    tmp_path: Path, requires: tuple[str, ...], unmet: list[str]
) -> None:
    (tmp_path / "wheels").mkdir()
    site = _installed(tmp_path, requires)
    paths = _toollock.dependency_paths(["black"])
    click = importlib.metadata.version("click")
    expected = [line.format(click=click) for line in unmet]
    assert _toollock.unmet_requirements("fmt", site, paths) == expected
    assert _toollock.unmet_requirements("other", site, paths) == ["other itself"]


def test_dependency_paths_are_where_the_bundled_tools_live() -> None:
    paths = _toollock.dependency_paths(s.distribution for s in TOOLS.values())
    assert paths and len(paths) == len(set(paths))
    black = importlib.metadata.distribution("black").locate_file("")
    assert str(Path(str(black))) in paths

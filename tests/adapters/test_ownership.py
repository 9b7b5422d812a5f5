"""Files root writes into a checkout's `.git/` go back to the checkout's owner (the
end-to-end attack is `test_a_checkout_keeps_no_root_owned_files_in_git`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autorecover.adapters.ownership import restore

OTHER = 4242  # a uid that is neither root nor ours

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")


def _owners(tree: Path) -> set[tuple[int, int]]:
    return {(p.lstat().st_uid, p.lstat().st_gid) for p in [tree, *tree.rglob("*")]}


@needs_root
def test_what_root_wrote_goes_back_to_the_owner(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    (git / "objects" / "ab").mkdir(parents=True)
    os.chown(git, OTHER, OTHER)
    (git / "objects" / "ab" / "cdef").write_text("x")
    (git / "FETCH_HEAD").write_text("y")
    outside = tmp_path / "outside"
    outside.write_text("z")
    (git / "link").symlink_to(outside)
    assert restore(git) == 5
    assert _owners(git) == {(OTHER, OTHER)}
    assert outside.stat().st_uid == 0  # the symlink's target is left alone


@needs_root
def test_a_tree_root_owns_is_left_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    assert restore(tmp_path) == 0
    assert restore(tmp_path / "missing") == 0

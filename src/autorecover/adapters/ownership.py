"""Leave no root-owned files in the workspace's `.git/`.

A container action runs as root, while `actions/checkout` ran as the runner's user, so
every file git writes into the checkout's `.git/` while autorecover fetches and adds its
worktree (objects, refs, `worktrees/`, logs) would belong to root, and the runner user's
next git command in that workspace fails with "Permission denied" (docs/security.md#r9:
one feature never breaks the job's later steps). After the work, what root wrote is given
back to the owner of `.git/` itself. Symlinks are never followed (`lchown`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def restore(tree: Path) -> int:
    """Give every entry under `tree` (and `tree` itself) the uid and gid of `tree`'s own
    owner, when we run as root and that owner is someone else; returns how many changed."""
    try:
        owner = tree.lstat()
    except FileNotFoundError:
        return 0
    if os.geteuid() != 0 or owner.st_uid == 0:
        return 0
    return hand_over(tree, owner.st_uid, owner.st_gid)


def hand_over(tree: Path, uid: int, gid: int) -> int:
    """Make `tree` and everything under it belong to `uid`:`gid` (symlinks themselves, never
    their targets); returns how many entries changed."""
    changed = 0
    for path in _entries(tree):
        try:
            info = os.lstat(path)
            if (info.st_uid, info.st_gid) != (uid, gid):
                os.lchown(path, uid, gid)
                changed += 1
        except FileNotFoundError:
            continue  # removed meanwhile (a lock file)
    return changed


def _entries(tree: Path) -> Iterator[str]:
    yield str(tree)
    for root, dirs, files in os.walk(tree, followlinks=False):
        for name in (*dirs, *files):
            yield os.path.join(root, name)

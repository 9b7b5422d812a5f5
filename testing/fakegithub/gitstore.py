"""Git objects and refs behind the fake's git-data API (`/git/refs|blobs|trees|commits`).

Two stores share one implementation of the tree/commit logic:

- `MemoryGitStore`: objects in a dict, refs in a dict. Objects are serialised exactly as git does
  and hashed with SHA-1, so the SHAs are the ones a real repository would produce.
- `BareGitStore`: a real bare repository (the test's `origin`). Objects are written with
  `git hash-object -w`, `git mktree` and `git commit-tree`; refs are moved with `git update-ref`
  and an expected old value, so a concurrent `git push` into the same bare repository cannot be
  lost either.

Every git command gets an argv list, `GIT_CONFIG_NOSYSTEM=1` and a neutral HOME.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import tempfile
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ZERO_SHA = "0" * 40
TREE_MODE = "40000"  # how git writes it inside tree objects; the API shows "040000"


class GitStoreError(Exception):
    """Base of the errors the routes translate into GitHub's 409/422 answers."""


class RefExists(GitStoreError):
    pass


class RefMissing(GitStoreError):
    pass


class NotFastForward(GitStoreError):
    pass


class ObjectMissing(GitStoreError):
    pass


class InvalidTree(GitStoreError):
    pass


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: datetime

    def raw(self) -> str:
        offset = self.date.utcoffset() or timedelta()
        minutes = int(offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        hours, mins = divmod(abs(minutes), 60)
        return (
            f"{self.name} <{self.email}> {int(self.date.timestamp())} {sign}{hours:02d}{mins:02d}"
        )

    @classmethod
    def parse(cls, raw: str) -> Signature:
        ident, _, when = raw.rpartition("> ")
        name, _, email = ident.partition(" <")
        epoch, _, tz = when.partition(" ")
        sign = -1 if tz.startswith("-") else 1
        offset = timedelta(hours=int(tz[1:3] or 0), minutes=int(tz[3:5] or 0)) * sign
        return cls(name, email, datetime.fromtimestamp(int(epoch), timezone(offset)))


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # as git stores it: 100644, 100755, 120000, 160000, 40000
    name: str
    sha: str

    @property
    def type(self) -> str:
        if self.mode == TREE_MODE:
            return "tree"
        return "commit" if self.mode == "160000" else "blob"

    @property
    def api_mode(self) -> str:
        return "040000" if self.mode == TREE_MODE else self.mode


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    author: Signature
    committer: Signature
    message: str


def object_sha(kind: str, data: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data, usedforsecurity=False).hexdigest()


def serialize_tree(entries: list[TreeEntry]) -> bytes:
    # git sorts entries by name, comparing a directory as if its name ended in "/".
    def key(entry: TreeEntry) -> bytes:
        return entry.name.encode() + (b"/" if entry.mode == TREE_MODE else b"")

    return b"".join(
        f"{e.mode} {e.name}".encode() + b"\0" + bytes.fromhex(e.sha)
        for e in sorted(entries, key=key)
    )


def parse_tree(data: bytes) -> list[TreeEntry]:
    entries, pos = [], 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode, name = data[pos:space].decode(), data[space + 1 : nul].decode(
            "utf-8", "surrogateescape"
        )
        entries.append(TreeEntry(mode, name, data[nul + 1 : nul + 21].hex()))
        pos = nul + 21
    return entries


def serialize_commit(
    tree: str, parents: list[str], author: Signature, committer: Signature, message: str
) -> bytes:
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
    lines += [f"author {author.raw()}", f"committer {committer.raw()}"]
    return ("\n".join(lines) + "\n\n" + message).encode()


def parse_commit(sha: str, data: bytes) -> CommitInfo:
    header, _, message = data.decode("utf-8", "replace").partition("\n\n")
    fields: dict[str, list[str]] = {}
    for line in header.splitlines():
        key, _, value = line.partition(" ")
        fields.setdefault(key, []).append(value)
    return CommitInfo(
        sha=sha,
        tree=fields["tree"][0],
        parents=fields.get("parent", []),
        author=Signature.parse(fields["author"][0]),
        committer=Signature.parse(fields["committer"][0]),
        message=message,
    )


class GitStore(ABC):
    """Refs are names without the `refs/` prefix, as GitHub's API spells them: `heads/main`."""

    # --- primitives ---
    @abstractmethod
    def read_object(self, sha: str) -> tuple[str, bytes] | None: ...

    @abstractmethod
    def write_blob(self, data: bytes) -> str: ...

    @abstractmethod
    def write_tree_entries(self, entries: list[TreeEntry]) -> str: ...

    @abstractmethod
    def write_commit(
        self, tree: str, parents: list[str], author: Signature, committer: Signature, message: str
    ) -> str: ...

    @abstractmethod
    def get_ref(self, name: str) -> str | None: ...

    @abstractmethod
    def list_refs(self) -> list[tuple[str, str]]: ...

    @abstractmethod
    def _swap_ref(self, name: str, new: str | None, old: str | None) -> None:
        """Atomically set (new=None: delete) ref `name` if it currently points at `old`
        (old=None: must not exist). Raises RefExists / RefMissing / NotFastForward."""

    # --- shared logic ---
    def object_type(self, sha: str) -> str | None:
        found = self.read_object(sha) if _is_sha(sha) else None
        return found[0] if found else None

    def read_blob(self, sha: str) -> bytes:
        found = self.read_object(sha) if _is_sha(sha) else None
        if not found or found[0] != "blob":
            raise ObjectMissing(sha)
        return found[1]

    def read_tree(self, sha: str) -> list[TreeEntry]:
        found = self.read_object(sha) if _is_sha(sha) else None
        if not found:
            raise ObjectMissing(sha)
        kind, data = found
        if kind == "commit":
            return self.read_tree(parse_commit(sha, data).tree)
        if kind != "tree":
            raise ObjectMissing(sha)
        return parse_tree(data)

    def read_commit(self, sha: str) -> CommitInfo:
        found = self.read_object(sha) if _is_sha(sha) else None
        if not found or found[0] != "commit":
            raise ObjectMissing(sha)
        return parse_commit(sha, found[1])

    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, TreeEntry]:
        """path -> leaf entry (blobs and submodules) of a tree, recursively."""
        flat: dict[str, TreeEntry] = {}
        for entry in self.read_tree(tree_sha):
            path = f"{prefix}{entry.name}"
            if entry.mode == TREE_MODE:
                flat.update(self.flatten(entry.sha, path + "/"))
            else:
                flat[path] = TreeEntry(entry.mode, path, entry.sha)
        return flat

    def walk_tree(self, tree_sha: str, recursive: bool) -> list[TreeEntry]:
        """Entries as GET /git/trees lists them (paths relative to the tree, trees included)."""
        out: list[TreeEntry] = []
        for entry in self.read_tree(tree_sha):
            out.append(entry)
            if recursive and entry.mode == TREE_MODE:
                out += [
                    TreeEntry(e.mode, f"{entry.name}/{e.name}", e.sha)
                    for e in self.walk_tree(entry.sha, True)
                ]
        return out

    def build_tree(self, flat: dict[str, TreeEntry]) -> str:
        """Write nested tree objects for a path -> leaf map; returns the root tree SHA."""
        children: dict[str, dict[str, TreeEntry]] = {}
        leaves: list[TreeEntry] = []
        for path, entry in flat.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = TreeEntry(entry.mode, rest, entry.sha)
            else:
                leaves.append(TreeEntry(entry.mode, head, entry.sha))
        for name, sub in children.items():
            leaves.append(TreeEntry(TREE_MODE, name, self.build_tree(sub)))
        return self.write_tree_entries(leaves)

    def create_tree(self, base_tree: str | None, entries: list[dict[str, Any]]) -> str:
        """POST /git/trees semantics: entries override `base_tree` by path; `sha: null` deletes."""
        flat = self.flatten(base_tree) if base_tree else {}
        for item in entries:
            path = str(item.get("path", "")).strip("/")
            mode = str(item.get("mode", "100644")).lstrip("0") or "0"
            mode = TREE_MODE if mode == "40000" else mode
            if not path:
                raise InvalidTree("tree.path is missing")
            for existing in [p for p in flat if p == path or p.startswith(path + "/")]:
                del flat[existing]
            if "content" in item and item["content"] is not None:
                if "sha" in item and item["sha"] is not None:
                    raise InvalidTree("Only one of content or sha may be given")
                flat[path] = TreeEntry(mode, path, self.write_blob(str(item["content"]).encode()))
                continue
            sha = item.get("sha")
            if sha is None:
                continue  # deletion
            kind = self.object_type(sha)
            if mode == TREE_MODE:
                if kind != "tree":
                    raise InvalidTree(f"tree.sha {sha} is not a valid tree")
                for sub_path, leaf in self.flatten(sha, path + "/").items():
                    flat[sub_path] = leaf
            elif mode == "160000":
                flat[path] = TreeEntry(mode, path, sha)  # submodule commits need not exist here
            else:
                if kind != "blob":
                    raise InvalidTree(f"tree.sha {sha} is not a valid blob")
                flat[path] = TreeEntry(mode, path, sha)
        return self.build_tree(flat)

    def file_at(self, commitish: str, path: str) -> tuple[str, bytes] | None:
        """(blob sha, bytes) of `path` in a commit, or None."""
        try:
            entry = self.flatten(self.read_commit(commitish).tree).get(path.strip("/"))
        except ObjectMissing:
            return None
        if entry is None or entry.type != "blob":
            return None
        return entry.sha, self.read_blob(entry.sha)

    def dir_at(self, commitish: str, path: str) -> list[TreeEntry] | None:
        try:
            tree = self.read_commit(commitish).tree
            for part in [p for p in path.strip("/").split("/") if p]:
                match = [e for e in self.read_tree(tree) if e.name == part and e.type == "tree"]
                if not match:
                    return None
                tree = match[0].sha
            return self.read_tree(tree)
        except ObjectMissing:
            return None

    def ancestors(self, sha: str) -> list[str]:
        """All commits reachable from sha (itself included), newest first, breadth-first."""
        seen: list[str] = []
        queue, visited = [sha], set()
        while queue:
            current = queue.pop(0)
            if current in visited:
                continue
            visited.add(current)
            seen.append(current)
            # An unknown SHA (e.g. a seeded ref) has no known history.
            with contextlib.suppress(ObjectMissing):
                queue.extend(self.read_commit(current).parents)
        return seen

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return ancestor in self.ancestors(descendant)

    def commits_between(self, base: str, head: str) -> list[str]:
        """Commits reachable from head, not from base, oldest first (`git rev-list base..head`)."""
        excluded = set(self.ancestors(base))
        return [c for c in reversed(self.ancestors(head)) if c not in excluded]

    def merge_base(self, a: str, b: str) -> str | None:
        in_b = set(self.ancestors(b))
        return next((c for c in self.ancestors(a) if c in in_b), None)

    # --- ref operations with GitHub's rules ---
    def create_ref(self, name: str, sha: str) -> None:
        if self.object_type(sha) is None:
            raise ObjectMissing(sha)
        self._swap_ref(name, sha, None)

    def update_ref(self, name: str, sha: str, force: bool) -> None:
        current = self.get_ref(name)
        if current is None:
            raise RefMissing(name)
        if self.object_type(sha) is None:
            raise ObjectMissing(sha)
        # PATCH /git/refs without force only fast-forwards: this is the compare-and-swap the
        # ledger relies on (a writer that read an older tip builds a non-descendant commit).
        if not force and not self.is_ancestor(current, sha):
            raise NotFastForward(name)
        self._swap_ref(name, sha, current)

    def delete_ref(self, name: str) -> None:
        current = self.get_ref(name)
        if current is None:
            raise RefMissing(name)
        self._swap_ref(name, None, current)

    def seed_ref(self, name: str, sha: str) -> None:
        """Test helper: point a ref anywhere, existing or not, object known or not."""
        self._swap_ref(name, sha, self.get_ref(name))


def _is_sha(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value)
    )


class MemoryGitStore(GitStore):
    def __init__(self) -> None:
        self._objects: dict[str, tuple[str, bytes]] = {}
        self._refs: dict[str, str] = {}
        self._lock = threading.RLock()

    def _write(self, kind: str, data: bytes) -> str:
        sha = object_sha(kind, data)
        with self._lock:
            self._objects[sha] = (kind, data)
        return sha

    def read_object(self, sha: str) -> tuple[str, bytes] | None:
        with self._lock:
            return self._objects.get(sha)

    def write_blob(self, data: bytes) -> str:
        return self._write("blob", data)

    def write_tree_entries(self, entries: list[TreeEntry]) -> str:
        return self._write("tree", serialize_tree(entries))

    def write_commit(
        self, tree: str, parents: list[str], author: Signature, committer: Signature, message: str
    ) -> str:
        return self._write("commit", serialize_commit(tree, parents, author, committer, message))

    def get_ref(self, name: str) -> str | None:
        with self._lock:
            return self._refs.get(name)

    def list_refs(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._refs.items())

    def _swap_ref(self, name: str, new: str | None, old: str | None) -> None:
        with self._lock:
            current = self._refs.get(name)
            if old is None and current is not None:
                raise RefExists(name)
            if old is not None and current != old:
                raise NotFastForward(name)  # lost a race: someone moved it since we looked
            if new is None:
                self._refs.pop(name, None)
            else:
                self._refs[name] = new


class GitCommandError(GitStoreError):
    def __init__(self, argv: list[str], returncode: int, stderr: str) -> None:
        super().__init__(f"{argv!r} exited {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


class BareGitStore(GitStore):
    """A real (usually bare) repository; the fake's view of it is always the repository's own."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = Path(git_dir)
        self._home = tempfile.TemporaryDirectory(prefix="fakegithub-home-")
        self._env = neutral_git_env(Path(self._home.name))

    def close(self) -> None:
        self._home.cleanup()

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        argv = ["git", f"--git-dir={self.git_dir}", *args]
        proc = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            env={**self._env, **(env or {})},
            check=False,
        )
        if check and proc.returncode != 0:
            raise GitCommandError(argv, proc.returncode, proc.stderr.decode(errors="replace"))
        return proc

    def read_object(self, sha: str) -> tuple[str, bytes] | None:
        proc = self.git("cat-file", "--batch", stdin=f"{sha}\n".encode())
        header, _, rest = proc.stdout.partition(b"\n")
        parts = header.decode().split()
        if len(parts) != 3:  # "<sha> missing"
            return None
        size = int(parts[2])
        return parts[1], rest[:size]

    def write_blob(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", stdin=data).stdout.decode().strip()

    def write_tree_entries(self, entries: list[TreeEntry]) -> str:
        lines = [f"{e.api_mode} {e.type} {e.sha}\t{e.name}".encode() + b"\0" for e in entries]
        return self.git("mktree", "-z", "--missing", stdin=b"".join(lines)).stdout.decode().strip()

    def write_commit(
        self, tree: str, parents: list[str], author: Signature, committer: Signature, message: str
    ) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_AUTHOR_DATE": author.raw().rpartition("> ")[2],
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": committer.raw().rpartition("> ")[2],
        }
        return self.git(*args, stdin=message.encode(), env=env).stdout.decode().strip()

    def get_ref(self, name: str) -> str | None:
        proc = self.git("show-ref", "--verify", "--hash", f"refs/{name}", check=False)
        return proc.stdout.decode().strip() or None if proc.returncode == 0 else None

    def list_refs(self) -> list[tuple[str, str]]:
        out = self.git("for-each-ref", "--format=%(refname)%00%(objectname)", "refs/").stdout
        pairs = []
        for line in out.decode().splitlines():
            ref, _, sha = line.partition("\0")
            pairs.append((ref.removeprefix("refs/"), sha))
        return sorted(pairs)

    def _swap_ref(self, name: str, new: str | None, old: str | None) -> None:
        ref = f"refs/{name}"
        if new is None:
            args = ["update-ref", "-d", ref, old or ""]
        else:
            args = ["update-ref", ref, new, old or ZERO_SHA]
        try:
            self.git(*args)
        except GitCommandError as exc:
            if old is None:
                raise RefExists(name) from exc
            raise NotFastForward(name) from exc

    # Faster and exact for real repositories than walking objects in Python.
    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return (
            self.git("merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode
            == 0
        )

    def commits_between(self, base: str, head: str) -> list[str]:
        out = self.git("rev-list", "--reverse", f"{base}..{head}").stdout.decode()
        return out.split()

    def merge_base(self, a: str, b: str) -> str | None:
        proc = self.git("merge-base", a, b, check=False)
        return proc.stdout.decode().strip() or None


def neutral_git_env(home: Path) -> dict[str, str]:
    """Environment for git commands that ignores the developer's and the machine's config."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "TMPDIR", "SYSTEMROOT")}
    return {
        **keep,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
    }


def initial_commit(store: GitStore, repo_name: str, branch: str) -> str:
    """A deterministic first commit (README.md) so a fresh fake is not an empty repository."""
    blob = store.write_blob(f"# {repo_name}\n".encode())
    tree = store.build_tree({"README.md": TreeEntry("100644", "README.md", blob)})
    who = Signature("Octo Cat", "octocat@github.com", datetime(2020, 1, 1, tzinfo=UTC))
    sha = store.write_commit(tree, [], who, who, "Initial commit\n")
    store.seed_ref(f"heads/{branch}", sha)
    return sha

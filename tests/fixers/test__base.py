"""What every fixer shares: reading a checkout's file without following a symlink
(docs/security.md#t05), the context built from a real checkout, the Python files a formatter may
touch (never under `.github/`, docs/security.md#t20), and how any text leaves a fixer (redacted,
valid UTF-8, capped)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autorecover.adapters.gitparse import IndexEntry
from autorecover.adapters.worktree import Worktree
from autorecover.constants import bot_branch_name
from autorecover.core.text.redact import Redactor
from autorecover.fixers._base import (
    MAX_READ_BYTES,
    NOTE_LIMIT,
    OUTPUT_LIMIT,
    FixContext,
    read_bytes,
    read_text,
)
from autorecover.fixers._toolenv import ToolEnv

if TYPE_CHECKING:
    from testing.gitfixtures import MakeCheckout

FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"  # gitfixtures.FAKE_TOKEN
SECRET = "hunter2-literal-secret"
MARKER = "[... output truncated ...]"


def context(root: Path, files: tuple[str, ...] = (), **options: object) -> FixContext:
    index = tuple(IndexEntry("100644", "0" * 40, 0, path) for path in files)
    redactor = Redactor([FAKE_TOKEN, SECRET])
    return FixContext(root, files, index, ToolEnv(root / ".cache"), redactor, **options)  # type: ignore[arg-type]


# -- read_bytes / read_text ------------------------------------------------------------------


def _regular(root: Path) -> str:
    (root / "a.txt").write_bytes(b"hello\n")
    return "a.txt"


def _nested(root: Path) -> str:
    (root / "pkg").mkdir()
    (root / "pkg" / "m.py").write_bytes(b"x = 1\n")
    return "pkg/m.py"


def _empty(root: Path) -> str:
    (root / "empty").write_bytes(b"")
    return "empty"


def _at_limit(root: Path) -> str:
    (root / "big").write_bytes(b"x" * 16)
    return "big"


def _over_limit(root: Path) -> str:
    (root / "big").write_bytes(b"x" * 17)
    return "big"


def _symlink_inside(root: Path) -> str:
    (root / "real.txt").write_bytes(b"hello\n")
    os.symlink("real.txt", root / "link.txt")
    return "link.txt"


def _symlink_outside(root: Path) -> str:
    (root.parent / "secret.txt").write_bytes(b"the runner's secret\n")
    os.symlink(root.parent / "secret.txt", root / "link.txt")
    return "link.txt"


def _dangling(root: Path) -> str:
    os.symlink("nowhere", root / "link.txt")
    return "link.txt"


def _missing(root: Path) -> str:
    return "missing.txt"


def _under_a_file(root: Path) -> str:
    (root / "file").write_bytes(b"x")
    return "file/child"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (_regular, b"hello\n"),
        (_nested, b"x = 1\n"),
        (_empty, b""),
        (_at_limit, b"x" * 16),
        (_over_limit, None),
        (_symlink_inside, None),
        (_symlink_outside, None),
        (_dangling, None),
        (_missing, None),
        (_under_a_file, None),
    ],
    ids=["regular", "nested", "empty", "at-limit", "over-limit", "symlink-inside",
         "symlink-outside", "dangling-symlink", "missing", "under-a-file"],
)  # fmt: skip
def test_read_bytes(tmp_path: Path, setup: Callable[[Path], str], expected: bytes | None) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    assert read_bytes(root, setup(root), limit=16) == expected


def test_read_bytes_default_limit(tmp_path: Path) -> None:
    (tmp_path / "ok").write_bytes(b"x" * MAX_READ_BYTES)
    (tmp_path / "big").write_bytes(b"x" * (MAX_READ_BYTES + 1))
    assert read_bytes(tmp_path, "ok") == b"x" * MAX_READ_BYTES
    assert read_bytes(tmp_path, "big") is None


def test_read_bytes_of_a_directory_is_none(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    assert read_bytes(tmp_path, "dir") is None


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"caf\xc3\xa9\n", "café\n"),
        (b"caf\xe9\n", "caf\ufffd\n"),
        (b"\xef\xbb\xbfx\r\n", "\ufeffx\r\n"),
    ],
    ids=["utf-8", "invalid-utf-8", "bom-and-crlf-kept"],
)
def test_read_text(tmp_path: Path, data: bytes, text: str) -> None:
    (tmp_path / "f").write_bytes(data)
    assert read_text(tmp_path, "f") == text


def test_read_text_refuses_what_read_bytes_refuses(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x\n")
    os.symlink("real", tmp_path / "link")
    (tmp_path / "big").write_text("x" * 10)
    assert read_text(tmp_path, "link") is None
    assert read_text(tmp_path, "big", limit=9) is None
    assert read_text(tmp_path, "missing") is None


# -- python_files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("app.py", True),
        ("src/pkg/types.pyi", True),
        ("github/workflow.py", True),
        ("src/.github/x.py", True),
        (".github/scripts/helper.py", False),
        (".GitHub/scripts/helper.py", False),
        (".GITHUB/x.pyi", False),
        ("ext.pyx", False),
        ("script.PY", False),
        ("README.md", False),
        ("py", False),
    ],
    ids=["module", "stub", "github-without-dot", "nested-dot-github", "dot-github",
         "dot-github-mixed-case", "dot-github-upper-case-stub", "cython", "upper-case-suffix",
         "markdown", "bare-name"],
)  # fmt: skip
def test_python_files(tmp_path: Path, path: str, kept: bool) -> None:
    assert context(tmp_path, (path,)).python_files() == ([path] if kept else [])


def test_python_files_keep_the_tracked_order(tmp_path: Path) -> None:
    files = ("z.py", "README.md", ".github/a.py", "a/b.pyi", "m.py")
    assert context(tmp_path, files).python_files() == ["z.py", "a/b.pyi", "m.py"]


# -- clean / note ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        (f"push failed with {FAKE_TOKEN}", FAKE_TOKEN, "push failed with "),
        (f"password is {SECRET}!", SECRET, "password is "),
        ("Authorization: token ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "A1b2C3d4E5f6",
         "Authorization"),
        ("https://x-access-token:" + "s3cr3tvalue1@github.com/o/r", "s3cr3tvalue1", "github.com/o/r"),
    ],
    ids=["known-token", "known-literal", "credential-shape", "url-credentials"],
)  # fmt: skip
def test_clean_redacts(tmp_path: Path, text: str, gone: str, kept: str) -> None:
    cleaned = context(tmp_path).clean(text)
    assert gone not in cleaned and kept in cleaned


def test_clean_makes_valid_utf8(tmp_path: Path) -> None:
    raw = b"caf\xe9 \xff\xfe path".decode("utf-8", "surrogateescape")  # as proc returns output
    cleaned = context(tmp_path).clean(raw)
    assert cleaned.encode("utf-8").decode("utf-8") == cleaned
    assert cleaned.startswith("caf") and cleaned.endswith(" path")


@pytest.mark.parametrize(
    ("length", "limit", "output_limit", "cut"),
    [
        (OUTPUT_LIMIT, None, OUTPUT_LIMIT, False),
        (OUTPUT_LIMIT + 1, None, OUTPUT_LIMIT, True),
        (500, 100, OUTPUT_LIMIT, True),
        (100, 100, OUTPUT_LIMIT, False),
        (300, None, 200, True),
        (300, 400, 200, False),
    ],
    ids=[
        "at-default-limit",
        "over-default-limit",
        "explicit-limit",
        "at-explicit-limit",
        "context-limit",
        "explicit-limit-wins",
    ],
)
def test_clean_caps(
    tmp_path: Path, length: int, limit: int | None, output_limit: int, cut: bool
) -> None:
    ctx = context(tmp_path, output_limit=output_limit)
    cleaned = ctx.clean("x" * length, limit)
    bound = limit or output_limit
    assert len(cleaned) <= bound
    assert cleaned.endswith(MARKER) is cut
    if not cut:
        assert cleaned == "x" * length


@pytest.mark.parametrize(
    ("text", "cut"),
    [("short note", False), ("n" * NOTE_LIMIT, False), ("n" * (NOTE_LIMIT + 1), True)],
    ids=["short", "at-limit", "over-limit"],
)
def test_note_is_capped_at_the_note_limit(tmp_path: Path, text: str, cut: bool) -> None:
    note = context(tmp_path).note(text)
    assert len(note) <= NOTE_LIMIT and note.endswith(MARKER) is cut


def test_note_is_redacted_before_it_is_capped(tmp_path: Path) -> None:
    note = context(tmp_path).note("n" * (NOTE_LIMIT - 20) + FAKE_TOKEN)
    assert len(note) <= NOTE_LIMIT and "ghs_" not in note


# -- for_checkout: a real git checkout -------------------------------------------------------


def test_for_checkout_lists_tracked_regular_files(
    make_checkout: MakeCheckout, tmp_path: Path
) -> None:
    files = {
        "app.py": "x = 1\n",
        "tests/test_app.py": "def test(): pass\n",
        ".github/scripts/helper.py": "y = 2\n",
        "README.md": "# app\n",
    }
    ck = make_checkout(files, symlinks={"link.py": "app.py", "pyproject.toml": "/etc/passwd"})
    repo = ck.sandbox.bot_repo(ck.workspace)
    repo.fetch_commit(ck.head)
    tools = ck.sandbox.tool_env()
    redactor = Redactor([ck.sandbox.token])
    versions = {"black": "24.1.0"}
    branch = bot_branch_name("linting_error", "feedface" * 8)
    with Worktree.add(repo, tmp_path / "wt", ck.head, branch) as wt:
        ctx = FixContext.for_checkout(
            wt, tools=tools, redactor=redactor, requirements_file="req.txt", versions=versions
        )
        versions["black"] = "changed later"
        assert ctx.root == wt.path
        assert set(ctx.files) == set(files)
        modes = {entry.path: entry.mode for entry in ctx.index}
        assert modes["link.py"] == modes["pyproject.toml"] == "120000"
        assert modes["app.py"] == "100644" and set(modes) == {*files, "link.py", "pyproject.toml"}
        assert sorted(ctx.python_files()) == ["app.py", "tests/test_app.py"]
        assert (ctx.trusted, ctx.diagnosis, ctx.requirements_file) == (False, None, "req.txt")
        assert dict(ctx.versions) == {"black": "24.1.0"}
        assert ctx.tools is tools and ctx.redactor is redactor
        default = FixContext.for_checkout(wt, tools=tools, redactor=redactor, trusted=True)
        assert default.trusted and dict(default.versions) == {}

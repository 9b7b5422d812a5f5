"""Pure parsers beside the git adapter, table-driven: git's `-z` output, path rules and
branch ownership."""

from __future__ import annotations

import pytest

from autorecover.adapters.gitparse import (
    CommitInfo,
    is_protected_path,
    ownership,
    parse_filter_drivers,
    parse_log_records,
    parse_ls_files_stage,
    parse_ls_remote,
    parse_numstat_z,
    parse_status_z,
    safe_relpath,
)

SHA = "a" * 40
BOT = "41898282+github-actions[bot]@users.noreply.github.com"


def _commit(
    author: str = BOT, committer: str = BOT, trailers: tuple[str, ...] = ("0123abcd99",),
    parents: tuple[str, ...] = (SHA,),
) -> CommitInfo:  # fmt: skip
    return CommitInfo("c" * 40, parents, "n", author, "n", committer, trailers)


HUMAN = "octocat@github.com"


def test_ls_files_stage_keeps_names_opaque() -> None:
    out = (
        f"100644 {SHA} 0\tsrc/x.py\0"
        f"100755 {SHA} 0\t-rf\0"
        f"120000 {SHA} 0\tlink.py\0"
        f"160000 {SHA} 0\tvendor/sub\0"
        f"100644 {SHA} 0\ta\nb.py\0"
        f"100644 {SHA} 0\t--config=evil.toml\0"
        f"100644 {SHA} 0\ttab\there.py\0"
    )
    entries = parse_ls_files_stage(out)
    assert [e.path for e in entries] == [
        "src/x.py", "-rf", "link.py", "vendor/sub", "a\nb.py", "--config=evil.toml", "tab\there.py",
    ]  # fmt: skip
    assert [e.is_regular for e in entries] == [True, True, False, False, True, True, True]


def test_ls_files_stage_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="unexpected"):
        parse_ls_files_stage("not a record\0")


def test_status_numstat_ls_remote_and_log() -> None:
    assert [(e.code, e.path) for e in parse_status_z(" M a.py\0?? new\nfile\0")] == [
        (" M", "a.py"), ("??", "new\nfile"),
    ]  # fmt: skip
    stat = parse_numstat_z("3\t1\tsrc/x.py\0-\t-\tlogo.png\0")
    assert (stat.added, stat.deleted, stat.files[1].added) == (3, 1, None)
    assert stat.summary() == "2 files changed, 3 insertions(+), 1 deletions(-)"
    refs = parse_ls_remote(f"{SHA}\trefs/heads/main\n{'b' * 40}\trefs/heads/x/refs/heads/main\n")
    assert refs["refs/heads/main"] == SHA
    log = parse_log_records(
        f"{SHA}\0{'b' * 40}\0bot\0{BOT}\0bot\0{BOT}\0abc123,def456\x1e\n"
        f"{'b' * 40}\0\0Octo\0o@x\0Octo\0o@x\0\x1e\n"
    )
    assert log[0].fingerprints == ("abc123", "def456") and log[1].parents == ()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("src/x.py", "src/x.py"),
        ("./src/../src/x.py", "src/x.py"),
        ("-rf", "-rf"),
        ("a\nb.py", "a\nb.py"),
        ("../outside.py", None),
        ("src/../../x", None),
        ("/etc/passwd", None),
        ("C:\\Windows\\x.py", None),
        ("", None),
        (".", None),
        ("nul\0byte", None),
    ],
)
def test_safe_relpath(path: str, expected: str | None) -> None:
    assert safe_relpath(path) == expected


@pytest.mark.parametrize(
    ("path", "protected"),
    [
        (".github/workflows/ci.yml", True),
        (".github", True),
        (".GitHub/workflows/ci.yml", True),
        (".github/autorecover.yml", True),
        (".githubx/y", False),
        ("docs/.github/x", False),
        ("src/github.py", False),
    ],
)
def test_protected_paths(path: str, protected: bool) -> None:
    assert is_protected_path(path) is protected


@pytest.mark.parametrize(
    ("history", "ours", "count"),
    [
        ([_commit(), _commit(), _commit(HUMAN, HUMAN, ())], True, 2),
        ([_commit(HUMAN, HUMAN, ()), _commit()], False, 0),
        ([_commit(committer=HUMAN), _commit()], False, 0),  # rebased or amended by a human
        ([_commit(trailers=())], False, 0),  # the bot identity without our trailer
        ([_commit(parents=(SHA, "d" * 40))], False, 0),  # a merge
        ([_commit(trailers=("ffffffff",))], False, 0),  # another fingerprint
    ],
    ids=["ours", "human-on-top", "rebased", "no-trailer", "merge", "other-fingerprint"],
)
def test_ownership(history: list[CommitInfo], ours: bool, count: int) -> None:
    state = ownership("c" * 40, history, BOT, fingerprint="0123abcd99")
    assert (state.ours, state.bot_commits) == (ours, count)
    assert bool(state.foreign) is not ours


@pytest.mark.parametrize(
    ("out", "drivers"),
    [
        ("", []),
        ("filter.lfs.clean\nfilter.lfs.smudge\nfilter.lfs.process\n", ["lfs"]),
        ("filter.a.b.clean\nfilter.x.required\n", ["a.b", "x"]),
        ("core.bare\nfilter.\n", []),
    ],
)
def test_parse_filter_drivers(out: str, drivers: list[str]) -> None:
    assert parse_filter_drivers(out) == drivers

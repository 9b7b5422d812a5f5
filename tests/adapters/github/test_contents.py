"""Reading a file of the repository (src/autorecover/adapters/github/contents.py) from the
stateful fake GitHub: the config file and templates, read from the default branch."""

from __future__ import annotations

import random

import pytest

from autorecover.adapters.github.client import ApiSettings, GitHub
from autorecover.adapters.github.contents import get_text_file
from autorecover.adapters.github.errors import GitHubError, PermissionMissing
from testing.fakegithub import FakeGitHub

CONTENTS = "/repos/{owner}/{repo}/contents/{path}"


@pytest.fixture
def client(fake_github: FakeGitHub) -> GitHub:
    env = fake_github.env()
    settings = ApiSettings(
        api_url=env["GITHUB_API_URL"],
        token=fake_github.token or "ghs_contents",
        repository=env["GITHUB_REPOSITORY"],
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    return GitHub(settings, sleep=lambda seconds: None, rng=random.Random(0))


def test_returns_the_text_of_a_file(fake_github: FakeGitHub, client: GitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", "rerun: true\nlabels: [ci]\n")
    assert get_text_file(client, ".github/autorecover.yml", "main") == "rerun: true\nlabels: [ci]\n"
    (call,) = fake_github.calls("GET", CONTENTS)
    assert call.query == {"ref": ["main"]}


def test_reads_the_named_ref(fake_github: FakeGitHub, client: GitHub) -> None:
    fake_github.put_file("config.yml", "on main\n")
    fake_github.create_branch("other")
    fake_github.put_file("config.yml", "on other\n", branch="other")
    assert get_text_file(client, "config.yml", "main") == "on main\n"
    assert get_text_file(client, "config.yml", "other") == "on other\n"


def test_utf8_and_undecodable_bytes(fake_github: FakeGitHub, client: GitHub) -> None:
    fake_github.put_file("notes.md", "café ✓\n".encode())
    fake_github.put_file("binary.bin", b"ok \xff\xfe end")
    assert get_text_file(client, "notes.md", "main") == "café ✓\n"
    assert get_text_file(client, "binary.bin", "main") == "ok \ufffd\ufffd end"


def test_an_empty_file_is_empty_text(fake_github: FakeGitHub, client: GitHub) -> None:
    fake_github.put_file("empty.txt", b"")
    assert get_text_file(client, "empty.txt", "main") == ""


@pytest.mark.parametrize(
    ("path", "ref"),
    [
        pytest.param(".github/missing.yml", "main", id="missing-file"),
        pytest.param("README.md", "no-such-branch", id="missing-ref"),
    ],
)
def test_absent_is_none(fake_github: FakeGitHub, client: GitHub, path: str, ref: str) -> None:
    assert get_text_file(client, path, ref) is None
    assert [c.status for c in fake_github.calls("GET", CONTENTS)] == [404]


def test_a_directory_is_an_error(fake_github: FakeGitHub, client: GitHub) -> None:
    fake_github.put_file(".github/autorecover.yml", "rerun: true\n")
    with pytest.raises(GitHubError, match=r"^\.github on main is not a file$"):
        get_text_file(client, ".github", "main")
    # A directory answers a JSON array (media type application/json); the OpenAPI subset
    # kept only the `application/vnd.github.object` schema ("Content Tree", an object), so
    # the fake flags its own, correct, answer. Accept exactly that one violation.
    assert [(v.kind, v.operation_id) for v in fake_github.violations] == [
        ("response", "repos/get-content")
    ]
    assert "response 200 (root): [{'type': 'file'" in fake_github.violations[0].message
    fake_github.expect_violations()


def test_a_missing_permission_is_not_mistaken_for_absence(
    fake_github: FakeGitHub, client: GitHub
) -> None:
    fake_github.put_file(".github/autorecover.yml", "rerun: true\n")
    fake_github.deny("contents")
    with pytest.raises(PermissionMissing, match="contents: read"):
        get_text_file(client, ".github/autorecover.yml", "main")

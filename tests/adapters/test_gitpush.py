"""What git push and GitHub say about a refused push, table-driven (docs/security.md#a11, #t32)."""

from __future__ import annotations

import pytest

from autorecover.adapters.gitpush import (
    PushStatus,
    classify_push,
    parse_push_porcelain,
)

REF = "refs/heads/autorecover/linting_error/0123abcd"


def _porcelain(flag: str, summary: str) -> str:
    return f"To https://github.com/octo-org/octo-repo\n{flag}\tHEAD:{REF}\t{summary}\nDone\n"


GH006 = (
    f"remote: error: GH006: Protected branch update failed for {REF}.\n"
    "remote: error: Changes must be made through a pull request.\n"
)
GH013 = (
    f"remote: error: GH013: Repository rule violations found for {REF}.\n"
    "remote: Review all repository rules at https://github.com/octo-org/octo-repo/rules?ref=x\n"
    "remote: - Cannot create ref due to creations being restricted.\n"
)
SECRET = (
    f"remote: error: GH013: Repository rule violations found for {REF}.\n"
    "remote:\nremote: - GITHUB PUSH PROTECTION\nremote:   ——————————————\n"
    "remote:     Resolve the following violations before pushing again\nremote:\n"
    "remote:     - Push cannot contain secrets\n"
)
REJECTED = "[remote rejected] (pre-receive hook declined)"
WORKFLOW = (
    "[remote rejected] (refusing to allow a GitHub App to create or update workflow "
    "`.github/workflows/ci.yml` without `workflows` permission)"
)


@pytest.mark.parametrize(
    ("code", "stdout", "stderr", "status"),
    [
        (0, _porcelain("*", "[new branch]"), "", PushStatus.PUSHED),
        (0, _porcelain("+", "abc...def (forced update)"), "", PushStatus.PUSHED),
        (0, _porcelain(" ", "abc..def"), "", PushStatus.PUSHED),
        (0, _porcelain("=", "[up to date]"), "", PushStatus.UP_TO_DATE),
        (0, f"To x\n-\t:{REF}\t[deleted]\nDone\n", "", PushStatus.DELETED),
        (1, _porcelain("!", REJECTED), GH006, PushStatus.PROTECTED_BRANCH),
        (1, _porcelain("!", REJECTED), GH013, PushStatus.RULESET),
        (1, _porcelain("!", REJECTED), SECRET, PushStatus.SECRET_PROTECTION),
        (1, _porcelain("!", WORKFLOW), "", PushStatus.WORKFLOW_PERMISSION),
        (1, _porcelain("!", "[rejected] (stale info)"), "", PushStatus.STALE_LEASE),
        (1, _porcelain("!", "[rejected] (fetch first)"), "", PushStatus.NON_FAST_FORWARD),
        (1, _porcelain("!", "[rejected] (non-fast-forward)"), "", PushStatus.NON_FAST_FORWARD),
        (
            128,
            "",
            "remote: Permission to octo-org/octo-repo.git denied to github-actions[bot].\n"
            "fatal: unable to access 'https://github.com/octo-org/octo-repo/': The requested URL "
            "returned error: 403\n",
            PushStatus.PERMISSION_DENIED,
        ),
        (128, "", "fatal: 'origin' does not appear to be a git repository\n", PushStatus.REJECTED),
    ],
    ids=[
        "new", "forced", "fast-forward", "up-to-date", "deleted", "gh006", "gh013", "secret",
        "workflow", "stale-lease", "fetch-first", "non-fast-forward", "permission", "other",
    ],
)  # fmt: skip
def test_classify_push(code: int, stdout: str, stderr: str, status: PushStatus) -> None:
    found, message = classify_push(code, stdout, stderr, REF)
    assert found is status
    assert message and "\n" not in message


def test_rejection_messages_are_clear() -> None:
    _, secret = classify_push(1, _porcelain("!", REJECTED), SECRET, REF)
    assert "redaction bug" in secret
    _, workflow = classify_push(1, _porcelain("!", WORKFLOW), "", REF)
    assert ".github/workflows/ci.yml" in workflow and "`workflows` permission" in workflow
    _, protected = classify_push(1, _porcelain("!", REJECTED), GH006, REF)
    assert "GH006" in protected and REF in protected
    _, other = classify_push(128, "", "fatal: something odd\n", REF)
    assert other.endswith("fatal: something odd")


def test_push_porcelain_parses_every_flag() -> None:
    lines = parse_push_porcelain(
        "To x\n*\tHEAD:refs/heads/a\t[new branch]\n!\tHEAD:refs/heads/b\t[rejected] (stale info)\n"
        "Done\n"
    )
    assert [(s.flag, s.ref, s.summary) for s in lines] == [
        ("*", "refs/heads/a", "[new branch]"),
        ("!", "refs/heads/b", "[rejected] (stale info)"),
    ]

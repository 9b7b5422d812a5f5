"""The built-in rules of `git.yaml` (src/autorecover/core/rules/builtin/git.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "git-dubious-ownership",
        "fatal: detected dubious ownership in repository at '/__w/test/test'",
    ),
    (
        "git-push-permission-denied",
        "remote: Permission to zzc8081/yarb.git denied to github-actions[bot].",
    ),
    (
        "git-http-403",
        "fatal: unable to access 'https://github.com/zzc8081/yarb.git/': The requested URL "
        "returned error: 403",
    ),
    (
        "git-http-5xx",
        "##[error]fatal: unable to access 'https://github.com/seek-oss/aec/': The requested URL "
        "returned error: 500",
    ),
    (
        "git-could-not-resolve-host",
        "##[error]fatal: unable to access 'https://github.com/racket/racket/': Could not "
        "resolve host: github.com",
    ),
    (
        "git-transfer-interrupted",
        "##[error]error: RPC failed; curl 56 GnuTLS recv error (-54): Error in the pull function.",
    ),
    (
        "git-transfer-interrupted",
        "error: RPC failed; curl 56 OpenSSL SSL_read: Connection reset by peer, errno 104",
    ),
    ("git-ssh-permission-denied", "    git@github.com: Permission denied (publickey)."),
    (
        "git-credentials-missing",
        "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    ),
    (
        "git-repository-not-found",
        "fatal: repository 'https://github.com/acme-labs/private-lib/' not found",
    ),
    (
        "git-push-rejected-non-fast-forward",
        " ! [rejected]        main -> main (fetch first)",
    ),
    (
        "git-push-rejected-non-fast-forward",
        "hint: Updates were rejected because the remote contains work that you do not",
    ),
    (
        "git-commit-not-found",
        "fatal: reference is not a tree: 3f1c9a7e52b04d8e9c6a1b2d7e8f90a1b2c3d4e5",
    ),
    ("git-remote-ref-missing", "fatal: couldn't find remote ref refs/heads/release-2.0"),
    (
        "git-shallow-history-missing",
        "fatal: ambiguous argument 'origin/main...HEAD': unknown revision or path not in the "
        "working tree.",
    ),
    (
        "git-lfs-quota-exceeded",
        "batch response: This repository is over its data quota. Account responsible for LFS "
        "bandwidth should purchase more data packs to restore access.",
    ),
    (
        "git-submodule-misconfigured",
        "fatal: No url found for submodule path 'vendor/lib' in .gitmodules",
    ),
    ("git-identity-missing", "*** Please tell me who you are."),
    ("git-merge-conflict", "CONFLICT (content): Merge conflict in src/app.py"),
    # palxiao/poster-design#140 (push protection inside a GH013 rejection)
    ("github-push-protection-secret", "remote: - GITHUB PUSH PROTECTION"),
    ("github-push-protection-secret", "remote:     - Push cannot contain secrets"),
    # world/train/c4-gh006-quality-status-docs-commit-push (devonfw/IDEasy#2124)
    (
        "git-push-protected-branch",
        "remote: error: GH006: Protected branch update failed for refs/heads/main.        ",
    ),
    (
        "git-push-protected-branch",
        " ! [remote rejected] main -> main (protected branch hook declined)",
    ),
    # world/train/c4-gh013-cannot-force-push-ci (JRedrupp/bison#136)
    (
        "git-push-protected-branch",
        "remote: error: GH013: Repository rule violations found for refs/heads/main.        ",
    ),
    (
        "git-push-protected-branch",
        " ! [remote rejected] HEAD -> main (push declined due to repository rule violations)",
    ),
    # void-linux/void-packages#34996
    (
        "git-protocol-unsupported",
        "  The unauthenticated git protocol on port 9418 is no longer supported.",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)

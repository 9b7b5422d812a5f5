"""What `git push --porcelain` and GitHub's refusals mean: a typed status and a message a
maintainer can act on (docs/security.md#r5, #t32). Pure: every text GitHub prints on a
refused push is a row here and a case in tests/adapters/test_gitpush.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class PushStatus(StrEnum):
    PUSHED = "pushed"
    UP_TO_DATE = "up_to_date"
    DELETED = "deleted"
    PROTECTED_BRANCH = "protected_branch"  # GH006
    RULESET = "ruleset"  # GH013
    SECRET_PROTECTION = "secret_protection"  # noqa: S105 - GH013 push protection: a redaction bug
    WORKFLOW_PERMISSION = "workflow_permission"
    STALE_LEASE = "stale_lease"
    NON_FAST_FORWARD = "non_fast_forward"
    PERMISSION_DENIED = "permission_denied"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class PushResult:
    status: PushStatus
    ref: str
    message: str  # clear, redacted
    output: str  # git's output, redacted and capped
    sha: str | None  # what the remote ref points at on success (None after a delete)

    @property
    def ok(self) -> bool:
        return self.status in (PushStatus.PUSHED, PushStatus.UP_TO_DATE, PushStatus.DELETED)


@dataclass(frozen=True, slots=True)
class PushRefStatus:
    flag: str  # ' ' fast-forward, '+' forced, '-' deleted, '*' new, '!' rejected, '=' up to date
    source: str
    ref: str
    summary: str


def parse_push_porcelain(stdout: str) -> list[PushRefStatus]:
    """`git push --porcelain`: `<flag>\\t<from>:<to>\\t<summary> (<reason>)` lines."""
    statuses = []
    for line in stdout.splitlines():
        if len(line) < 3 or line[1] != "\t" or line[0] not in " +-*!=":
            continue
        refs, _, summary = line[2:].partition("\t")
        source, _, ref = refs.rpartition(":")
        statuses.append(PushRefStatus(line[0], source, ref, summary.strip()))
    return statuses


_WORKFLOW_RE = re.compile(
    r"refusing to allow an? (?:GitHub App|OAuth App|Personal Access Token) to create or update "
    r"workflow `(?P<path>[^`\n]{0,300})`"
)
# (status, pattern over git's whole output, message). Order matters: secret push protection
# arrives as a GH013 rule violation and must win over the generic ruleset text.
_REJECTIONS: tuple[tuple[PushStatus, re.Pattern[str], str], ...] = (
    (
        PushStatus.SECRET_PROTECTION,
        re.compile(r"Push cannot contain secrets|GITHUB PUSH PROTECTION"),
        "GitHub secret push protection refused the push of {ref}: a commit contains something "
        "GitHub recognises as a secret. autorecover redacts secrets from everything it writes, "
        "so this is a redaction bug in autorecover; please report it. Nothing was pushed.",
    ),
    (
        PushStatus.PROTECTED_BRANCH,
        re.compile(r"GH006: Protected branch update failed"),
        "GitHub refused the push to {ref}: the branch is protected (GH006). Branch protection "
        "rules that match autorecover/* must allow the bot to push, or the rule must not match.",
    ),
    (
        PushStatus.RULESET,
        re.compile(r"GH013: Repository rule violations found"),
        "GitHub refused the push to {ref}: a repository ruleset forbids it (GH013). Exclude "
        "autorecover/* branches from the ruleset or add the bot to its bypass list.",
    ),
    (
        PushStatus.WORKFLOW_PERMISSION,
        re.compile(r"to create or update workflow `|without `workflows?` (?:permission|scope)"),
        "GitHub refused the push to {ref}: it changes a workflow file{path} and the token has no "
        "`workflows` permission. autorecover never changes .github/, so no pull request is "
        "opened; this should have been refused before the push.",
    ),
    (
        PushStatus.STALE_LEASE,
        re.compile(r"\(stale info\)"),
        "The push to {ref} was refused: the remote branch changed since autorecover looked at it "
        "(lease). Nothing was overwritten; another run may be handling this failure.",
    ),
    (
        PushStatus.NON_FAST_FORWARD,
        re.compile(r"\((?:fetch first|non-fast-forward|already exists)\)"),
        "The push to {ref} was refused: someone else pushed to the branch. Nothing was "
        "overwritten.",
    ),
    (
        PushStatus.PERMISSION_DENIED,
        re.compile(
            r"Permission to \S+ denied|returned error: 403|Write access to repository not granted"
            r"|Authentication failed|could not read Username"
        ),
        "The token cannot push {ref}: the workflow needs `permissions: contents: write`.",
    ),
)


def classify_push(returncode: int, stdout: str, stderr: str, ref: str) -> tuple[PushStatus, str]:
    """Map a `git push --porcelain` result for `ref` to a status and a clear message
    (docs/security.md#r5)."""
    statuses = [s for s in parse_push_porcelain(stdout) if s.ref == ref]
    flag = statuses[0].flag if statuses else ""
    if returncode == 0 and flag == "=":
        return PushStatus.UP_TO_DATE, f"{ref} already holds this commit"
    if returncode == 0 and flag == "-":
        return PushStatus.DELETED, f"deleted {ref}"
    if returncode == 0 and flag in (" ", "+", "*"):
        return PushStatus.PUSHED, f"pushed {ref}"
    text = f"{stdout}\n{stderr}"
    for status, pattern, message in _REJECTIONS:
        if pattern.search(text):
            found = _WORKFLOW_RE.search(text)
            path = f" ({found.group('path')})" if found else ""
            return status, message.format(ref=ref, path=path)
    reason = statuses[0].summary if statuses else (stderr.strip().splitlines() or ["no output"])[-1]
    return PushStatus.REJECTED, f"The push to {ref} failed: {reason[:300]}"

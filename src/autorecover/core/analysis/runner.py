"""Which kind of machine ran a job, and what that changes about a network failure.

A name that does not resolve or a connection that times out on a GitHub-hosted runner is
GitHub's network having a bad minute: rerun. On a self-hosted runner it is the machine's
own DNS, proxy or firewall, and a rerun lands on the same machine (the labelling policy,
tests/data/logs/world/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from autorecover.constants import GITHUB_HOSTED, SELF_HOSTED

# Every self-hosted runner carries the `self-hosted` label; GitHub-hosted ones never do
# (https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/
# using-self-hosted-runners-in-a-workflow#using-default-labels-to-route-jobs).
SELF_HOSTED_LABEL = SELF_HOSTED

# What "Set up job" prints. The runner names the machine when it authenticates with its
# own credentials (actions/runner src/Runner.Worker/JobExtension.cs, "print out HostName
# for self-hosted runner", https://github.com/actions/runner/pull/539); GitHub's images
# add the provisioner and image groups and the `GitHub Actions` runner group.
HOSTED_MARKS = (
    r"^##\[group\]Runner Image Provisioner$",
    r"^##\[group\]Runner Image$",
    r"^Runner group name: 'GitHub Actions'$",
)
SELF_HOSTED_MARK = r"^Machine name: '"

# The machine's own network: name resolution (curl, git, glibc, Node, Java, Go) and
# connect timeouts or proxies, as opposed to a server that answered badly (5xx, 429, a
# reset mid-transfer), which stays transient wherever the job ran.
MACHINE_NETWORK = re.compile(
    r"Could not resolve (?:host|proxy)|Temporary failure (?:in name )?resolution"
    r"|Name or service not known|No address associated with hostname"
    r"|nodename nor servname|\bEAI_AGAIN\b|\bENOTFOUND\b|UnknownHostException|Unknown host"
    r"|no such host|Connection timed out|\bETIMEDOUT\b|connect timed out|\bproxy\b",
    re.IGNORECASE,
)


def from_labels(labels: Sequence[str] | None) -> str | None:
    """The kind from the jobs API's `labels` (None when GitHub did not say)."""
    if not labels:
        return None
    return SELF_HOSTED if SELF_HOSTED_LABEL in labels else GITHUB_HOSTED


def from_marks(marks: Collection[str]) -> str | None:
    """The kind from what the log's "Set up job" printed (None for a log without it)."""
    if "hosted" in marks:
        return GITHUB_HOSTED
    return SELF_HOSTED if "self-hosted" in marks else None


def machine_network(text: str) -> bool:
    return MACHINE_NETWORK.search(text) is not None

"""The built-in rules of `apt.yaml` (src/autorecover/core/rules/builtin/apt.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "apt-mirror-unreachable",
        "E: Failed to fetch http://azure.archive.ubuntu.com/ubuntu/pool/main/s/sbc/"
        "libsbc1_1.5-3build2_amd64.deb  Unable to connect to azure.archive.ubuntu.com:http: "
        "[IP: 52.252.75.106 80]",
    ),
    (
        "apt-mirror-unreachable",
        "mmsprodwcus0    2020/11/05 03:08:37 ui error: ==> azure-arm: E: Failed to fetch "
        "http://azure.archive.ubuntu.com/ubuntu/pool/main/c/c-ares/"
        "libc-ares2_1.15.0-1build1_amd64.deb  Temporary failure resolving "
        "'azure.archive.ubuntu.com'",
    ),
    (
        "apt-index-out-of-date",
        "E: Failed to fetch http://azure.archive.ubuntu.com/ubuntu/pool/main/c/ceph/"
        "librados2_15.2.8-0ubuntu0.20.04.1_amd64.deb  404  Not Found [IP: 52.250.76.244 80]",
    ),
    ("apt-package-not-found", "E: Unable to locate package libgstreamer-plugins-bad1.0-dev"),
    ("apt-package-not-found", "E: Package 'python3.7' has no installation candidate"),
    # juliogomez/devops#4 (apk), cli/cli#4218 (Homebrew)
    ("system-package-not-found", "ERROR: unable to select packages:"),
    ("system-package-not-found", "  python (no such package):"),
    ("system-package-not-found", 'Error: No available formula with the name "gh"'),
    (
        "apt-unmet-dependencies",
        "E: Unable to correct problems, you have held broken packages.",
    ),
    (
        "apt-hash-sum-mismatch",
        "E: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/jammy-updates/main/binary-"
        "amd64/by-hash/SHA256/4c1e  Hash Sum mismatch",
    ),
    (
        "apt-lock-held",
        "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2391 (apt-get)",
    ),
    (
        "apt-repository-invalid",
        "E: The repository 'http://ppa.launchpad.net/deadsnakes/ppa/ubuntu noble Release' does "
        "not have a Release file.",
    ),
    (
        "apt-dpkg-interrupted",
        "E: dpkg was interrupted, you must manually run 'sudo dpkg --configure -a' to correct "
        "the problem.",
    ),
    (
        "apt-install-failed",
        "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)

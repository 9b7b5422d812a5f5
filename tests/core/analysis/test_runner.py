"""Which kind of machine ran a job, and what that changes about a network failure."""

from __future__ import annotations

import pytest

from autorecover.constants import GITHUB_HOSTED, SELF_HOSTED
from autorecover.core.analysis.diagnose import AnalysisContext, analyze_text
from autorecover.core.analysis.runner import from_labels, from_marks, machine_network
from autorecover.core.models import Action, Category

TS = "2024-03-12T10:15:02.1234567Z "
# "Set up job" as GitHub's images print it and as a self-hosted runner does: the header of
# tests/data/logs/public/checkout-could-not-resolve-host.log (actions/checkout#304).
HOSTED = [
    "Current runner version: '2.330.0'",
    "##[group]Runner Image Provisioner",
    "Hosted Compute Agent",
    "##[endgroup]",
    "##[group]Runner Image",
    "Image: ubuntu-24.04",
    "##[endgroup]",
]
SELF = [
    "Current runner version: '2.267.1'",
    "Runner name: 'rpi3-arm'",
    "Runner group name: 'Default'",
    "Machine name: 'rpi3-arm'",
]
DNS = "curl: (6) Could not resolve host: github.com"
SERVER = "curl: (22) The requested URL returned error: 503"


def log(header: list[str], line: str) -> str:
    body = [*header, "##[group]Run ./fetch.sh", "##[endgroup]", line]
    body.append("##[error]Process completed with exit code 6.")
    return "".join(f"{TS}{text}\n" for text in body)


@pytest.mark.parametrize(
    ("labels", "kind"),
    [
        (["self-hosted", "linux", "arm64"], SELF_HOSTED),
        (["ubuntu-latest"], GITHUB_HOSTED),
        (["ubuntu-24.04-8core"], GITHUB_HOSTED),  # a larger runner is GitHub's too
        ([], None),
        (None, None),
    ],
)
def test_from_labels(labels: list[str] | None, kind: str | None) -> None:
    assert from_labels(labels) == kind


@pytest.mark.parametrize(
    ("marks", "kind"),
    [
        ({"hosted"}, GITHUB_HOSTED),
        ({"self-hosted"}, SELF_HOSTED),
        # Older hosted images also named the machine; the image group still says hosted.
        ({"hosted", "self-hosted"}, GITHUB_HOSTED),
        (set(), None),
    ],
)
def test_from_marks(marks: set[str], kind: str | None) -> None:
    assert from_marks(marks) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DNS, True),
        (
            "fatal: unable to access 'https://github.com/o/r/': Could not resolve host: github.com",
            True,
        ),
        ("Temporary failure in name resolution", True),
        ("npm ERR! code EAI_AGAIN", True),
        ("getaddrinfo ENOTFOUND registry.npmjs.org", True),
        ("java.net.UnknownHostException: repo.maven.apache.org", True),
        ("Failed to connect to github.com port 443: Connection timed out", True),
        ("dial tcp: lookup proxy.golang.org on 127.0.0.53:53: no such host", True),
        (SERVER, False),
        ("Connection reset by peer", False),
        ("429 Too Many Requests", False),
    ],
)
def test_machine_network(text: str, expected: bool) -> None:
    assert machine_network(text) is expected


def test_dns_on_a_hosted_runner_is_rerun() -> None:
    diagnosis = analyze_text(log(HOSTED, DNS))
    assert (diagnosis.category, diagnosis.action) == (Category.NETWORK_ERROR, Action.RERUN)


def test_dns_on_a_self_hosted_runner_is_its_configuration() -> None:
    diagnosis = analyze_text(log(SELF, DNS))
    assert (diagnosis.category, diagnosis.action) == (Category.CONFIGURATION_ERROR, Action.ISSUE)
    assert not diagnosis.transient
    assert "self-hosted runner" in diagnosis.reason and "same machine" in diagnosis.reason


def test_a_server_error_on_a_self_hosted_runner_is_still_rerun() -> None:
    diagnosis = analyze_text(log(SELF, SERVER))
    assert (diagnosis.category, diagnosis.action) == (Category.NETWORK_ERROR, Action.RERUN)


@pytest.mark.parametrize(
    ("header", "runner", "action"),
    [
        ([], SELF_HOSTED, Action.ISSUE),  # the jobs API's labels, no header in the log
        (SELF, GITHUB_HOSTED, Action.RERUN),  # what GitHub says wins over the log
        ([], None, Action.RERUN),  # unknown: treated as hosted
    ],
)
def test_the_callers_word_wins(header: list[str], runner: str | None, action: Action) -> None:
    diagnosis = analyze_text(log(header, DNS), context=AnalysisContext(runner=runner))
    assert diagnosis.action is action

"""The built-in rules of `network.yaml` (src/autorecover/core/rules/builtin/network.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("dns-resolution-failed", "curl: (6) Could not resolve host: nonexistent.invalid"),
    (
        "dns-resolution-failed",
        "Resolving fast.dpdk.org (fast.dpdk.org)... failed: Temporary failure in name resolution.",
    ),
    (
        "dns-resolution-failed",
        "Error: getaddrinfo EAI_AGAIN api.github.com",
    ),
    (
        "dns-resolution-failed",
        'go: github.com/acme/lib@v1.2.0: Get "https://proxy.golang.org/github.com/acme/lib/'
        '@v/v1.2.0.mod": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: server '
        "misbehaving",
    ),
    (
        "connection-failed",
        "curl: (28) Failed to connect to downloads.example.org port 443 after 130123 ms: "
        "Connection timed out",
    ),
    (
        "connection-failed",
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.org', "
        "port=443): Max retries exceeded with url: /v1/data",
    ),
    ("connection-reset", "curl: (56) Recv failure: Connection reset by peer"),
    ("connection-reset", "Error: socket hang up"),
    (
        "http-server-error",
        "curl: (22) The requested URL returned error: 503",
    ),
    (
        "http-server-error",
        "HTTP error 503 while getting https://pypi.python.org/pypi",
    ),
    (
        "http-server-error",
        "error: 503 Server Error: No healthy backends for url: https://pypi.python.org/pypi",
    ),
    (
        "http-rate-limited",
        "requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: "
        "https://api.example.org/v1/data",
    ),
    (
        "tls-certificate-verify-failed",
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local "
        "issuer certificate (_ssl.c:1006)",
    ),
    (
        "tls-certificate-verify-failed",
        "x509: certificate signed by unknown authority",
    ),
    ("download-not-found", "curl: (22) The requested URL returned error: 404"),
    # https://github.com/npm/npm/issues/11939
    ("connection-failed", "npm ERR! network connect ETIMEDOUT 185.31.19.162:443"),
    # https://github.com/microsoft/azure-pipelines-tasks/issues/7308 (npm debug log)
    (
        "connection-failed",
        "2018-05-27T08:52:07.2003168Z 34322 error network connect ETIMEDOUT 104.18.94.96:443",
    ),
    # https://github.com/npm/cli/issues/3916
    (
        "connection-failed",
        "npm ERR: network request to https://registry.npmjs.org/glob-parent failed, reason: "
        "connect ETIMEDOUT 104.16.18.35:443",
    ),
    # https://github.com/rust-lang/simpleinfra/issues/341
    ("cargo-network-error", "  failed to download from https://index.crates.io/3/s/syn"),
    # https://github.com/artichoke/strftime-ruby/pull/30
    ("cargo-network-error", "  network failure seems to have happened"),
    (
        "cargo-network-error",
        "  SecureTransport error: connection closed via error; class=Net (12)",
    ),
    # https://github.com/IronCoreLabs/gridiron/issues/34, the warning's text after retries
    (
        "cargo-network-error",
        "  failed to get 200 response from `https://crates.io/api/v1/crates/same-file/1.0.6/"
        "download`, got 502",
    ),
    # https://github.com/IronCoreLabs/gridiron/issues/34
    ("cargo-network-retry", "warning: spurious network error (2 tries remaining): "),
    # https://github.com/rust-lang/simpleinfra/issues/341
    (
        "cargo-network-retry",
        "warning: spurious network error (1 tries remaining): [28] Timeout was reached "
        "(Operation too slow. Less than 10 bytes/sec transferred the last 30 seconds)",
    ),
    # Backstop: https://github.com/microsoft/azure-pipelines-tasks/issues/7308
    ("network-error-backstop", "34319 error code ETIMEDOUT"),
    # https://github.com/artichoke/strftime-ruby/pull/30
    (
        "network-error-backstop",
        "warning: spurious network error (2 tries remaining): SecureTransport error: connection "
        "closed via error; class=Net (12)",
    ),
    # https://github.com/gradle/gradle/issues/19907
    (
        "network-error-backstop",
        "> Could not GET 'https://dl.bintray.com/okta/com.okta.android/org/jetbrains/kotlin/"
        "kotlin-compiler-embeddable/1.3.50/kotlin-compiler-embeddable-1.3.50.pom'. Received "
        "status code 502 from server: Bad Gateway",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        # a test's console output and its retry log in a green job
        "    Error: connect ETIMEDOUT 10.0.0.1:443",
        "    retrying after Error: read ECONNRESET (attempt 1 of 3)",
        "    client_test.go:42: dial tcp 127.0.0.1:1: connect: connection refused (expected)",
        "tests/test_client.py::test_connection_reset_by_peer_is_retried PASSED        [ 28%]",
    ],
)
def test_network_backstop_leaves_test_output_alone(line: str) -> None:
    assert "network-error-backstop" not in _fired(_scan(line))


def test_a_cargo_retry_warning_does_not_outrank_a_compile_error() -> None:
    diagnosis = _scan(
        _job(
            "warning: spurious network error (2 tries remaining): [28] Timeout was reached",
            "error[E0425]: cannot find value `x` in this scope",
            'error: could not compile `app` (bin "app") due to 1 previous error',
        )
    )
    assert diagnosis.category is Category.BUILD_ERROR
    assert diagnosis.action == "issue"


def test_the_network_backstop_names_the_category_but_only_opens_an_issue() -> None:
    diagnosis = _scan(_job("34319 error code ETIMEDOUT"))
    assert diagnosis.rule == "network-error-backstop"
    assert diagnosis.category is Category.NETWORK_ERROR
    assert diagnosis.confidence < 0.7
    assert diagnosis.action == "issue"

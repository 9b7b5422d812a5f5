"""The built-in rules of `network.yaml` (src/autorecover/core/rules/builtin/network.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

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
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)

"""The built-in rules of `docker.yaml` (src/autorecover/core/rules/builtin/docker.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "docker-pull-rate-limit",
        "Error response from daemon: toomanyrequests: You have reached your pull rate limit. "
        "You may increase the limit by authenticating and upgrading: "
        "https://www.docker.com/increase-rate-limit",
    ),
    (
        "docker-registry-unreachable",
        'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request '
        "canceled while waiting for connection (Client.Timeout exceeded while awaiting "
        "headers)",
    ),
    (
        "docker-registry-unreachable",
        '#3 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/library/python/'
        'manifests/3.11-slim-bookworm": net/http: TLS handshake timeout',
    ),
    (
        "docker-manifest-unknown",
        "Error response from daemon: manifest for node:99-alpine not found: manifest unknown: "
        "manifest unknown",
    ),
    (
        "docker-pull-access-denied",
        "docker: Error response from daemon: pull access denied for acme/api, repository does "
        "not exist or may require 'docker login': denied: requested access to the resource is "
        "denied.",
    ),
    (
        "docker-registry-unauthorized",
        "##[error]Error response from daemon: Get https://registry-1.docker.io/v2/: "
        "unauthorized: incorrect username or password",
    ),
    (
        "docker-registry-unauthorized",
        "#19 ERROR: failed to push master: failed to authorize: failed to fetch oauth token: "
        "unexpected status from GET request to https://auth.docker.io/token",
    ),
    (
        "docker-push-denied",
        "Error: writing blob: initiating layer upload to /v2/freeipa/ipa-tuura/blobs/uploads/ "
        "in ghcr.io: denied: installation not allowed to Create organization package",
    ),
    (
        "docker-daemon-unavailable",
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker "
        "daemon running?",
    ),
    (
        "docker-build-step-failed",
        'ERROR: failed to solve: process "/bin/sh -c npm install" did not complete '
        "successfully: exit code: 1",
    ),
    (
        "docker-build-step-failed",
        "The command '/bin/sh -c pip install -r requirements.txt' returned a non-zero code: 1",
    ),
    ("docker-build-step-failed", "##[error]Docker build failed with exit code 1"),
    (
        "docker-dockerfile-parse-error",
        "ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN",
    ),
    (
        "docker-copy-source-missing",
        "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of "
        'ref 4f9a2c1e::x7k2m9: "/app/dist": not found',
    ),
    (
        "docker-platform-unavailable",
        "no matching manifest for linux/arm64/v8 in the manifest list entries",
    ),
    (
        "docker-port-already-allocated",
        "docker: Error response from daemon: driver failed programming external connectivity "
        "on endpoint db: Bind for 0.0.0.0:5432 failed: port is already allocated.",
    ),
    ("docker-exec-format-error", "exec /usr/local/bin/docker-entrypoint.sh: exec format error"),
    (
        "hadolint-violation",
        "Dockerfile:2 DL3008 warning: Pin versions in apt get install. Instead of `apt-get "
        "install <package>` use `apt-get install <package>=<version>`",
    ),
    # world/train/c4-dockerhub-push-unauthorized-not-authorized (exozet/docker-php-fpm#183)
    (
        "docker-registry-unauthorized",
        "unauthorized: access to the requested resource is not authorized",
    ),
    # world/train/c4-ghcr-push-installation-not-allowed-write-org-package (signer#74)
    ("docker-push-denied", "denied: installation not allowed to Write organization package"),
    # world/train/c4-docker-login-fork-secrets-unavailable (certtools/intelmq#1931)
    ("docker-login-credentials-missing", "Error: Username and password required"),
    # world/train/c4-docker-login-wrong-secret-name-username-empty (docker/login-action#17)
    (
        "docker-login-credentials-missing",
        "Error: Must provide --username with --password-stdin",
    ),
    # actions/runner#411 (self-hosted runner user outside the docker group)
    (
        "docker-socket-permission-denied",
        "Got permission denied while trying to connect to the Docker daemon socket at "
        "unix:///var/run/docker.sock: Post http://%2Fvar%2Frun%2Fdocker.sock/v1.40/images/"
        "create?fromImage=golang&tag=1.13.9-alpine3.10: dial unix /var/run/docker.sock: "
        "connect: permission denied",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)

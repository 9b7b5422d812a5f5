"""The built-in knowledge base, table-driven: every rule fires on real lines of the tool it
describes, and no rule fires on lines from successful jobs.

Each positive case is one line of real output (from tests/data/logs/, from the tool run
locally, or quoted in the issue cited above the rule in its YAML file). It goes through the
real engine (`analyze_text`: normalisation, RE2 set scan, `unless`), once as pasted text and
once with the runner's timestamp prefix, so a pattern anchored with `^` is checked in both
forms. A new built-in rule without a case here fails `test_every_rule_has_a_positive_case`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from autorecover.analyze import AnalysisContext, analyze_text
from autorecover.models import Category, Diagnosis, Severity
from autorecover.rules import builtin_rules, load_ruleset
from autorecover.rules.schema import PLACEHOLDER_RE

RULESET = load_ruleset()
TIMESTAMP = "2026-03-12T10:15:02.1234567Z "
SUCCESS_LOGS = Path(__file__).parent / "data" / "logs" / "success"

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- runner.yaml
    (
        "job-timeout-exceeded",
        "The job running on runner GitHub Actions 3 has exceeded the maximum execution time "
        "of 360 minutes.",
    ),
    ("job-timeout-exceeded", "The job has exceeded the maximum execution time of 6h0m0s"),
    (
        "step-timeout-exceeded",
        "##[error]The action 'Execute Gemini CLI' has timed out after 20 minutes.",
    ),
    ("step-timeout-legacy", "##[error]The action has timed out."),
    (
        "runner-shutdown-signal",
        "##[error]The runner has received a shutdown signal. This can happen when the runner "
        "service is stopped, or a manually started runner is canceled.",
    ),
    (
        "runner-lost-communication",
        "The hosted runner: GitHub Actions 8 lost communication with the server. Anything in "
        "your workflow that terminates the runner process, starves it for CPU/Memory, or "
        "blocks its network access can cause this error.",
    ),
    (
        "runner-lost-communication",
        "The self-hosted runner: build-01 lost communication with the server. Verify the "
        "machine is running and has a healthy network connection.",
    ),
    (
        "runner-internal-error",
        "The hosted runner encountered an error while running your job. (Error Type: Disconnect).",
    ),
    (
        "actions-billing-blocked",
        "The job was not started because recent account payments have failed or your spending "
        "limit needs to be increased. Please check the 'Billing & plans' section in your "
        "settings",
    ),
    (
        "no-runner-online",
        "This request was automatically failed because there were no enabled runners online "
        "to process the request for more than 1 days.",
    ),
    (
        "matrix-fail-fast-cancelled",
        'The strategy configuration was canceled because "test._3_12" failed',
    ),
    (
        "superseded-by-newer-run",
        "Canceling since a higher priority waiting request for 'CI-refs/heads/main' exists",
    ),
    (
        "runner-disk-full",
        "System.IO.IOException: No space left on device : "
        "'/home/runner/runners/2.319.1/_diag/Worker_20240929-071716-utc.log'",
    ),
    (
        "runner-disk-full",
        "##[warning]You are running out of disk space. The runner will stop working when the "
        "machine runs out of disk space. Free space left: 66 MB",
    ),
    (
        "runner-disk-full",
        "#30 175.9 ERROR: Could not install packages due to an OSError: [Errno 28] No space "
        "left on device",
    ),
    (
        "action-download-failed",
        "##[error]Response status code does not indicate success: 503 (Service Unavailable).",
    ),
    (
        "executable-not-found",
        "##[error]Unhandled error: Error: Unable to locate executable file: python3.1. Please "
        "verify either the file path exists or the file can be found within a directory "
        "specified by the PATH environment variable.",
    ),
    (
        "container-executable-not-found",
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash":'
        " executable file not found in $PATH: unknown",
    ),
    (
        "working-directory-missing",
        "##[error]An error occurred trying to start process '/usr/bin/bash' with working "
        "directory '/home/runner/work/app/app/frontend'. No such file or directory",
    ),
    (
        "step-summary-too-large",
        "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got "
        "1962k. For more information see: https://docs.github.com/actions/using-workflows/"
        "workflow-commands-for-github-actions#adding-a-markdown-summary",
    ),
    (
        "shell-command-not-found",
        "/home/runner/work/_temp/3c5e0b1a-9f4d-4b7e-8a2c-1d3e5f7a9b0c.sh: line 2: poetry: "
        "command not found",
    ),
    (
        "script-not-executable",
        "/home/runner/work/_temp/a80566b4-bcd3-5998-a4b2-8e1d60cfc291.sh: line 1: "
        "./scripts/deploy.sh: Permission denied",
    ),
    # ---------------------------------------------------------------- github.yaml
    ("github-token-resource-not-accessible", "##[error]Resource not accessible by integration"),
    (
        "github-token-resource-not-accessible",
        "gh: Resource not accessible by integration (HTTP 403)",
    ),
    (
        "github-workflows-permission",
        " ! [remote rejected] main -> main (refusing to allow a GitHub App to create or update "
        "workflow `.github/workflows/reprod-documentation-workflow.yml` without `workflows` "
        "permission)",
    ),
    (
        "github-oidc-permission-missing",
        "##[error]Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
    ),
    ("github-input-required", "##[error]Input required and not supplied: token"),
    ("github-bad-credentials", "##[error]HttpError: Bad credentials"),
    (
        "github-cli-token-missing",
        "gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment "
        "variable. Example:",
    ),
    (
        "github-action-unresolvable",
        "##[error]Unable to resolve action `actions/checkout@4.2.2`, unable to find version "
        "`4.2.2`",
    ),
    (
        "github-action-unresolvable",
        "##[error]Unable to resolve action `helaili/jekyll-build@v2`, repository not found",
    ),
    ("github-invalid-workflow", "Invalid workflow file: .github/workflows/update.yaml#L7"),
    (
        "github-invalid-workflow",
        "The workflow is not valid. .github/workflows/ci.yml (Line: 12, Col: 9): Unexpected "
        "value 'run-on'",
    ),
    (
        "github-deprecated-workflow-command",
        "##[error]The `set-env` command is disabled. Please upgrade to using Environment Files "
        "or opt into unsecure command execution by setting the "
        "`ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`.",
    ),
    (
        "github-deprecated-action-version",
        "##[error]This request has been automatically failed because it uses a deprecated "
        "version of `actions/upload-artifact: v3`. Learn more: https://github.blog/changelog/"
        "2024-04-16-deprecation-notice-v3-of-the-artifact-actions/",
    ),
    (
        "github-artifact-name-conflict",
        "##[error]Failed to CreateArtifact: Received non-retryable error: Failed request: (409) "
        "Conflict: an artifact with this name already exists on the workflow run",
    ),
    (
        "github-artifact-no-files",
        "##[error]No files were found with the provided path: dist/. No artifacts will be "
        "uploaded.",
    ),
    (
        "github-artifact-not-found",
        "##[error]Unable to download artifact(s): Artifact not found for name: dist",
    ),
    (
        "github-api-rate-limit",
        "##[error]HttpError: API rate limit exceeded for installation ID 4521337.",
    ),
    (
        "setup-python-version-not-found",
        "##[error]The version '3.7' with architecture 'x64' was not found for Ubuntu 24.04.",
    ),
    (
        "setup-node-version-not-found",
        "##[error]Unable to find Node version '21.99' for platform linux and architecture x64.",
    ),
    (
        "setup-cache-dependency-file-missing",
        "##[error]No file in /home/runner/work/pytest-cpp/pytest-cpp matched to "
        "[**/requirements.txt or **/pyproject.toml], make sure you have checked out the target "
        "repository",
    ),
    (
        "setup-cache-dependency-file-missing",
        "##[error]Dependencies lock file is not found in /home/runner/work/site/site. Supported "
        "file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock",
    ),
    # ---------------------------------------------------------------- git.yaml
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
    # ---------------------------------------------------------------- docker.yaml
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
    # ---------------------------------------------------------------- apt.yaml
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
    # ---------------------------------------------------------------- node.yaml
    ("npm-network-error", "npm ERR! code ECONNRESET"),
    ("npm-network-error", "59.96 npm ERR! code ETIMEDOUT"),
    (
        "npm-network-error",
        "npm error network request to http://nonexist.invalid/left-pad failed, reason: "
        "getaddrinfo ENOTFOUND nonexist.invalid",
    ),
    ("npm-eresolve", "npm ERR! ERESOLVE unable to resolve dependency tree"),
    ("npm-eresolve", "npm error ERESOLVE could not resolve"),
    (
        "npm-package-not-found",
        "npm error 404  The requested resource 'left-pad-zzz-nonexistent-qq@*' could not be "
        "found or you do not have permission to access it.",
    ),
    (
        "npm-package-not-found",
        "npm error 404 Not Found - GET https://registry.npmjs.org/left-pad-zzz-nonexistent-qq",
    ),
    ("npm-auth-error", "npm ERR! code E401"),
    ("npm-eacces", "npm ERR! code EACCES"),
    (
        "npm-lockfile-out-of-sync",
        "npm ERR! `npm ci` can only install packages when your package.json and "
        "package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file "
        "with `npm install` before continuing.",
    ),
    ("npm-lockfile-out-of-sync", "npm error Missing: left-pad@1.3.0 from lock file"),
    ("npm-missing-script", 'npm error Missing script: "lint"'),
    (
        "npm-package-json-missing",
        "npm ERR! enoent Could not read package.json: Error: ENOENT: no such file or "
        "directory, open '/home/runner/work/app/app/package.json'",
    ),
    ("npm-integrity-mismatch", "npm ERR! code EINTEGRITY"),
    (
        "node-engine-incompatible",
        'error vite@5.3.5: The engine "node" is incompatible with this module. Expected '
        'version "^18.0.0 || >=20.0.0". Got "16.20.2"',
    ),
    (
        "yarn-network-error",
        'error An unexpected error occurred: "https://registry.yarnpkg.com/react/-/'
        'react-18.3.1.tgz: ESOCKETTIMEDOUT".',
    ),
    (
        "yarn-lockfile-out-of-date",
        "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.",
    ),
    (
        "yarn-package-not-found",
        'error Couldn\'t find package "left-pad-zzz@^1.0.0" required by "app@1.0.0" on the '
        '"npm" registry.',
    ),
    (
        "pnpm-lockfile-out-of-date",
        ' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because '
        "pnpm-lock.yaml is not up to date with package.json",
    ),
    (
        "pnpm-package-not-found",
        " ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/left-pad-zzz: Not Found - 404",
    ),
    (
        "pnpm-network-error",
        " ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/react: request to "
        "https://registry.npmjs.org/react failed, reason: socket hang up",
    ),
    ("node-module-not-found", "Error: Cannot find module 'express'"),
    ("webpack-build-error", "ERROR in /home/runner/work/mapepire-js/mapepire-js/src/tls.ts"),
    (
        "webpack-module-not-found",
        "Module not found: Error: Can't resolve './utils' in '/home/runner/work/app/app/src'",
    ),
    ("vite-build-error", "error during build:"),
    (
        "vite-build-error",
        '[vite]: Rollup failed to resolve import "lodash-es" from "src/main.ts".',
    ),
    ("node-script-failed", " ELIFECYCLE  Command failed with exit code 134."),
    ("node-script-failed", "npm ERR! code ELIFECYCLE"),
    # ---------------------------------------------------------------- build.yaml
    ("c-header-missing", "a.c:1:10: fatal error: Python.h: No such file or directory"),
    (
        "c-compile-error",
        "src/2cdt.c:1142:41: error: implicit declaration of function 'toupper' "
        "[-Wimplicit-function-declaration]",
    ),
    ("linker-error", "b.c:(.text+0x18): undefined reference to `undeclared_fn'"),
    ("linker-error", "/usr/bin/ld: cannot find -lnotalib: No such file or directory"),
    (
        "c-compiler-missing",
        "        unable to execute 'gcc': No such file or directory",
    ),
    (
        "msvc-build-tools-missing",
        '      error: Microsoft Visual C++ 14.0 or greater is required. Get it with "Microsoft '
        'C++ Build Tools": https://visualstudio.microsoft.com/visual-cpp-build-tools/',
    ),
    ("pip-wheel-build-failed", "  ERROR: Failed building wheel for psycopg2"),
    (
        "pip-wheel-build-failed",
        "ERROR: ERROR: Failed to build installable wheels for some pyproject.toml based "
        "projects (psycopg2)",
    ),
    (
        "pip-wheel-build-failed",
        "ERROR: Could not build wheels for cffi, which is required to install "
        "pyproject.toml-based projects",
    ),
    (
        "pip-build-backend-failed",
        "  × Getting requirements to build wheel did not run successfully.",
    ),
    ("make-target-failed", "make: *** [Makefile:2: all] Error 1"),
    ("make-target-failed", "make[1]: *** [Makefile:29: obj/2cdt.o] Error 1"),
    (
        "cmake-package-not-found",
        "  Could NOT find ZLIB (missing: ZLIB_LIBRARY ZLIB_INCLUDE_DIR)",
    ),
    ("cmake-error", "CMake Error at CMakeLists.txt:10 (find_package):"),
    ("sphinx-warnings-as-errors", "Warning, treated as error:"),
    (
        "sphinx-warnings-as-errors",
        "build finished with problems, 2 warnings (with warnings treated as errors).",
    ),
    (
        "maven-compilation-failure",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:"
        "compile (default-compile) on project demo: Compilation failure -> [Help 1]",
    ),
    (
        "maven-repository-unreachable",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-resources-plugin:2.6:"
        "resources (default-resources) on project y: Could not transfer artifact "
        "org.apache.maven:maven-project:pom:2.0.6 from/to central "
        "(https://repo.maven.apache.org/maven2): transfer failed for https://repo.maven."
        "apache.org/maven2/org/apache/maven/maven-project/2.0.6/maven-project-2.0.6.pom: "
        "Unknown host repo.maven.apache.org: Name or service not known -> [Help 1]",
    ),
    (
        "maven-dependency-not-found",
        "[ERROR] Failed to execute goal on project app: Could not resolve dependencies for "
        "project com.acme:app:jar:1.0: Could not find artifact com.acme:lib:jar:9.9 in "
        "central (https://repo.maven.apache.org/maven2) -> [Help 1]",
    ),
    (
        "maven-goal-failed",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-enforcer-plugin:3.4.1:"
        "enforce (enforce) on project app: Some Enforcer rules have failed.",
    ),
    (
        "gradle-dependency-resolution",
        "> Could not resolve all files for configuration ':app:debugRuntimeClasspath'.",
    ),
    (
        "gradle-repository-unreachable",
        "> Could not GET 'https://repo.maven.apache.org/maven2/com/acme/lib/1.0/lib-1.0.pom'. "
        "Received status code 502 from server: Bad Gateway",
    ),
    ("gradle-build-failed", "FAILURE: Build failed with an exception."),
    ("gradle-build-failed", "BUILD FAILED in 8m 56s"),
    (
        "jvm-compile-error",
        "e: file:///home/runner/work/android-app/android-app/app/src/main/java/com/acme/"
        "Net.kt:14:23 Unresolved reference: timeoutMs",
    ),
    (
        "jvm-compile-error",
        "src/main/java/A.java:1: error: incompatible types: String cannot be converted to int",
    ),
    ("rust-compile-error", "error[E0308]: mismatched types"),
    (
        "rust-compile-error",
        "error: could not compile `logscan` (lib) due to 2 previous errors",
    ),
    (
        "cargo-build-script-failed",
        "error: failed to run custom build command for `openssl-sys v0.9.102`",
    ),
    ("go-compile-error", "./main.go:10:2: undefined: fetchAll"),
    (
        "dotnet-build-error",
        "/home/runner/work/app/app/src/Program.cs(10,5): error CS0103: The name 'x' does not "
        "exist in the current context [/home/runner/work/app/app/src/App.csproj]",
    ),
    (
        "nuget-restore-error",
        "/home/runner/work/app/app/App.csproj : error NU1101: Unable to find package "
        "Acme.Lib. No packages exist with this id in source(s): nuget.org",
    ),
    # ---------------------------------------------------------------- network.yaml
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
    # ---------------------------------------------------------------- resources.yaml
    (
        "process-killed-oom",
        "/home/runner/work/_temp/0dbe16bb-3052-4a6e-9755-00561fed9f22.sh: line 1:  2930 Killed"
        "                  pytest --cov=. --cov-report=xml",
    ),
    (
        "process-killed-oom",
        "c++: fatal error: Killed signal terminated program cc1plus",
    ),
    ("exit-code-137", "##[error]Process completed with exit code 137."),
    (
        "node-heap-out-of-memory",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    ),
    ("java-out-of-memory", "Caused by: java.lang.OutOfMemoryError: Java heap space"),
    (
        "python-memory-error",
        "FAILED tests/test_20_sentinel1.py::test_Sentinel1SarProduct[data_path0-IW/VV] - "
        "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 1.62 GiB for an array "
        "with shape (16705, 26102) and data type complex64",
    ),
    ("python-memory-error", "E       MemoryError"),
    ("native-out-of-memory", "fatal error: runtime: out of memory"),
    (
        "gradle-daemon-disappeared",
        "Gradle build daemon disappeared unexpectedly (it may have been killed or may have "
        "crashed)",
    ),
    (
        "pytest-xdist-worker-crashed",
        "[gw1] node down: Not properly terminated",
    ),
    (
        "pytest-xdist-worker-crashed",
        "worker 'gw1' crashed while running 'tests/test_big.py::test_load_everything'",
    ),
    ("too-many-open-files", "OSError: [Errno 24] Too many open files: '/tmp/x'"),
    # ---------------------------------------------------------------- pip.yaml
    (
        "pip-no-matching-distribution",
        "ERROR: Could not find a version that satisfies the requirement oso (from versions: none)",
    ),
    ("pip-no-matching-distribution", "ERROR: No matching distribution found for oso"),
    (
        "pip-resolution-impossible",
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/"
        "dependency-resolution/#dealing-with-dependency-conflicts",
    ),
    (
        "pip-resolution-impossible",
        "ERROR: Cannot install certifi==2024.12.14 and certifi==2024.8.30 because these package"
        " versions have conflicting dependencies.",
    ),
    (
        "pip-requirements-file-missing",
        "ERROR: Could not open requirements file: [Errno 2] No such file or directory: "
        "'requirements.txt'",
    ),
    (
        "pip-download-timeout",
        "pip._vendor.urllib3.exceptions.ReadTimeoutError: "
        "HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.",
    ),
    (
        "pip-index-unreachable",
        "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None))"
        " after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection."
        "HTTPConnection object at 0x7f1643374150>: Failed to establish a new connection: "
        "[Errno 111] Connection refused')': /simple/flask/",
    ),
    (
        "pip-network-oserror",
        "ERROR: Could not install packages due to an OSError: "
        "HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Max retries exceeded "
        "with url: /packages/torch-2.2.1-cp311-cp311-manylinux1_x86_64.whl",
    ),
    (
        "pip-permission-denied",
        "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: "
        "'/usr/lib/python3/dist-packages/requests'",
    ),
    ("pip-externally-managed", "error: externally-managed-environment"),
    (
        "pip-requires-different-python",
        "ERROR: Package 'acme-sdk' requires a different Python: 3.8.18 not in '>=3.9'",
    ),
    (
        "pip-not-installable",
        "ERROR: Directory '.' is not installable. Neither 'setup.py' nor 'pyproject.toml' found.",
    ),
    ("pip-invalid-requirement", "ERROR: Invalid requirement: 'requests=2.32.3'"),
    (
        "pip-hash-mismatch",
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have "
        "updated the package versions, please update the hashes.",
    ),
    (
        "setuptools-scm-no-version",
        "LookupError: setuptools-scm was unable to detect version for /home/runner/work/lib/lib.",
    ),
    (
        "poetry-lock-out-of-date",
        "##[error]pyproject.toml changed significantly since poetry.lock was last generated. "
        "Run `poetry lock [--no-update]` to fix the lock file.",
    ),
    ("poetry-solver-failed", "  SolverProblemError"),
    (
        "poetry-solver-failed",
        "  Because redacted-visualization-plugin depends on dash-cytoscape (0.3.0) which doesn't"
        " match any versions, version solving failed.",
    ),
    ("poetry-package-not-found", "Package requests (2.32.0) not found."),
    (
        "poetry-python-range-incompatible",
        "The current project's supported Python range (>=3.8,<4.0) is not compatible with some"
        " of the required packages Python requirement:",
    ),
    ("uv-no-solution", "error: No solution found when resolving dependencies"),
    ("uv-no-solution", "  × No solution found when resolving dependencies:"),
    (
        "uv-lock-out-of-date",
        "error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.",
    ),
    ("uv-network-error", "error: Failed to fetch: https://pypi.invalid/simple/flask/"),
    (
        "uv-network-error",
        "  cause: error sending request for url (https://pypi.invalid/simple/flask/)",
    ),
    (
        "conda-package-not-found",
        "PackagesNotFoundError: The following packages are not available from current channels:",
    ),
    (
        "conda-unsatisfiable",
        "UnsatisfiableError: The following specifications were found to be incompatible with "
        "each other:",
    ),
    (
        "conda-http-error",
        "CondaHTTPError: HTTP 000 CONNECTION FAILED for url "
        "<https://repo.anaconda.com/pkgs/main/linux-64/current_repodata.json>",
    ),
    (
        "pypi-upload-file-exists",
        "ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/",
    ),
    (
        "pypi-upload-forbidden",
        "ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/",
    ),
    ("pypi-upload-forbidden", "Trusted publishing exchange failure:"),
    # ---------------------------------------------------------------- python.yaml
    ("python-module-not-found", "E   ModuleNotFoundError: No module named 'yaml'"),
    ("python-module-not-found", "ImportError: No module named cv2"),
    ("python-module-not-found", "/usr/bin/python3: No module named pytest"),
    ("python-syntax-error", "E   SyntaxError: invalid syntax"),
    ("python-syntax-error", "IndentationError: unexpected indent"),
    (
        "python-cannot-import-name",
        "ImportError: cannot import name 'soft_unicode' from 'markupsafe' "
        "(/opt/hostedtoolcache/Python/3.10.13/x64/lib/python3.10/site-packages/markupsafe/"
        "__init__.py)",
    ),
    (
        "python-shared-library-missing",
        "ImportError: libGL.so.1: cannot open shared object file: No such file or directory",
    ),
    (
        "yaml-syntax-error",
        "ERROR: yaml.scanner.ScannerError: mapping values are not allowed here",
    ),
    (
        "python-script-not-found",
        "python3: can't open file '/home/runner/work/app/app/setup.py': [Errno 2] No such file "
        "or directory",
    ),
    ("python-interpreter-crash", "Fatal Python error: Segmentation fault"),
    (
        "django-improperly-configured",
        "django.core.exceptions.ImproperlyConfigured: Requested setting DEBUG, but settings are"
        " not configured.",
    ),
    # ---------------------------------------------------------------- pytest.yaml
    (
        "pytest-failed-test",
        "FAILED tests/test_cart.py::test_coupon_discount - AssertionError: assert "
        "Decimal('18.00') == Decimal('17.00')",
    ),
    (
        "pytest-failed-test",
        "\x1b[31mFAILED\x1b[0m tests/test_wrap.py::test_truncate[a long sentence-8-a lon...] - "
        "AssertionError",
    ),
    ("pytest-failed-test", "tests/test_client.py::test_default_timeout FAILED        [ 33%]"),
    (
        "pytest-error-in-test",
        "ERROR tests/test_db.py::test_insert - FileNotFoundError: [Errno 2] No such file or "
        "directory: '/home/runner/work/storage/storage/tests/fixtures/db.json'",
    ),
    (
        "pytest-error-in-test",
        "____________________ ERROR at setup of test_schema_version _____________________",
    ),
    ("pytest-fixture-not-found", "E       fixture 'db_with_schema' not found"),
    (
        "pytest-timeout-plugin",
        "E               Failed: Timeout (>1.0s) from pytest-timeout.",
    ),
    (
        "pytest-unknown-marker",
        "ERROR tests/test_transform.py - Failed: 'integration' not found in `markers` "
        "configuration option",
    ),
    (
        "pytest-unrecognized-arguments",
        "pytest: error: unrecognized arguments: --cov=metrics --cov-report=xml",
    ),
    ("pytest-path-not-found", "ERROR: file or directory not found: tests/unit"),
    (
        "pytest-no-tests-collected",
        "============================ no tests ran in 0.01s =============================",
    ),
    (
        "coverage-below-threshold",
        "FAIL Required test coverage of 80% not reached. Total coverage: 78.50%",
    ),
    (
        "coverage-below-threshold",
        "Coverage failure: total of 78 is less than fail-under=80",
    ),
    (
        "pytest-internal-error",
        "INTERNALERROR> AttributeError: 'Config' object has no attribute 'cache'",
    ),
    (
        "pytest-collection-error",
        "_______________________ ERROR collecting tests/test_b.py _______________________",
    ),
    ("pytest-collection-error", "ERROR tests/test_loader.py"),
    (
        "pytest-collection-error",
        "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!",
    ),
    (
        "pytest-collection-error",
        "ImportError while loading conftest "
        "'/home/runner/work/status-page/status-page/tests/conftest.py'.",
    ),
    (
        "pytest-summary-failed",
        "========================= 3 failed, 1 passed in 0.04s ==========================",
    ),
    ("pytest-summary-failed", "1 passed, 2 errors in 0.06s"),
    (
        "unittest-failed-test",
        "FAIL: test_absolute_zero (tests.test_convert.ConvertTest.test_absolute_zero)",
    ),
    ("unittest-summary-failed", "FAILED (failures=2)"),
    (
        "unittest-summary-failed",
        "ImportError: Failed to import test module: tests.test_resize",
    ),
    ("doctest-failed", "***Test Failed*** 1 failures."),
    ("tox-nox-session-failed", "ERROR:   style: commands failed"),
    ("tox-nox-session-failed", "nox > Session tests-3.11 failed."),
    # ---------------------------------------------------------------- testing.yaml
    ("jest-failed-test", "  ● example tests › test that always fails"),
    ("js-test-file-failed", " FAIL  src/api/retry.test.ts"),
    ("js-test-summary-failed", "Tests:       2 failed, 1 passed, 3 total"),
    ("js-test-summary-failed", "  2 failing"),
    ("go-test-failed", "--- FAIL: TestGatewayTar (600.02s)"),
    ("go-test-failed", "FAIL\tgithub.com/ipfs/gateway-conformance/tests\t600.021s"),
    ("go-test-timeout", "panic: test timed out after 10m0s"),
    ("cargo-test-failed", "test rules::tests::matches_disk_full ... FAILED"),
    (
        "maven-test-failures",
        "[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.112 s <<< "
        "FAILURE! - in com.acme.AppTest",
    ),
    ("gradle-test-failed", "NetworkErrorMapperTest > mapsSocketTimeoutToRetryable() FAILED"),
    ("test-run-summary-failed", "10 examples, 2 failures"),
    (
        "test-run-summary-failed",
        "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ),
    (
        "test-run-summary-failed",
        "Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 3 s",
    ),
    (
        "test-run-summary-failed",
        "> There were failing tests. See the report at: file:///home/runner/work/app/app/"
        "build/reports/tests/test/index.html",
    ),
    (
        "rspec-failed-example",
        "rspec ./spec/models/user_spec.rb:12 # User validates the email address",
    ),
    ("dotnet-test-failed", "  Failed Acme.Tests.CalcTests.Adds [12 ms]"),
    (
        "ctest-failed",
        "67% tests passed, 1 tests failed out of 3",
    ),
    # ---------------------------------------------------------------- typing.yaml
    (
        "mypy-type-error",
        "virtualizarr/manifests/manifest.py:137: error: Incompatible types in assignment "
        '(expression has type "ndarray[Any, dtype[Any]]", variable has type "ndarray[Any, '
        'StringDType]")  [assignment]',
    ),
    (
        "mypy-type-error",
        "src/payments/ledger.py:25: \x1b[1m\x1b[31merror:\x1b(B\x1b[m Incompatible types in "
        'assignment (expression has type \x1b(B\x1b[m\x1b[1m"float"\x1b(B\x1b[m)',
    ),
    (
        "mypy-stubs-not-installed",
        'src/fetcher/config.py:3: error: Library stubs not installed for "yaml"  [import-untyped]',
    ),
    (
        "mypy-stubs-not-installed",
        'twine/utils.py:25: error: Library stubs not installed for "requests" (or incompatible'
        " with Python 3.9)",
    ),
    (
        "mypy-import-not-found",
        "src/gateway/auth.py:1: error: Cannot find implementation or library stub for module "
        'named "acme_internal.auth"  [import-not-found]',
    ),
    (
        "mypy-syntax-error",
        "pkg/syn.py:1: error: Expected a parameter or the end of the parameter list  [syntax]",
    ),
    ("mypy-summary", "Found 6 errors in 1 file (checked 2 source files)"),
    ("mypy-configuration-error", "mypy: can't read file 'src': No such file or directory"),
    (
        "pyright-type-error",
        '  /home/runner/work/catalog/catalog/catalog/products.py:19:23 - error: "price_cents" '
        'is not a known attribute of "None" (reportOptionalMemberAccess)',
    ),
    (
        "pyright-import-unresolved",
        '  /tmp/sp/pr/p.py:2:8 - error: Import "nonexistent_mod" could not be resolved '
        "(reportMissingImports)",
    ),
    ("pyright-summary", "3 errors, 0 warnings, 0 informations "),
    (
        "typescript-type-error",
        "src/a.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ),
    (
        "typescript-type-error",
        "src/a.ts:2:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
    ),
    (
        "typescript-type-error",
        "      TS2339: Property 'reason' does not exist on type 'Error'.",
    ),
    (
        "typescript-module-not-found",
        "src/a.ts(1,25): error TS2307: Cannot find module 'nonexistent-mod' or its "
        "corresponding type declarations.",
    ),
    ("typescript-summary", "Found 3 errors in 2 files."),
    # ---------------------------------------------------------------- security.yaml
    (
        "bandit-issue",
        ">> Issue: [B605:start_process_with_a_shell] Starting a process with a shell, possible "
        "injection detected, security issue.",
    ),
    ("pip-audit-vulnerability", "pip  26.1.2  PYSEC-2026-3721 26.2"),
    ("pip-audit-summary", "Found 1 known vulnerability in 1 package"),
    ("safety-vulnerability", "-> Vulnerability found in django version 1.11.29"),
    ("trivy-vulnerabilities", "Total: 1 (HIGH: 1)"),
    (
        "trivy-vulnerabilities",
        "Total: 5 (UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 1, CRITICAL: 1)",
    ),
    ("gitleaks-leaks-found", "12:29AM WRN leaks found: 1"),
    ("gitleaks-leaks-found", "##[error]🛑 Leaks detected, see job summary for details"),
    ("trufflehog-secret-found", "✅ Found verified result 🐷🔑"),
    (
        "detect-secrets-found",
        "ERROR: Potential secrets about to be committed to git repo!",
    ),
    ("npm-audit-vulnerabilities", "# npm audit report"),
    (
        "yarn-audit-vulnerabilities",
        "5 vulnerabilities found - Packages audited: 1022",
    ),
    (
        "grype-vulnerabilities",
        "\t* discovered vulnerabilities at or above the severity threshold",
    ),
    (
        "zizmor-finding",
        "error[template-injection]: code injection via template expansion",
    ),
    (
        "codeql-analysis-failed",
        '##[error]Encountered a fatal error while running "/opt/hostedtoolcache/CodeQL/2.23.2/'
        "x64/codeql/codeql database finalize --finalize-dataset --threads=4 --ram=14581 "
        '/home/runner/work/_temp/codeql_databases/csharp". Exit code was 32',
    ),
    (
        "codeql-analysis-failed",
        "CodeQL detected code written in C# but this run didn't build any of it, or CodeQL "
        "could not process any of it.",
    ),
    # ---------------------------------------------------------------- formatters.yaml
    (
        "black-would-reformat",
        "would reformat /home/runner/work/inventory-api/inventory-api/src/inventory/api.py",
    ),
    (
        "black-would-reformat",
        "2 files would be reformatted, 2 files would be left unchanged.",
    ),
    ("black-would-reformat", "1 file would be reformatted."),
    (
        "black-reformatted-files",
        "reformatted /home/mion00/projects/ha-mqtt-discovery/ha_mqtt_discoverable/sensors.py",
    ),
    (
        "black-cannot-parse",
        "error: cannot parse: /home/runner/work/ledger/ledger/src/ledger/report.py:5:10",
    ),
    (
        "black-cannot-parse",
        'error: cannot format src/ledger/report.py: Cannot parse: 5:10:     print "total:", total',
    ),
    (
        "black-cannot-format",
        "error: cannot format src/app.py: INTERNAL ERROR: Black produced code that is not "
        "equivalent to the source.",
    ),
    (
        "isort-incorrectly-sorted",
        "ERROR: /home/runner/work/billing-service/billing-service/billing/service.py Imports "
        "are incorrectly sorted and/or formatted.",
    ),
    ("ruff-format-would-reformat", "unformatted: File would be reformatted"),
    ("ruff-format-would-reformat", "3 files would be reformatted, 2 files already formatted"),
    ("ruff-format-would-reformat", "Would reformat: src/geo/points.py"),
    # ---------------------------------------------------------------- linters.yaml
    ("ruff-check-found", "Found 6 errors."),
    ("ruff-check-found", "Found 1 error."),
    ("ruff-check-fixable", "[*] 6 fixable with `--fix`."),
    ("ruff-check-fixable", "[*] 6 fixable with the `--fix` option."),
    (
        "ruff-check-fixable",
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).",
    ),
    (
        "ruff-check-no-fixes",
        "No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).",
    ),
    ("ruff-violation-unfixable", "F821 Undefined name `logger`"),
    ("ruff-violation-unfixable", "E722 Do not use bare `except`"),
    ("ruff-violation-unfixable", "PLR0913 Too many arguments in function definition (8 > 5)"),
    ("ruff-violation-unfixable", "  5:16 F821 Undefined name `undefined_name`"),
    ("python-lint-violation", "src/sensors/readings.py:1:1: F401 'os' imported but unused"),
    (
        "python-lint-violation",
        "./scraper.py:14:49: F821 undefined name 'defualt_title'",
    ),
    (
        "python-lint-violation",
        "##[error]exporter/export.py:10:9: F821 Undefined name `cleanup`",
    ),
    ("python-lint-violation", "pkg/bad.py:1: [F401] `os` imported but unused"),
    (
        "python-lint-violation",
        "torchoptics/propagation/__init__.py:5:5: F401 `.propagator.VALID_PADDING_MODES` "
        "imported but unused; consider removing, adding to `__all__`, or using a redundant "
        "alias",
    ),
    (
        "lint-syntax-error",
        "pkg/syn.py:1:7: invalid-syntax: Expected a parameter or the end of the parameter list",
    ),
    ("lint-syntax-error", "invalid-syntax: Expected `)`, found newline"),
    ("lint-syntax-error", "pkg/syn.py:1:8: E999 SyntaxError: invalid syntax"),
    (
        "lint-syntax-error",
        "pkg/syn.py:1:7: E0001: Parsing failed: 'invalid syntax (pkg.syn, line 1)' (syntax-error)",
    ),
    ("ruff-configuration-error", "ruff failed"),
    (
        "ruff-configuration-error",
        "  Cause: Failed to parse /home/runner/work/cfg-service/cfg-service/pyproject.toml",
    ),
    (
        "pylint-message",
        "src/orders/service.py:17:51: E1101: Instance of 'order' has no 'totl' member; maybe "
        "'total'? (no-member)",
    ),
    (
        "eslint-errors",
        "  8:21  error  'funcs' is defined but never used  no-unused-vars",
    ),
    ("eslint-errors", "✖ 6 problems (6 errors, 0 warnings)"),
    ("eslint-errors", "ESLint found too many warnings (maximum: 0)."),
    (
        "eslint-configuration-error",
        "ESLint couldn't find an eslint.config.(js|mjs|cjs) file.",
    ),
    (
        "prettier-check-failed",
        "[warn] Code style issues found in 5 files. Run Prettier with --write to fix.",
    ),
    (
        "prettier-check-failed",
        "[warn] Code style issues found in the above file. Run Prettier with --write to fix.",
    ),
    (
        "pre-commit-standard-hook-failed",
        "trim trailing whitespace.................................................Failed",
    ),
    (
        "pre-commit-standard-hook-failed",
        "Fix End of Files.........................................................Failed",
    ),
    (
        "pre-commit-hook-failed",
        "Format python files with black...........................................Failed",
    ),
    (
        "pre-commit-hook-failed",
        "bandit...................................................................Failed",
    ),
    (
        "pre-commit-unexpected-error",
        "An unexpected error has occurred: CalledProcessError: command: ('/usr/bin/git', "
        "'fetch', 'origin', '--tags')",
    ),
    (
        "shellcheck-findings",
        "SC2086 (info): Double quote to prevent globbing and word splitting.",
    ),
    (
        "actionlint-findings",
        '.github/workflows/ci.yml:12:9: property "foo" is not defined in object type '
        "{os: string} [expression]",
    ),
    (
        "yamllint-errors",
        "  3:1       error    wrong indentation: expected 2 but found 0  (indentation)",
    ),
    ("codespell-typos", "./README.md:10: teh ==> the"),
    (
        "markdownlint-findings",
        "README.md:3 MD022/blanks-around-headings Headings should be surrounded by blank lines",
    ),
]

# Lines from successful jobs (tests/data/logs/success/ and the tools run locally) that
# mention failure words; no rule may fire on them.
NEGATIVE: list[tuple[str, str]] = [
    (
        "pip-retry-read-timeout",
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None))"
        " after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', "
        "port=443): Read timed out. (read timeout=15)\")': /simple/boto3/",
    ),
    (
        "pip-retry-connection-reset",
        "WARNING: Retrying (Retry(total=3, connect=None, read=None, redirect=None, status=None))"
        " after connection broken by 'ProtocolError('Connection aborted.', "
        "ConnectionResetError(104, 'Connection reset by peer'))': /simple/boto3/",
    ),
    (
        "pip-resolver-notice",
        "ERROR: pip's dependency resolver does not currently take into account all the packages"
        " that are installed. This behaviour is the source of the following dependency "
        "conflicts.",
    ),
    (
        "pip-wheel-built",
        "  Building wheel for psycopg2 (pyproject.toml): finished with status 'done'",
    ),
    (
        "pip-root-warning",
        "WARNING: Running pip as the 'root' user can result in broken permissions and "
        "conflicting behaviour with the system package manager",
    ),
    ("pytest-test-named-timeout", "tests/test_client.py::test_timeout_is_respected PASSED  [  7%]"),
    (
        "pytest-test-named-network",
        "tests/test_client.py::test_connection_reset_by_peer_is_retried PASSED        [ 28%]",
    ),
    (
        "pytest-test-named-disk",
        "tests/test_fs.py::test_no_space_left_on_device_is_reported PASSED        [ 50%]",
    ),
    (
        "pytest-test-named-integration-token",
        "tests/test_parse.py::test_resource_not_accessible_by_integration SKIPPED (needs "
        "GITHUB_TOKEN) [100%]",
    ),
    ("pytest-test-named-oom", "tests/test_proc.py::test_memoryerror_is_not_swallowed PASSED"),
    ("pytest-timeout-header", "timeout: 60.0s"),
    (
        "pytest-green-summary",
        "================== 13 passed, 1 skipped, 1 warning in 2.31s ==================",
    ),
    ("pytest-quiet-summary", "15 passed, 1 skipped in 3.02s"),
    (
        "pytest-xfail",
        "XFAIL tests/test_stats.py::test_median_empty - empty input should return nan",
    ),
    ("ruff-clean", "All checks passed!"),
    ("ruff-format-clean", "23 files already formatted"),
    ("black-clean", "23 files would be left unchanged."),
    ("black-done", "All done! ✨ 🍰 ✨"),
    ("isort-skipped", "Skipped 2 files"),
    ("mypy-clean", "Success: no issues found in 12 source files"),
    ("pyright-clean", "0 errors, 0 warnings, 0 informations "),
    ("eslint-warnings-only", "✖ 5 problems (0 errors, 5 warnings)"),
    ("trivy-clean", "Total: 0 (HIGH: 0, CRITICAL: 0)"),
    ("npm-install-audit-summary", "found 0 vulnerabilities"),
    ("npm-deprecated", "npm warn deprecated inflight@1.0.6: This module is not supported"),
    ("jest-console-etimedout", "    Error: connect ETIMEDOUT 10.0.0.1:443"),
    ("jest-console-econnreset", "    retrying after Error: read ECONNRESET (attempt 1 of 3)"),
    ("jest-console-block", "  ● Console"),
    ("jest-green", "Tests:       42 passed, 42 total"),
    (
        "go-log-refused",
        "    client_test.go:42: dial tcp 127.0.0.1:1: connect: connection refused (expected)",
    ),
    (
        "go-log-deadline",
        "    client_test.go:77: recovered from handler panic: context deadline exceeded",
    ),
    ("go-log-permission", "    fs_test.go:19: open /root/secret: permission denied (expected)"),
    ("go-pass", "ok  \tgithub.com/acme-labs/fetcher\t1.731s"),
    ("gradle-passed-test", "NetworkErrorMapperTest > mapsOutOfMemoryErrorToFatal() PASSED"),
    ("gradle-success", "BUILD SUCCESSFUL in 2m 14s"),
    ("gradle-task-failed-header", "> Task :lphy:test"),
    ("cargo-green", "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"),
    ("cargo-test-name", "test rules::tests::matches_no_space_left_on_device ... ok"),
    ("cargo-warning", "warning: unused import: `std::io::Error`"),
    (
        "gcc-warning",
        "/home/runner/work/libfastq/libfastq/src/reader.c:88:13: warning: unused variable 'err' "
        "[-Wunused-variable]",
    ),
    ("ctest-green", "100% tests passed, 0 tests failed out of 3"),
    ("sphinx-warning", "docs/changelog.rst: WARNING: document isn't included in any toctree"),
    ("sphinx-green", "build succeeded, 2 warnings."),
    (
        "apt-legacy-keyring",
        "W: https://packages.microsoft.com/ubuntu/24.04/prod/dists/noble/InRelease: Key is stored in legacy trusted.gpg keyring",
    ),
    ("apt-ignored", "Ign:4 https://packages.microsoft.com/ubuntu/24.04/prod noble InRelease"),
    (
        "apt-waiting-for-lock",
        "Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2391 (unattended-upgr)...",
    ),
    ("debconf", "debconf: unable to initialize frontend: Dialog"),
    (
        "docker-casing-warning",
        "WARNING: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
    ),
    (
        "cache-save-warning",
        "##[warning]Failed to save: Unable to reserve cache with key pip-Linux-3f2a, another job may be creating this cache.",
    ),
    (
        "app-log-retry-policy",
        "2024-04-02 08:02:11,403 INFO ingest: retry policy: max_attempts=5 backoff=2.0 (network errors and HTTP 503 are retried)",
    ),
    (
        "poetry-stale-lock-warning",
        "Warning: poetry.lock is not consistent with pyproject.toml. You may be getting improper dependencies. Run `poetry lock [--no-update]` to fix it.",
    ),
    (
        "pre-commit-passed",
        "check yaml...............................................................Passed",
    ),
    (
        "pre-commit-skipped",
        "mypy.................................................(no files to check)Skipped",
    ),
    ("pylint-score", "Your code has been rated at 10.00/10 (previous run: 9.50/10, +0.50)"),
    ("ruff-fixed-all", "Found 3 errors (3 fixed, 0 remaining)."),
    (
        "checkout-safe-directory",
        "[command]/usr/bin/git config --global --add safe.directory /home/runner/work/app/app",
    ),
    ("runner-cancel-line", "##[error]The operation was canceled."),
    ("setup-node-download", "Attempting to download 20..."),
    ("pip-metadata-done", "  Preparing metadata (setup.py): finished with status 'done'"),
    ("killed-word-in-name", "tests/test_proc.py::test_killed_process_exit_code_137 PASSED"),
    ("ruff-grouped-fixable", "  1:8  F401 [*] `os` imported but unused"),
    ("ruff-concise-fixable", "pkg/bad.py:1:8: F401 [*] `os` imported but unused"),
    ("ruff-full-fixable", "F401 [*] `os` imported but unused"),
    ("aws-cli-output", "S3 Bucket created: arn:aws:s3:::acme-artifacts"),
    ("hash-word", "  sha256:4c1e0b9f2d3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e"),
]


def _scan(text: str, context: AnalysisContext | None = None) -> Diagnosis:
    return analyze_text(text + "\n", ruleset=RULESET, context=context)


def _fired(diagnosis: Diagnosis) -> set[str]:
    return {finding.rule for finding in diagnosis.findings}


def _cases(table: list[tuple[str, str]]) -> list[object]:
    seen: Counter[str] = Counter()
    params: list[object] = []
    for key, line in table:
        seen[key] += 1
        params.append(pytest.param(key, line, id=f"{key}-{seen[key]}"))
    return params


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    rule = RULESET.get(rule_id)
    assert rule is not None, f"no rule {rule_id!r}"
    for text in (line, TIMESTAMP + line):
        diagnosis = _scan(text)
        matches = [f for f in diagnosis.findings if f.rule == rule_id]
        assert matches, f"{rule_id} did not fire on {text!r}; fired: {sorted(_fired(diagnosis))}"
        finding = matches[0]
        assert finding.category is rule.category
        # Every placeholder of the title is filled by this pattern's captures.
        captures = dict(finding.captures)
        missing = [n for n in PLACEHOLDER_RE.findall(rule.title) if not captures.get(n)]
        assert not missing, f"{rule_id}: title placeholders {missing} not captured by {text!r}"


@pytest.mark.parametrize(("name", "line"), _cases(NEGATIVE))
def test_no_rule_fires_on_lines_of_successful_jobs(name: str, line: str) -> None:
    for text in (line, TIMESTAMP + line):
        assert _fired(_scan(text)) == set(), text


def test_every_rule_has_a_positive_case() -> None:
    covered = {rule_id for rule_id, _ in POSITIVE}
    derived = {rule.id for rule in builtin_rules() if rule.derived}
    missing = sorted(rule.id for rule in builtin_rules() if rule.id not in covered | derived)
    assert not missing, f"add a real line for these rules to POSITIVE: {missing}"
    unknown = sorted(covered - {rule.id for rule in builtin_rules()})
    assert not unknown, f"POSITIVE names rules that do not exist: {unknown}"


def test_own_package_is_retargeted_to_the_derived_rule() -> None:
    context = AnalysisContext(repository="acme-labs/myproject")
    diagnosis = _scan("E   ModuleNotFoundError: No module named 'myproject'", context)
    assert diagnosis.rule == "python-own-package-not-importable"
    assert diagnosis.category is Category.DEPENDENCY_ISSUE
    assert not diagnosis.fixes


def test_every_builtin_rule_loads_with_unique_ids() -> None:
    rules = builtin_rules()
    assert len(rules) >= 100
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids))
    assert [r.id for r in RULESET.rules] == ids


def test_every_pattern_captures_what_title_and_fix_use() -> None:
    # A title placeholder or fix parameter left unfilled reads "?" in the issue title and
    # breaks the fingerprint, so every pattern of a rule must capture all of them.
    group = re.compile(r"\(\?P<([A-Za-z_]\w*)>")
    for rule in builtin_rules():
        needed = set(PLACEHOLDER_RE.findall(rule.title))
        if rule.fix is not None:
            for _, template in rule.fix.params:
                needed |= set(PLACEHOLDER_RE.findall(template))
        for pattern in rule.patterns:
            missing = needed - set(group.findall(pattern))
            assert not missing, f"{rule.id}: {pattern!r} does not capture {sorted(missing)}"


def test_anchors_are_leading() -> None:
    # Only a leading `^` tolerates the runner's timestamp prefix; one inside a group would
    # never match a framed log line.
    inner = re.compile(r"\(\?:\^|\|\^")
    for rule in builtin_rules():
        for pattern in (*rule.patterns, *rule.unless):
            assert not inner.search(pattern), f"{rule.id}: move `^` to the start of {pattern!r}"


def test_every_rule_is_documented() -> None:
    for rule in builtin_rules():
        assert rule.title.strip() and rule.explanation.strip() and rule.remediation.strip()
        assert len(rule.explanation) >= 40, f"{rule.id}: explanation too thin"
        assert len(rule.remediation) >= 20, f"{rule.id}: remediation too thin"
        assert rule.origin.startswith("builtin:")


def test_fixes_only_on_fixable_severities() -> None:
    # The analyzer only proposes a fix for low/medium findings; a high rule with a fix
    # would be dead weight, and a fix on a transient rule would never be used.
    for rule in builtin_rules():
        if rule.fix is not None:
            assert rule.severity in (Severity.LOW, Severity.MEDIUM), rule.id
            assert not rule.transient, rule.id


def test_transient_rules_are_environmental() -> None:
    allowed = {
        Category.NETWORK_ERROR,
        Category.TIMEOUT,
        Category.RESOURCE_EXHAUSTION,
        Category.CONFIGURATION_ERROR,
    }
    for rule in builtin_rules():
        if rule.transient:
            assert rule.category in allowed, rule.id


@pytest.mark.parametrize(
    "path",
    sorted(SUCCESS_LOGS.glob("*")),
    ids=lambda path: path.name,
)
def test_no_rule_fires_on_successful_job_logs(path: Path) -> None:
    diagnosis = analyze_text(path.read_bytes(), ruleset=RULESET)
    assert _fired(diagnosis) == set()


# ----------------------------------------------------------------- how findings combine


def _job(*lines: str) -> str:
    return "\n".join(
        ["##[group]Run make check", *lines, "##[error]Process completed with exit code 1."]
    )


def test_ruff_all_fixable_proposes_ruff_fix() -> None:
    diagnosis = _scan(
        _job(
            "pricing/rules.py:10:15: F541 [*] f-string without any placeholders",
            "pricing/rules.py:16:12: UP032 [*] Use f-string instead of `format` call",
            "Found 2 errors.",
            "[*] 2 fixable with `--fix`.",
        )
    )
    assert diagnosis.action == "fix_pr"
    assert [fix.spec for fix in diagnosis.fixes] == ["ruff-fix"]


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(
            (
                "scheduler/jobs.py:9:5: E722 Do not use bare `except`",
                "scheduler/jobs.py:1:8: F401 [*] `os` imported but unused",
                "Found 2 errors.",
                "[*] 1 fixable with `--fix`.",
            ),
            id="concise-partly-fixable",
        ),
        pytest.param(
            ("F821 Undefined name `logger`", " --> scheduler/jobs.py:10:9", "Found 1 error."),
            id="full-nothing-fixable",
        ),
        pytest.param(
            ("##[error]exporter/export.py:10:9: F821 Undefined name `cleanup`",),
            id="github-format",
        ),
        pytest.param(
            (
                "pkg/bad.py:",
                "  1:8  F401 [*] `os` imported but unused",
                "  5:16 F821 Undefined name `undefined_name`",
                "Found 2 errors.",
            ),
            id="grouped-format",
        ),
    ],
)
def test_ruff_with_unfixable_violations_is_an_issue(lines: tuple[str, ...]) -> None:
    diagnosis = _scan(_job(*lines))
    assert diagnosis.category is Category.LINTING_ERROR
    assert diagnosis.action == "issue"


def test_a_failing_test_outranks_formatting_in_the_same_step() -> None:
    diagnosis = _scan(
        _job(
            "would reformat /home/runner/work/shipping/shipping/src/shipping/rates.py",
            "1 file would be reformatted, 2 files would be left unchanged.",
            "FAILED tests/test_rates.py::test_heavy_parcel - AssertionError: assert 14.99 == 16.99",
            "1 failed, 2 passed in 0.03s",
        )
    )
    assert diagnosis.category is Category.TEST_FAILURE
    assert diagnosis.action == "issue"


def test_network_errors_inside_a_failing_test_are_a_test_failure() -> None:
    diagnosis = _scan(
        _job(
            "E   requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.org',"
            " port=443): Max retries exceeded with url: /v1 (Caused by NameResolutionError("
            "\"Failed to resolve 'api.example.org' ([Errno -3] Temporary failure in name "
            'resolution)"))',
            "FAILED tests/test_api.py::test_fetch - requests.exceptions.ConnectionError: "
            "HTTPSConnectionPool(host='api.example.org', port=443)",
            "1 failed in 0.31s",
        )
    )
    assert diagnosis.category is Category.TEST_FAILURE
    assert diagnosis.action == "issue"


def test_a_missing_module_behind_the_collection_wrapper_is_fixed() -> None:
    diagnosis = _scan(
        _job(
            "_____________________ ERROR collecting tests/test_links.py _____________________",
            "E   ModuleNotFoundError: No module named 'bs4'",
            "ERROR tests/test_links.py",
            "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!",
            "1 error in 0.08s",
        )
    )
    assert diagnosis.action == "fix_pr"
    assert [fix.spec for fix in diagnosis.fixes] == ["add-requirement:beautifulsoup4"]


def test_pip_unreachable_index_is_a_rerun_but_a_missing_package_is_not() -> None:
    refused = (
        "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) "
        "after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection."
        "HTTPConnection object at 0x7f16>: Failed to establish a new connection: [Errno 111] "
        "Connection refused')': /simple/requests/"
    )
    missing = (
        "ERROR: Could not find a version that satisfies the requirement requests==2.34.2 "
        "(from versions: none)",
        "ERROR: No matching distribution found for requests==2.34.2",
    )
    assert _scan(_job(refused, *missing)).action == "rerun"
    diagnosis = _scan(_job(*missing))
    assert diagnosis.category is Category.DEPENDENCY_ISSUE
    assert diagnosis.action == "issue"

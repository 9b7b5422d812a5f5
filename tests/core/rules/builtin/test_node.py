"""The built-in rules of `node.yaml` (src/autorecover/core/rules/builtin/node.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("npm-network-error", "npm ERR! code ECONNRESET"),
    ("npm-network-error", "59.96 npm ERR! code ETIMEDOUT"),
    (
        "npm-network-error",
        "npm error network request to http://nonexist.invalid/left-pad failed, reason: "
        "getaddrinfo ENOTFOUND nonexist.invalid",
    ),
    ("npm-eresolve", "npm ERR! ERESOLVE unable to resolve dependency tree"),
    ("npm-eresolve", "npm error ERESOLVE could not resolve"),
    # npm 11.19.1 here
    ("npm-package-not-found", "npm error notarget No matching version found for left-pad@99.0.0."),
    # world/train/c2-npm-ejsonparse-unexpected-brace-trailing-comma (expressjs/cookie-parser#51),
    # world/train/c2-npm-ejsonparse-repo-package-json-fix-pr (geekxh/hello-interview#3), and
    # npm 11.19.1 here on a trailing comma
    ("npm-package-json-invalid", "npm ERR! code EJSONPARSE"),
    ("npm-package-json-invalid", "npm ERR! JSON.parse Failed to parse json"),
    (
        "npm-package-json-invalid",
        "npm ERR! JSON.parse Unexpected token } in JSON at position 215 while parsing near "
        '\'...  "test": "jest",',
    ),
    (
        "npm-package-json-invalid",
        "npm error JSON.parse Invalid package.json: JSONParseError: Expected double-quoted property"
        ' name in JSON at position 76 while parsing near "...  \\"test\\": \\"jest\\",\\n  }\\n}\\n"',
    ),
    # world/train/c2-npm-ci-invalid-version-file-spec (facebook/regenerator#617)
    ("npm-invalid-version", "npm ERR! Invalid Version: file:packages/preset"),
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
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)

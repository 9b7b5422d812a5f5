"""The credential shapes redaction looks for, as RE2 patterns (docs/security.md#s6, #t19).

A table, so a new kind of token is one row here and one case in tests/core/text/test_secrets.py.
"""

from __future__ import annotations

import re2

# `base64` (coreutils) wraps at 76 columns unless given -w 0.
WRAP = r"(?:\r?\n)?"

_SEP = r"(?:[ \t]*(?:\r?\n|\\r\\n|\\n)[ \t]*|[ \t]+)"
_PEM_LINE = r"(?:[A-Za-z0-9+/=]{16,}|(?:Proc-Type|DEK-Info|Comment|Version|Hash):[^\r\n\\]*)"
_PEM_EDGE = r"[A-Z0-9 ]{1,40}PRIVATE KEY(?: BLOCK)?-----"

# (group name, kind shown in the marker, pattern). Order matters only between alternatives that
# start at the same position: the first one listed wins (RE2 leftmost-first semantics).
# No alternative may start with an unbounded loop (`[a-z]*password`): after every match RE2
# would keep that alternative alive to the end of a long run of such characters, which made a
# 1 MB line of `eyJaaaaa.eyJaaaaa.` take 27 s. Bounded (`{0,40}`) it takes 0.3 s.
# A pattern with `<name>__pre` keeps that prefix (the header or key name) and replaces the rest;
# `<name>__val` is the secret value, checked by _plausible() before it is replaced.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    # A key printed with newlines (or, after an unquoted shell `echo`, with spaces, or as JSON
    # with "\n" escapes). The body is matched line by line rather than with `.*?END`: that
    # would make every unterminated BEGIN scan to the end of the text, quadratic on a log
    # full of BEGIN lines. An unterminated key (a truncated log) is still removed.
    (
        "pem",
        "private-key",
        rf"-----BEGIN{_PEM_EDGE}(?:{_SEP}{_PEM_LINE})*"
        rf"(?:(?:{_SEP}[A-Za-z0-9+/=]{{1,15}})?(?:{_SEP})?-----END{_PEM_EDGE})?",
    ),
    ("github", "github-token", r"gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244}"),
    ("awsid", "aws-access-key-id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    (
        "awssecret",
        "aws-secret-access-key",
        r"(?P<awssecret__pre>(?i:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)"
        r"[\"']?[ \t]*[:=][ \t]*[\"']?)(?P<awssecret__val>[A-Za-z0-9/+=]{40})",
    ),
    ("google", "google-api-key", r"AIza[0-9A-Za-z_-]{35}"),
    ("slackhook", "slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9_/-]{20,}"),
    ("slack", "slack-token", r"\bxox[abposr]-[0-9A-Za-z-]{10,250}"),
    ("stripe", "stripe-key", r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247}"),
    ("npm", "npm-token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    # GitLab personal, project and group access tokens (docs.gitlab.com, "Token prefixes").
    ("gitlab", "gitlab-token", r"\bgl(?:pat|ptt|dt|rt)-[0-9A-Za-z_-]{20,}"),
    # An Azure storage connection string's key (AccountKey=<base64>; SharedAccessKey=...).
    ("azure", "azure-key", r"(?i:\b(?:Account|SharedAccess)Key)=[A-Za-z0-9+/]{20,}={0,2}"),
    # The `auth` of a Docker config.json (`{"auths": {"reg": {"auth": "<base64 user:pass>"}}}`),
    # also JSON-escaped as some actions print it.
    ("dockerauth", "docker-auth", r'\\?"auth\\?"[ \t]*:[ \t]*\\?"[A-Za-z0-9+/]{8,}={0,2}\\?"'),
    ("pypi", "pypi-token", r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}"),
    ("jwt", "jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    (
        "auth",
        "authorization-header",
        r"(?P<auth__pre>(?i:\b(?:proxy-)?authorization)[\"']?[ \t]*[:=][ \t]*[\"']?"
        r"(?i:(?:bearer|basic|token|digest|bot|negotiate|ntlm|aws4-hmac-sha256)[ \t]+)?)"
        r"(?P<auth__val>[^\s\"',;]+)",
    ),
    (
        "bearer",
        "bearer-token",
        r"(?P<bearer__pre>(?i:\bbearer)[ \t]+)"
        r"(?P<bearer__val>[A-Za-z0-9._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
    ),
    (
        "url",
        "url-credentials",
        r"(?P<url__pre>\b[A-Za-z][A-Za-z0-9+.-]{0,30}://)"
        r"(?P<url__val>[^\s/?#@:\"'<>]*:[^\s/?#\"'<>]*)@",
    ),
    (
        "flag",
        "secret-argument",
        r"(?P<flag__pre>(?i:--(?:password|passwd|token|api-key|apikey|secret|client-secret"
        r"|access-token))[ =])(?P<flag__val>\"[^\"\r\n]*\"|'[^'\r\n]*'|[^\s\"']+)",
    ),
    (
        "assign",
        "secret-assignment",
        r"(?P<assign__pre>(?i:[a-z0-9_.-]{0,40}(?:password|passwd|secret|token|api[_-]?key|apikey"
        r"|access[_-]?key|private[_-]?key|client[_-]?secret|_auth|credentials?))"
        r"[\"']?[ \t]*[:=][ \t]*)(?P<assign__val>\"[^\"\r\n]*\"|'[^'\r\n]*'|[^\s\"',;&]+)",
    ),
)

COMBINED = re2.compile("|".join(f"(?P<{name}>{pattern})" for name, _, pattern in PATTERNS))
# Alternatives with a `__val` group: their value is checked and the prefix kept.
HAS_VALUE = frozenset(name for name, _, pattern in PATTERNS if f"(?P<{name}__val>" in pattern)
# The fixed-shape tokens alone, looked for inside a value found by a key-based alternative
# ("token: ghp_..." is reported as a github-token; "${X:-ghp_...}" still loses the token).
TOKEN_PATTERNS = tuple(p for p in PATTERNS if p[0] not in HAS_VALUE)
TOKENS = re2.compile("|".join(f"(?P<{name}>{pattern})" for name, _, pattern in TOKEN_PATTERNS))

"""Secret redaction (docs/security.md#s6, #t19): no credential shape or known secret survives, in any
encoding.

Every credential below is fake and assembled at run time, so this file holds no string that a secret
scanner (GitHub push protection included) would take for a real token.
"""

from __future__ import annotations

import base64
import json
import re
import textwrap
from urllib.parse import quote

import pytest

from autorecover.core.text.redact import Redactor, marker, redact

ALNUM36 = "Zq8" + "aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY"  # 35 characters ...
ALNUM36 += "Z"  # ... plus one: 36
assert len(ALNUM36) == 36

GHP = "gh" + "p_" + ALNUM36
GHS = "gh" + "s_" + ALNUM36[::-1]
GHO = "gh" + "o_" + ALNUM36
GHU = "gh" + "u_" + ALNUM36
GHR = "gh" + "r_" + ALNUM36
PAT = "github" + "_pat_" + "11ABCDEFG0" + "x" * 12 + "_" + "Yz9" * 19 + "Q0"
AKIA = "AK" + "IA" + "IOSFODNN7EXAMPL3"
ASIA = "AS" + "IA" + "Q3EGUWKGSDXEXAMP"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEK3Y"
GOOGLE = "AI" + "za" + "SyD-" + "9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
SLACK_HOOK = "https://hooks." + "slack.com/services/" + "T0000AAAA/B0000BBBB/" + "x" * 24
SLACK = "xo" + "xb-" + "2634111111-" + "1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
STRIPE = "sk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
RK = "rk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
NPM = "np" + "m_" + ALNUM36
PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + "CJGE4ZjYxNjk2LTQ1NzUtNGRlOC1hNzQ3LTAwMDAwMDAwMDAwMAACKlsz"
JWT = "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + ".dozj"
JWT += "gNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
PEM_BODY = ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", "VTLw7onLRnrq"]
PEM = "\n".join(
    ["-----BEGIN RSA " + "PRIVATE KEY-----", *PEM_BODY, "-----END RSA " + "PRIVATE KEY-----"]
)

BOT_TOKEN = "gh" + "s_" + "16C7e42F292c6912E7710c838347Ae178B4a"


def _b64(data: str | bytes, *, urlsafe: bool = False, pad: bool = True) -> str:
    raw = data.encode() if isinstance(data, str) else data
    out = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return out if pad else out.rstrip("=")


SHAPES = [
    pytest.param(f"token {GHP} end", GHP, "github-token", id="ghp"),
    pytest.param(f"x={GHS};", GHS, "github-token", id="ghs"),
    pytest.param(GHO, GHO, "github-token", id="gho"),
    pytest.param(f"({GHU})", GHU, "github-token", id="ghu"),
    pytest.param(f"'{GHR}'", GHR, "github-token", id="ghr"),
    pytest.param(f"use {PAT} now", PAT, "github-token", id="fine-grained-pat"),
    pytest.param(f"key {AKIA} ok", AKIA, "aws-access-key-id", id="akia"),
    pytest.param(f"key {ASIA} ok", ASIA, "aws-access-key-id", id="asia"),
    pytest.param(
        f"aws_secret_access_key = {AWS_SECRET}",
        AWS_SECRET,
        "aws-secret-access-key",
        id="aws-secret",
    ),
    pytest.param(
        f'"SecretAccessKey": "{AWS_SECRET}"', AWS_SECRET, "aws-secret-access-key", id="aws-json"
    ),
    pytest.param(f"k={GOOGLE}", GOOGLE, "google-api-key", id="google"),
    pytest.param(f"slack {SLACK}", SLACK, "slack-token", id="slack"),
    pytest.param(f"curl -X POST {SLACK_HOOK}", SLACK_HOOK, "slack-webhook", id="slack-webhook"),
    pytest.param(f"stripe {STRIPE}", STRIPE, "stripe-key", id="stripe"),
    pytest.param(f"stripe {RK}", RK, "stripe-key", id="stripe-restricted"),
    pytest.param(f"//registry.npmjs.org/:_authToken {NPM}", NPM, "npm-token", id="npm"),
    pytest.param(f"twine upload -p {PYPI}", PYPI, "pypi-token", id="pypi"),
    pytest.param(f"jwt {JWT}", JWT, "jwt", id="jwt"),
    pytest.param(
        "Authorization: Bearer abc.def-123_x", "abc.def-123_x", "authorization-header", id="bearer"
    ),
    pytest.param(
        "-H 'authorization: token s3cr3tvalue'", "s3cr3tvalue", "authorization-header", id="token"
    ),
    pytest.param(
        "Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==",
        "dXNlcjpwYXNzd29yZA==",
        "authorization-header",
        id="basic",
    ),
    pytest.param("send Bearer abcdef1234567", "abcdef1234567", "bearer-token", id="bare-bearer"),
    pytest.param(
        "pip index https://user:p4ss-w0rd@pypi.example.com/simple",
        "p4ss-w0rd",
        "url-credentials",
        id="url-creds",
    ),
    pytest.param(
        f"git push https://x-access-token:{BOT_TOKEN}@github.com/o/r",
        BOT_TOKEN,
        "url-credentials",
        id="url-token",
    ),
    pytest.param("redis://:hunter22@cache:6379", "hunter22", "url-credentials", id="url-nouser"),
    pytest.param(PEM, PEM_BODY[0], "private-key", id="pem"),
    pytest.param(
        json.dumps({"private_key": PEM + "\n"}), PEM_BODY[0], "private-key", id="pem-json-escaped"
    ),
    pytest.param(PEM.replace("\n", " "), PEM_BODY[0], "private-key", id="pem-one-line"),
    pytest.param(
        "-----BEGIN OPENSSH " + "PRIVATE KEY-----\n" + PEM_BODY[0] + "\n" + "b3Blbn" * 10,
        PEM_BODY[0],
        "private-key",
        id="pem-truncated",
    ),
    pytest.param("DB_PASSWORD=correct-horse", "correct-horse", "secret-assignment", id="password"),
    pytest.param("passwd: hunter2!", "hunter2!", "secret-assignment", id="passwd"),
    pytest.param('client_secret="a b c d e"', "a b c d e", "secret-assignment", id="quoted"),
    pytest.param("?access_token=q1w2e3r4&x=1", "q1w2e3r4", "secret-assignment", id="query"),
    pytest.param("API_KEY: 0123456789abcdef", "0123456789abcdef", "secret-assignment", id="apikey"),
    pytest.param("docker login --password s3cret!", "s3cret!", "secret-argument", id="flag"),
]


BENIGN = [
    "Run actions/checkout@v4",
    "token: ***",
    "GITHUB_TOKEN: ***",
    "password: ${{ secrets.DB_PASSWORD }}",
    "token=$GITHUB_TOKEN",
    "tokens=5 max_tokens: 2048",
    "Error: token: expired",
    "secret: required",
    "password: none",
    "https://github.com/o/r/actions/runs/123/job/456",
    "git@github.com:o/r.git",
    "Bearer authentication failed",
    "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
    "commit a5c3785ed8d6a35868bc169f07e40e889087fd2e",
    "-----BEGIN CERTIFICATE-----",
    "Authorization: Bearer ***",
    "http.https://github.com/.extraheader AUTHORIZATION: basic ***",
    "https://x-access-token:***@github.com/o/r",
    "E   AssertionError: assert 'a' == 'b'",
    "ModuleNotFoundError: No module named 'yaml'",
    "password_file=/run/secrets/db",
    "secrets: inherit",
    "[REDACTED secret]",
]


def _literal_variants(secret: str) -> list[tuple[str, str]]:
    raw = secret.encode()
    variants = [
        ("raw", secret),
        ("url-encoded", quote(secret, safe="")),
        (
            "url-encoded-lower",
            re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), quote(secret, safe="")),
        ),
        ("hex", raw.hex()),
        ("HEX", raw.hex().upper()),
        ("json", json.dumps(secret)[1:-1]),
        ("double-base64", _b64(_b64(secret))),
        ("double-base64-in-json", _b64(_b64(json.dumps({"value": secret, "isSecret": True})))),
        (
            "wrapped-base64",
            "\n".join(textwrap.wrap(_b64("prefix-" + secret + "-suffix" * 9), 76)),
        ),
    ]
    for urlsafe in (False, True):
        for pad in (False, True):
            variants.append((f"b64-u{urlsafe:d}-p{pad:d}", _b64(secret, urlsafe=urlsafe, pad=pad)))
    for prefix in ("", "a", "ab", "x-access-token:", "user:", "someone:"):
        variants.append((f"basic-{prefix!r}", _b64(prefix + secret)))
        variants.append((f"basic2-{prefix!r}", _b64(_b64(prefix + secret + "\n"))))
    return variants


LITERAL_SECRETS = [BOT_TOKEN, "p@ss/w:rd+x y&z=1", "Sécrét-ünïcode-€"]


ADVERSARIAL = {
    "github-prefixes": "ghp_" * 262_144,
    "pem-begins": ("-----BEGIN " + "PRIVATE KEY-----\n") * 40_000,
    "pem-begin-base64": "-----BEGIN " + "PRIVATE KEY-----\n" + ("A" * 63 + "\n") * 16_384,
    "assignments": "password=" * 116_000,
    "jwt-like": "eyJ" + "a" * 1_048_576,
    "jwt-dots": "eyJaaaaa.eyJaaaaa." * 58_000,
    "url-userinfo": "https://" + "a:" * 524_288,
    "schemes": "a://" * 262_144,
    "auth-headers": "Authorization: " * 70_000,
    "base64-run": "QUJD" * 262_144,
    "equals": "=" * 1_048_576,
}


@pytest.mark.parametrize(("text", "secret", "kind"), SHAPES)
def test_credential_shapes(text: str, secret: str, kind: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert marker(kind) in result.text
    assert kind in result.kinds
    assert result.count >= 1


@pytest.mark.parametrize("text", BENIGN)
def test_benign_text_is_left_alone(text: str) -> None:
    result = Redactor([BOT_TOKEN]).redact(text)
    assert result.text == text
    assert result.count == 0


def test_markers_do_not_look_like_secrets() -> None:
    for kind in ("github-token", "secret", "secret-base64x2", "private-key"):
        assert redact(marker(kind)).count == 0


def test_every_credential_shape_has_a_case() -> None:
    """A new row in secrets.PATTERNS without a case in SHAPES fails here."""
    from autorecover.core.text.secrets import PATTERNS

    tested = {case.values[2] for case in SHAPES}
    kinds = {kind for _, kind, _ in PATTERNS}
    assert kinds <= tested, f"no case for {sorted(kinds - tested)}"

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

from autorecover.core.text.redact import MIN_SECRET_LENGTH, Redactor, derived_forms, marker, redact
from testing.secrets import (
    AKIA,
    BOT_TOKEN,
    GHP,
    GHS,
    JWT,
    PAT,
    PEM,
    PEM_BODY,
    SHAPES,
)
from testing.timing import QUARTER_RATIO_LIMIT, quarter_ratio


def _b64(data: str | bytes, *, urlsafe: bool = False, pad: bool = True) -> str:
    raw = data.encode() if isinstance(data, str) else data
    out = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return out if pad else out.rstrip("=")


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            f"url https://x-access-token:{BOT_TOKEN}@github.com/o/r.git",
            "url https://[REDACTED url-credentials]@github.com/o/r.git",
            id="url-keeps-scheme-and-host",
        ),
        pytest.param(
            "Authorization: Bearer abc.def-123_x",
            "Authorization: Bearer [REDACTED authorization-header]",
            id="header-keeps-scheme",
        ),
        pytest.param(
            f"GITHUB_TOKEN={GHP}", "GITHUB_TOKEN=[REDACTED github-token]", id="assignment-kind"
        ),
        pytest.param(
            # The key's lines stay, empty, so redacted text splits into the lines it had.
            f"{PEM}\nnext line",
            "[REDACTED private-key]" + "\n" * (PEM.count("\n") + 1) + "next line",
            id="pem-stops-at-end",
        ),
        pytest.param(
            "-----BEGIN " + "PRIVATE KEY-----\n" + "A" * 64 + "\nError: bad key\n",
            "[REDACTED private-key]\n\nError: bad key\n",
            id="pem-unterminated-keeps-prose",
        ),
        pytest.param(
            'password="hunter22" user=x', 'password="[REDACTED secret-assignment]" user=x', id="q"
        ),
    ],
)
def test_redaction_exact(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize("secret", LITERAL_SECRETS, ids=["token", "punctuation", "unicode"])
def test_literal_secret_in_every_encoding(secret: str) -> None:
    redactor = Redactor([secret])
    for name, variant in _literal_variants(secret):
        text = f"before {variant} after"
        out = redactor.redact(text).text
        assert secret not in out, name
        assert variant not in out, name
        for form in derived_forms(secret):
            assert form not in out, (name, form)
        assert out.startswith("before ") and out.endswith(" after"), (name, out)


def test_basic_auth_header_is_removed_whole() -> None:
    header = "AUTHORIZATION: basic " + _b64("x-access-token:" + BOT_TOKEN)
    # Even without the header pattern, the literal pass widens to the whole base64 string.
    out = Redactor([BOT_TOKEN]).redact(header.split(" ", 2)[2]).text
    assert out == marker("secret-base64")


def test_multiline_secret_lines_are_secrets_too() -> None:
    secret = "first-line-value\nsecond-line-value"
    out = Redactor([secret]).redact("x second-line-value y").text
    assert out == f"x {marker('secret')} y"


@pytest.mark.parametrize("short", ["", "     ", "abc", "a" * (MIN_SECRET_LENGTH - 1)])
def test_short_literals_are_ignored(short: str) -> None:
    text = "abc aaaaa said hello"
    assert Redactor([short]).redact(text).text == text
    assert derived_forms(short) == ()


def test_T19_log_leaves_nothing() -> None:
    log = "\n".join(
        [
            f"ghp {GHP}",
            f"ghs {GHS}",
            f"pat {PAT}",
            f"aws {AKIA}",
            f"jwt {JWT}",
            "index https://u:p4ssw0rd@h.example/simple",
            PEM,
            f"b64 {_b64(BOT_TOKEN)}",
            f"b64x2 {_b64(_b64(BOT_TOKEN))}",
            f"urlenc {quote(BOT_TOKEN)}",
            f"hex {BOT_TOKEN.encode().hex()}",
            f"basic {_b64('x-access-token:' + BOT_TOKEN)}",
        ]
    )
    result = Redactor([BOT_TOKEN]).redact(log)
    for needle in [GHP, GHS, PAT, AKIA, JWT, "p4ssw0rd", PEM_BODY[0], PEM_BODY[1], BOT_TOKEN]:
        assert needle not in result.text
    for form in derived_forms(BOT_TOKEN):
        assert form not in result.text
    assert result.count == 12
    assert set(result.kinds) >= {
        "github-token",
        "aws-access-key-id",
        "jwt",
        "url-credentials",
        "private-key",
        "secret-base64",
        "secret-base64x2",
        "secret",
    }


def test_redaction_is_idempotent() -> None:
    log = "\n".join(str(case.values[0]) for case in SHAPES)
    redactor = Redactor([BOT_TOKEN])
    once = redactor.redact(log)
    twice = redactor.redact(once.text)
    assert twice.text == once.text
    assert twice.count == 0


def test_lone_surrogates_do_not_break_redaction() -> None:
    out = redact(f"\ud800 {GHP}").text
    assert out == f"\ufffd {marker('github-token')}"


def test_callable_and_counts() -> None:
    redactor = Redactor([BOT_TOKEN])
    assert redactor(f"a {BOT_TOKEN} b {BOT_TOKEN}") == f"a {marker('secret')} b {marker('secret')}"
    assert redactor.redact(f"{BOT_TOKEN} {GHP}").counts == {"secret": 1, "github-token": 1}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_linear_time_on_one_megabyte_line(text: str) -> None:
    redactor = Redactor([BOT_TOKEN, "p@ss/w:rd+x y&z=1"])
    assert quarter_ratio(redactor.redact, text) < QUARTER_RATIO_LIMIT

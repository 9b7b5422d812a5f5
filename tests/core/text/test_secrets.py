"""Secret redaction (docs/security.md#s6, #t19): no credential shape or known secret survives, in any
encoding.

Every credential below is fake and assembled at run time, so this file holds no string that a secret
scanner (GitHub push protection included) would take for a real token.
"""

from __future__ import annotations

import pytest

from autorecover.core.text.redact import Redactor, marker, redact
from testing.secrets import (
    BOT_TOKEN,
    SHAPES,
)

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

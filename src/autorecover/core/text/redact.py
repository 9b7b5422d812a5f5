"""Remove secrets from text before it is written anywhere (docs/security.md#s6, #tm11, #t19).

GitHub's own log masking "looks for exact matches of any configured secrets, as well as common
encodings of the values ... this redaction is not guaranteed" (docs, "Secrets reference"), and
only for secrets the job used. What slips through stays in every issue we copy it into, long
after the log is deleted. The tj-actions/changed-files compromise (CVE-2025-30066) printed
secrets *double* base64-encoded precisely because the masker does not look for that. So before
any write, text goes through :class:`Redactor`, which removes

* well-known credential shapes (GitHub, AWS, Google, Slack, Stripe, npm, PyPI tokens, JWTs,
  ``Authorization`` headers, ``scheme://user:password@`` URLs, PEM private keys, and
  ``password=``/``token:``-style assignments with a real-looking value), and
* every literal secret the caller knows (the action's own token first), raw and as it appears
  hex-, URL-, JSON-, base64- or double-base64-encoded, also when it sat at any byte offset inside
  the encoded string (``base64("x-access-token:" + token)`` in a git ``Authorization: basic``
  header) and when ``base64`` wrapped the output at 76 columns.

Pure: no I/O. Every pattern runs in RE2, so redaction is linear in the text length, also on
adversarial input (docs/security.md#s8).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

import re2

from autorecover.core.text.mdsafe import replace_surrogates
from autorecover.core.text.secrets import (
    COMBINED,
    HAS_VALUE,
    PATTERNS,
    TOKEN_PATTERNS,
    TOKENS,
    WRAP,
)

# Shorter literals would mask ordinary words and numbers all over the log.
MIN_SECRET_LENGTH = 6


def _group_numbers(pattern: Any, names: Iterable[str]) -> tuple[tuple[int, str], ...]:
    # The re2 wrapper rebuilds its name->number dict on every m.group("name"): look names up
    # once and use numbers (it was a third of the time on a line full of matches).
    index: dict[str, int] = pattern.groupindex
    return tuple((index[name], name) for name in names)


_ALTERNATIVES = _group_numbers(COMBINED, (name for name, _, _ in PATTERNS))
_KIND = {name: kind for name, kind, _ in PATTERNS}
_VALUE_GROUPS = {
    name: (COMBINED.groupindex[f"{name}__pre"], COMBINED.groupindex[f"{name}__val"])
    for name in HAS_VALUE
}
_TOKEN_ALTERNATIVES = _group_numbers(TOKENS, (name for name, _, _ in TOKEN_PATTERNS))
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")

# Values that fill a secret-looking slot without being a secret: placeholders, masked values,
# expressions, and words that error messages put there ("token: expired").
_TRIVIAL_VALUES = frozenset(
    {
        "none",
        "null",
        "nil",
        "true",
        "false",
        "undefined",
        "required",
        "missing",
        "invalid",
        "expired",
        "empty",
        "redacted",
        "masked",
        "hidden",
        "unset",
        "example",
        "changeme",
    }
)


def marker(kind: str) -> str:
    """The replacement text; it matches none of the patterns above, so redaction is idempotent."""
    return f"[REDACTED {kind}]"


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """Redacted text plus what was removed (kind -> count), for the step summary."""

    text: str
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self.counts))


def _b64_fragment(data: bytes, offset: int, *, urlsafe: bool = False) -> str:
    """The part of base64(prefix + data + suffix) fixed by ``data`` alone, for len(prefix) % 3.

    base64 maps 3 bytes to 4 characters; the characters that straddle the prefix or the suffix
    depend on bytes we do not know, the others only on ``data``. Encoding ``offset`` zero
    bytes in front and keeping the characters whose 6 bits all fall inside ``data`` gives a
    substring present in the encoding wherever the secret sits.
    """
    encoded = base64.b64encode(b"\0" * offset + data)
    if urlsafe:
        encoded = encoded.replace(b"+", b"-").replace(b"/", b"_")
    start = (8 * offset + 5) // 6
    end = 8 * (offset + len(data)) // 6
    return encoded[start:end].decode("ascii")


def _exact_forms(secret: str) -> set[str]:
    raw = secret.encode("utf-8")
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        binascii.hexlify(raw).decode("ascii"),
        binascii.hexlify(raw).decode("ascii").upper(),
    }
    # Percent-escapes are case-insensitive; quote() writes upper case, many clients lower.
    forms |= {_lower_escapes(f) for f in forms if "%" in f}
    return forms


def _lower_escapes(text: str) -> str:
    parts = text.split("%")
    return parts[0] + "".join("%" + p[:2].lower() + p[2:] for p in parts[1:])


def _base64_forms(secret: str) -> tuple[set[str], set[str]]:
    """(single, double) base64 fragments of ``secret`` at every offset, both alphabets.

    Also of its JSON-escaped form: a secret inside an encoded JSON document (the runner memory
    dump of the tj-actions payload) has non-ASCII characters as ``\\uXXXX``.
    """
    plain = {secret.encode("utf-8"), json.dumps(secret)[1:-1].encode("ascii")}
    single = {
        _b64_fragment(raw, k, urlsafe=u) for raw in plain for k in range(3) for u in (False, True)
    }
    double = {
        _b64_fragment(inner.encode("ascii"), j, urlsafe=u)
        for inner in single
        for j in range(3)
        for u in (False, True)
    }
    return {f for f in single if f}, {f for f in double if f}


def derived_forms(secret: str) -> tuple[str, ...]:
    """Every literal string to look for (or to ``::add-mask::``) for one secret.

    Base64 entries are fragments: substrings present in any base64 (or double base64) string
    that contains the secret, whatever came before it.
    """
    secret = secret.strip()
    if len(secret) < MIN_SECRET_LENGTH:
        return ()
    single, double = _base64_forms(secret)
    return tuple(sorted(_exact_forms(secret) | single | double, key=lambda s: (-len(s), s)))


def _literal_alternation(forms: Iterable[str], *, wrapped: bool) -> str:
    # Longest first so a form that contains another is preferred at the same position.
    ordered = sorted(set(forms), key=lambda s: (-len(s), s))
    if not wrapped:
        return "|".join(re2.escape(f) for f in ordered)
    return "|".join(WRAP.join(re2.escape(c) for c in f) for f in ordered)


def _secret_values(secrets: Iterable[str]) -> list[str]:
    values: set[str] = set()
    for secret in secrets:
        # A multi-line secret (a key, a JSON blob) can be printed one line at a time.
        for candidate in (secret, *secret.splitlines()):
            stripped = candidate.strip()
            if len(stripped) >= MIN_SECRET_LENGTH:
                values.add(stripped)
    return sorted(values)


def _unquote(value: str) -> tuple[str, str]:
    """Split surrounding quotes off a value: ``'"abc"'`` -> (``'abc'``, ``'"'``)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1], value[0]
    return value, ""


def _plausible(name: str, value: str) -> bool:
    """Whether a value in a secret-shaped slot looks like a real secret worth removing."""
    if not value or value.startswith("[REDACTED") or set(value) <= {"*"}:
        return False
    if name == "url":
        password = value.partition(":")[2]
        return bool(password) and not set(password) <= {"*"}
    if name == "bearer":
        return len(value) >= 8
    if name in ("assign", "flag"):
        if len(value) < 4 or value[0] in "$%{<(!*":
            return False
        return value.lower() not in _TRIVIAL_VALUES
    return True


class Redactor:
    """Removes credential shapes and the given literal secrets from text.

    Build one per run with every secret value the caller knows (the action's token, anything
    read from inputs) and reuse it: the patterns are compiled once.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = _secret_values(secrets)
        exact: set[str] = set()
        single: set[str] = set()
        double: set[str] = set()
        for value in values:
            exact |= _exact_forms(value)
            one, two = _base64_forms(value)
            single |= one
            double |= two
        self._exact: Any = None
        self._encoded: Any = None
        if values:
            self._exact = re2.compile(_literal_alternation(exact, wrapped=False))
            self._encoded = re2.compile(
                f"(?P<one>{_literal_alternation(single, wrapped=True)})"
                f"|(?P<two>{_literal_alternation(double, wrapped=True)})"
            )

    def redact(self, text: str) -> RedactionResult:
        counts: dict[str, int] = {}
        text, _ = replace_surrogates(text)
        if self._exact is not None:
            text = _sub(self._exact, _lines_kept(lambda m: _count(counts, "secret")), text)
            text = self._redact_encoded(text, counts)
        text = _sub(COMBINED, _lines_kept(lambda m: self._replace_pattern(m, counts)), text)
        return RedactionResult(text, counts)

    def __call__(self, text: str) -> str:
        return self.redact(text).text

    def _redact_encoded(self, text: str, counts: dict[str, int]) -> str:
        """Replace every base64 string holding a fragment of a secret, whole.

        Widening to the whole string leaves no bits of the secret beside the marker (it removes
        the entire ``Basic ...`` credential). The widening is done here, not with a leading
        ``[A-Za-z0-9+/_-]*`` in the pattern, which would make RE2 rescan long base64 runs after
        every match; here each character is visited at most once.
        """
        pieces: list[str] = []
        last = 0  # end of the text already copied or replaced
        for m in self._encoded.finditer(text):
            start, end = m.span()
            kind = "secret-base64" if m.group("one") is not None else "secret-base64x2"
            if start < last:
                # A wrapped fragment continuing past the run already replaced: extend it.
                start = last
            else:
                while start > last and text[start - 1] in _B64_CHARS:
                    start -= 1
                pieces.append(text[last:start])
                pieces.append(_count(counts, kind))
            pieces.append("\n" * text.count("\n", start, m.end()))
            while end < len(text) and text[end] in _B64_CHARS:
                end += 1
            for _ in range(2):
                if end < len(text) and text[end] == "=":
                    end += 1
            last = max(last, end)
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    @staticmethod
    def _replace_pattern(m: Any, counts: dict[str, int]) -> str:
        name = next(name for number, name in _ALTERNATIVES if m.span(number)[0] >= 0)
        if name not in _VALUE_GROUPS:
            return _count(counts, _KIND[name])
        whole: str = m.group(0)
        pre_group, val_group = _VALUE_GROUPS[name]
        prefix: str = m.group(pre_group)
        raw_value: str = m.group(val_group)
        suffix = whole[len(prefix) + len(raw_value) :]
        value, quote_char = _unquote(raw_value)
        plausible = _plausible(name, value)
        if name in ("assign", "flag") or not plausible:
            # Name a known token inside the value for what it is ("token: ghp_..."), and find
            # one inside a value that is no secret by itself ("${X:-ghp_...}").
            inner = _sub(TOKENS, lambda t: _count(counts, _token_kind(t)), value)
            if inner != value or not plausible:
                return f"{prefix}{quote_char}{inner}{quote_char}{suffix}"
        return f"{prefix}{quote_char}{_count(counts, _KIND[name])}{quote_char}{suffix}"


def _lines_kept(repl: Callable[[Any], str]) -> Callable[[Any], str]:
    """A replacement that keeps the line count: a secret printed over several lines (a
    private key) becomes its marker and as many empty lines, so text redacted as a whole
    can be split back into the lines it came from (docs/security.md#t19)."""

    def replace(m: Any) -> str:
        text = repl(m)
        matched: str = m.group(0)
        return text + "\n" * max(matched.count("\n") - text.count("\n"), 0)

    return replace


def _token_kind(m: Any) -> str:
    return next(_KIND[name] for number, name in _TOKEN_ALTERNATIVES if m.span(number)[0] >= 0)


def _count(counts: dict[str, int], kind: str) -> str:
    """Record one redaction of ``kind`` and return its marker."""
    counts[kind] = counts.get(kind, 0) + 1
    return marker(kind)


def _sub(pattern: Any, repl: Callable[[Any], str], text: str) -> str:
    result: str = pattern.sub(repl, text)
    return result


def redact(text: str, secrets: Iterable[str] = ()) -> RedactionResult:
    """One-off redaction; build a :class:`Redactor` to redact many texts."""
    return Redactor(secrets).redact(text)

"""Failure fingerprints: stable across runs, so one failure maps to one issue and one PR.

category + rule + what identifies the failure, with run-specific noise (timestamps, paths,
ids, durations, line numbers) removed. RE2 throughout: this runs on attacker text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import re2

from autorecover.core.models import Category
from autorecover.core.rules.schema import PLACEHOLDER_RE

# Run-specific noise removed before hashing, so the same failure on another day, runner
# or commit hashes the same. RE2: this runs on attacker-controlled text.
_NOISE: tuple[tuple[object, bytes], ...] = tuple(
    (re2.compile(pattern), replacement)
    for pattern, replacement in (
        (rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?", b"<time>"),
        (rb"\b\d\d:\d\d:\d\d(?:\.\d+)?\b", b"<time>"),
        (
            rb"(?:/home/runner/work|/Users/runner/work|[A-Za-z]:\\a)[/\\][^/\\\s]+[/\\][^/\\\s]+",
            b"",
        ),
        (rb"/(?:tmp|var/folders|private/var)/[^\s'\":]+", b"<tmp>"),
        (rb"[A-Za-z]:\\Users\\[^\\]+\\AppData\\Local\\Temp\\[^\s'\":]+", b"<tmp>"),
        (
            rb"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
            b"<uuid>",
        ),
        (rb"\b(?:0x)?[0-9a-fA-F]{7,}\b", b"<hex>"),
        (rb"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|m|min|minutes|h|hours)\b", b"<dur>"),
        (rb"\b\d+(?:\.\d+)?\s?(?:[KMGT]i?B|bytes)\b", b"<size>"),
        (rb":\d+(?::\d+)?", b":<n>"),
        (rb"\b(?:line|port|pid)\s+\d+", b"<n>"),
        (rb"\s+", b" "),
    )
)


def normalise_message(text: str) -> str:
    data = text.encode("utf-8", "replace")[:4096]
    for regex, replacement in _NOISE:
        data = regex.sub(replacement, data)  # type: ignore[attr-defined]
    return data.decode("utf-8", "replace").strip().lower()


def fingerprint(category: Category, rule: str, key: str) -> str:
    """16 hex digits of sha256(category, rule, normalised key); see `identity`."""
    message = normalise_message(key)
    digest = hashlib.sha256(f"{category}\x1f{rule}\x1f{message}".encode()).hexdigest()
    return digest[:16]


def identity(text: str, captures: Mapping[str, str], rule_title: str | None) -> str:
    """What makes two findings of one rule the same failure.

    Captures named in the rule's title identify it (the module, the test id); captures
    that only feed a fix (the files Black would reformat) do not; a rule without captures
    is identified by its normalised line.
    """
    if rule_title is not None:
        named = [name for name in PLACEHOLDER_RE.findall(rule_title) if captures.get(name)]
        if named:
            return " ".join(f"{name}={captures[name]}" for name in sorted(set(named)))
        if captures:
            return ""
    return text

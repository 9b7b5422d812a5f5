"""Workflow commands: what autorecover prints for the runner to act on (annotations, masks,
groups), and the fence that keeps the runner from acting on log text it prints.

The runner reads every line the action prints, on stdout and stderr, and executes the ones
that look like workflow commands (``::add-mask::``, ``::error::``, ``::stop-commands::``,
``##[group]`` ...). Log text from a fork is attacker-controlled, so printing it raw lets the
attacker issue commands as the bot (docs/security.md#s4, #t07). :func:`print_untrusted`
therefore escapes every line and wraps the block in a ``::stop-commands::<random>`` fence;
the runner behaviour it defends against is cited from ``actions/runner`` ``ActionCommand.cs``
and ``ActionCommandManager.cs``.
"""

from __future__ import annotations

import base64
import secrets
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

import re2

from autorecover.core.text import mdsafe
from autorecover.core.text.redact import MIN_SECRET_LENGTH, derived_forms

# Characters .NET's String.TrimStart() removes (Char.IsWhiteSpace) that are not escaped as
# controls below: TryParseV2 trims them before checking for "::".
_DOTNET_SPACES = " \t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Everything invisible or line-breaking except TAB: C0 (CR and LF included: .NET's ReadLine
# splits on a lone CR), DEL, C1 (NEL, U+0085, is trimmed by TrimStart), format characters
# (bidi controls, ZWSP: ignorable in ICU culture-sensitive StartsWith/IndexOf, which the runner's
# parser calls without StringComparison.Ordinal) and the Unicode line/paragraph separators.
_INVISIBLE = re2.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}]")


# ------------------------------------------------------------------------ workflow commands


def escape_data(value: str) -> str:
    """The toolkit's ``escapeData``: what the runner's ``UnescapeData`` turns back."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """The toolkit's ``escapeProperty``: properties also split on ``,`` and end at ``:``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _out(stream: TextIO | None) -> TextIO:
    return stream if stream is not None else sys.stdout


def issue_command(
    command: str,
    message: str = "",
    properties: Mapping[str, object] | None = None,
    *,
    stream: TextIO | None = None,
) -> None:
    """Print ``::command k=v,...::message`` with the toolkit's escaping."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (properties or {}).items()
        if value is not None and value != ""
    )
    head = f"{command} {props}" if props else command
    message, _ = mdsafe.replace_surrogates(message)
    out = _out(stream)
    out.write(f"::{head}::{escape_data(message)}\n")
    out.flush()


def annotate(
    message: str,
    *,
    level: str = "error",
    file: str | None = None,
    line: int | None = None,
    end_line: int | None = None,
    col: int | None = None,
    end_column: int | None = None,
    title: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """An `::error`, `::warning` or `::notice` annotation, pointing at a file if given."""
    if level not in ("error", "warning", "notice"):
        raise ValueError(f"unknown annotation level {level!r}")
    properties = {
        "title": title,
        "file": file,
        "line": line,
        "endLine": end_line,
        "col": col,
        "endColumn": end_column,
    }
    issue_command(level, message, properties, stream=stream)


def error(message: str, *, title: str | None = None, stream: TextIO | None = None) -> None:
    """An `::error` annotation without a location (the action's own failures)."""
    annotate(message, title=title, stream=stream)


@contextmanager
def group(title: str, *, stream: TextIO | None = None) -> Iterator[None]:
    """A collapsible group in the log (``::group::`` ... ``::endgroup::``)."""
    issue_command("group", title, stream=stream)
    try:
        yield
    finally:
        issue_command("endgroup", stream=stream)


# --------------------------------------------------------------------------------- masking


def add_mask(value: str, *, stream: TextIO | None = None) -> None:
    """Register ``value`` with the runner's log masker (``::add-mask::``).

    The runner masks within one output line, so a multi-line value is registered line by line.
    """
    for line in value.splitlines() or [value]:
        if line.strip():
            issue_command("add-mask", line, stream=stream)


def mask_secret(
    secret: str,
    *,
    usernames: tuple[str, ...] = ("x-access-token",),
    stream: TextIO | None = None,
) -> int:
    """Mask a token and the forms it takes in logs; return how many values were registered.

    Besides the token, registers the base64 forms a git ``Authorization: basic`` header carries
    (``base64("x-access-token:" + token)``, and for each of ``usernames``), and the URL-, hex-,
    base64- and double-base64 forms from `redact.derived_forms`. Call it before
    anything else is printed.
    """
    secret = secret.strip()
    if len(secret) < MIN_SECRET_LENGTH:
        return 0
    values = {secret, *derived_forms(secret)}
    for user in usernames:
        encoded = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
        values |= {encoded, encoded.rstrip("="), encoded.replace("+", "-").replace("/", "_")}
    for value in sorted(values, key=lambda v: (-len(v), v)):
        add_mask(value, stream=stream)
    return len(values)


# ------------------------------------------------------------------------ untrusted output


def _visible(m: Any) -> str:
    code = ord(m.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 CONTROL PICTURES: "␍", "␊", "␀" ...
    if code == 0x7F:
        return "\u2421"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_line(line: str) -> str:
    """Make one line of untrusted text impossible for the runner to read as a command.

    * Controls, format characters and line separators become visible escapes, so a lone CR
      (``\\r::error::x``) cannot start a new runner line, NEL and other characters .NET trims
      cannot hide a leading ``::``, and ICU-ignorable characters cannot fake one either.
    * A line whose first non-blank characters are ``::`` (``TryParseV2`` trims leading
      whitespace) gets ``: :`` instead.
    * ``##[`` anywhere becomes ``## [``: the legacy ``TryParse`` looks for ``##[`` with
      ``IndexOf``, not only at the line start, and the log viewer renders ``##[group]`` lines.

    Only visible ASCII is inserted: a zero-width character could be ignored by the runner's
    culture-sensitive string comparisons.
    """
    line, _ = mdsafe.replace_surrogates(line)
    line = str(_INVISIBLE.sub(_visible, line))
    body = line.lstrip(_DOTNET_SPACES)
    if body.startswith("::"):
        start = len(line) - len(body)
        line = line[:start] + ": :" + body[2:]
    return line.replace("##[", "## [")


def _runner_lines(text: str) -> list[str]:
    """Split as .NET ``StreamReader.ReadLine`` does: on CRLF, LF and a lone CR."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def print_untrusted(text: str, stream: TextIO | None = None) -> None:
    """Print text an attacker may control (log excerpts) so no line acts as a command.

    Each line goes through :func:`escape_line`, and the block is fenced with
    ``::stop-commands::<token>`` ... ``::<token>::``: until the runner sees the resume line it
    executes nothing (``ActionCommandManager.TryProcessCommand``). The token is 128 random bits,
    so the text cannot contain the resume line, and escaping still holds should it ever be
    printed without the fence being honoured.
    """
    lines = _runner_lines(text)
    if not lines:
        return
    token = secrets.token_hex(16)
    while token in text:
        token = secrets.token_hex(16)
    out = _out(stream)
    body = "".join(escape_line(line) + "\n" for line in lines)
    out.write(f"::stop-commands::{token}\n{body}::{token}::\n")
    out.flush()

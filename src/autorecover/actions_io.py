"""The GitHub Actions runner interface: inputs, outputs, step summary, annotations, masking.

This is the only module that writes ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY`` or workflow
commands. Functions take the environment mapping and the stream explicitly (defaulting to the
process's) so tests need no process state.

The runner reads every line the action prints, on stdout and stderr, and executes the ones
that look like workflow commands (``::add-mask::``, ``::error::``, ``::stop-commands::``,
``##[group]`` ...). Log text from a fork is attacker-controlled, so printing it raw lets the
attacker issue commands as the bot (security.md S4, T07). :func:`print_untrusted` therefore
escapes every line and wraps the block in a ``::stop-commands::<random>`` fence; the runner
behaviour it defends against is cited from ``actions/runner`` ``ActionCommand.cs`` and
``ActionCommandManager.cs``.
"""

from __future__ import annotations

import base64
import json
import math
import os
import secrets
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO, overload

import re2

from autorecover import mdsafe
from autorecover.errors import UserError
from autorecover.redact import MIN_SECRET_LENGTH, derived_forms

# FileCommandManager.cs: AttachmentSizeLimit = 1024 * 1024 bytes per step; over it the runner
# aborts the upload ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of
# 1024k") and the whole summary is lost.
SUMMARY_LIMIT = 1024 * 1024
SUMMARY_MARKER = "> **Note**: the rest of this summary was cut to stay under GitHub's 1 MiB limit."
# "Outputs can be a maximum of 1 MB per job ... approximated based on UTF-16 encoding."
OUTPUT_LIMIT = 1024 * 1024

_BOOL_VALUES = {
    "true": True,
    "yes": True,
    "1": True,
    "false": False,
    "no": False,
    "0": False,
}
_OUTPUT_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_OUTPUT_NAME_CHARS = _OUTPUT_NAME_START | frozenset("0123456789-")

# Characters .NET's String.TrimStart() removes (Char.IsWhiteSpace) that are not escaped as
# controls below: TryParseV2 trims them before checking for "::".
_DOTNET_SPACES = " \t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Everything invisible or line-breaking except TAB: C0 (CR and LF included: .NET's ReadLine
# splits on a lone CR), DEL, C1 (NEL, U+0085, is trimmed by TrimStart), format characters
# (bidi controls, ZWSP: ignorable in ICU culture-sensitive StartsWith/IndexOf, which the runner's
# parser calls without StringComparison.Ordinal) and the Unicode line/paragraph separators.
_INVISIBLE = re2.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}]")


def is_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


# ---------------------------------------------------------------------------------- inputs


def input_env_name(name: str) -> str:
    """``dry-run`` -> ``INPUT_DRY-RUN``: the runner upper-cases, turns spaces into ``_`` and
    keeps hyphens (runner ``Handler.cs:185``:
    ``$"INPUT_{key.Replace(' ', '_').ToUpperInvariant()}"``).
    """
    return "INPUT_" + name.replace(" ", "_").upper()


def _shown(value: str) -> str:
    return repr(mdsafe.cap(value, 60))


@overload
def get_input(
    name: str, environ: Mapping[str, str], default: str, required: bool = False
) -> str: ...
@overload
def get_input(
    name: str, environ: Mapping[str, str], default: None = None, required: bool = False
) -> str | None: ...
def get_input(
    name: str, environ: Mapping[str, str], default: str | None = None, required: bool = False
) -> str | None:
    """An input's value, stripped; ``default`` when unset or blank.

    The runner sets every declared input, an empty string when the workflow gave none and
    action.yml has no default, so blank counts as missing.
    """
    value = environ.get(input_env_name(name), "").strip()
    if value:
        return value
    if required:
        raise UserError(f"Input required and not supplied: {name}")
    return default


def get_bool_input(
    name: str, environ: Mapping[str, str], default: bool = False, required: bool = False
) -> bool:
    """true/false, yes/no or 1/0 in any case; anything else is a :class:`UserError`."""
    value = get_input(name, environ, required=required)
    if value is None:
        return default
    try:
        return _BOOL_VALUES[value.lower()]
    except KeyError:
        raise UserError(
            f"Input '{name}' must be true or false (yes/no and 1/0 also work), got {_shown(value)}"
        ) from None


def _check_bounds(name: str, number: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and maximum is not None and not minimum <= number <= maximum:
        raise UserError(f"Input '{name}' must be between {minimum} and {maximum}, got {number}")
    if minimum is not None and number < minimum:
        raise UserError(f"Input '{name}' must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise UserError(f"Input '{name}' must be at most {maximum}, got {number}")


@overload
def get_int_input(
    name: str,
    environ: Mapping[str, str],
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int: ...
@overload
def get_int_input(
    name: str,
    environ: Mapping[str, str],
    default: None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int | None: ...
def get_int_input(
    name: str,
    environ: Mapping[str, str],
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int | None:
    """A whole number within [minimum, maximum]; ``default`` when unset (not bounds-checked)."""
    value = get_input(name, environ, required=required)
    if value is None:
        return default
    try:
        number = int(value, 10)
    except ValueError:
        raise UserError(f"Input '{name}' must be a whole number, got {_shown(value)}") from None
    _check_bounds(name, number, minimum, maximum)
    return number


@overload
def get_float_input(
    name: str,
    environ: Mapping[str, str],
    default: float,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    required: bool = False,
) -> float: ...
@overload
def get_float_input(
    name: str,
    environ: Mapping[str, str],
    default: None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    required: bool = False,
) -> float | None: ...
def get_float_input(
    name: str,
    environ: Mapping[str, str],
    default: float | None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    required: bool = False,
) -> float | None:
    """A finite number within [minimum, maximum]; ``default`` when unset."""
    value = get_input(name, environ, required=required)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise UserError(f"Input '{name}' must be a number, got {_shown(value)}")
    _check_bounds(name, number, minimum, maximum)
    return number


# --------------------------------------------------------------------------------- outputs


def _output_text(value: object) -> str:
    # The toolkit's toCommandValue: strings as they are, everything else as JSON.
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def set_output(name: str, value: object, environ: Mapping[str, str]) -> bool:
    """Append ``name`` = ``value`` to the ``GITHUB_OUTPUT`` file; False when not on a runner.

    Uses the heredoc form ``name<<DELIM`` / value / ``DELIM`` (the toolkit's
    ``prepareKeyValueMessage``), so values may span lines, with a random delimiter that does not
    occur in the value: otherwise a value line equal to the delimiter would end it early and
    the lines after would set other outputs. Values must not be untrusted text (S3): a later
    step may expand them into a shell with ``${{ steps.x.outputs.y }}``.
    """
    if not name or name[0] not in _OUTPUT_NAME_START or not set(name) <= _OUTPUT_NAME_CHARS:
        raise ValueError(f"invalid output name {name!r}")
    text, _ = mdsafe.replace_surrogates(_output_text(value))
    if len(text.encode("utf-16-le")) > OUTPUT_LIMIT:
        raise ValueError(f"output {name!r} is larger than GitHub's 1 MB output limit")
    path = environ.get("GITHUB_OUTPUT")
    if not path:
        return False
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in text:
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
    return True


# ---------------------------------------------------------------------------- step summary


def append_summary(
    markdown: str,
    environ: Mapping[str, str],
    *,
    stderr: TextIO | None = None,
    limit: int = SUMMARY_LIMIT,
) -> bool:
    """Append Markdown to the step summary; True when it was written.

    Never raises for a missing ``GITHUB_STEP_SUMMARY`` or an unwritable file, so error paths can
    call it: the Markdown then goes to stderr, fenced like any untrusted text. The file is kept
    under the runner's per-step limit counting what earlier calls wrote, cutting this text with
    a note rather than letting the runner drop the whole summary.
    """
    err = stderr if stderr is not None else sys.stderr
    markdown, _ = mdsafe.replace_surrogates(markdown)
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        _summary_fallback(markdown, "GITHUB_STEP_SUMMARY is not set", err)
        return False
    try:
        used = os.path.getsize(path) if os.path.exists(path) else 0
        budget = limit - used - 1  # the newline added below
        if budget < len(SUMMARY_MARKER.encode("utf-8")) + 16:
            _summary_fallback(markdown, "the step summary is already at its size limit", err)
            return False
        text = mdsafe.cap_body(markdown, budget, marker=SUMMARY_MARKER, unit="utf8").text
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        _summary_fallback(markdown, f"cannot write the step summary: {exc}", err)
        return False
    return True


def _summary_fallback(markdown: str, reason: str, stream: TextIO) -> None:
    try:
        stream.write(f"autorecover: {escape_line(reason)}; the summary follows.\n")
        print_untrusted(markdown, stream)
    except (OSError, ValueError):
        pass  # stderr itself is gone; nothing left to report to


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
    base64- and double-base64 forms from :func:`autorecover.redact.derived_forms`. Call it before
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

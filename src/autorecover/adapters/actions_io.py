"""The GitHub Actions runner's files: inputs, outputs and the step summary.

This is the only module that writes ``GITHUB_OUTPUT`` or ``GITHUB_STEP_SUMMARY``
(workflow commands are in workflow_commands.py). Functions take the environment mapping and
the stream explicitly (defaulting to the process's) so tests need no process state.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import uuid
from collections.abc import Mapping
from typing import TextIO, overload

from autorecover.adapters.workflow_commands import escape_line, print_untrusted
from autorecover.constants import CONFIDENCE_MAX, CONFIDENCE_MIN, CONFIG_PATH, REPORT_FILE
from autorecover.core.settings import Inputs
from autorecover.core.text import mdsafe
from autorecover.errors import UserError

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


def is_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


# ---------------------------------------------------------------------------------- inputs


def runner_temp(environ: Mapping[str, str]) -> str:
    """RUNNER_TEMP when it is a directory here, else the system's temporary directory. The
    runner passes RUNNER_TEMP to a container action without mounting it: the container sees
    /github/home, /github/workflow, /github/file_commands and /github/workspace only
    (https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions),
    so inside the image the variable names a directory that does not exist."""
    temp = environ.get("RUNNER_TEMP", "")
    return temp if temp and os.path.isdir(temp) else tempfile.gettempdir()


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


def read_inputs(environ: Mapping[str, str], temp: str) -> Inputs:
    """The inputs action.yml declares, parsed and bounds-checked; their defaults, which the
    runner passes for inputs a workflow leaves out, are resolved in core/settings.py."""
    token = get_input("github-token", environ, default="")
    if not token:
        raise UserError(
            "the github-token input is empty; pass `github-token: ${{ github.token }}` "
            "(the default) or a GitHub App / fine-grained token"
        )
    report = get_input("report-path", environ, default="") or os.path.join(temp, REPORT_FILE)
    return Inputs(
        token=token,
        config_path=get_input("config", environ, default=CONFIG_PATH),
        dry_run=get_bool_input("dry-run", environ, default=False),
        min_confidence=get_float_input(
            "min-confidence", environ, minimum=CONFIDENCE_MIN, maximum=CONFIDENCE_MAX
        ),
        max_reruns=get_int_input("max-reruns", environ, minimum=0),
        backoff_seconds=get_float_input("rerun-backoff-seconds", environ, minimum=0.0),
        backoff_max_seconds=get_float_input("rerun-backoff-max-seconds", environ, minimum=0.0),
        report_path=report,
    )


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
    occur in the value: otherwise a value line equal to the delimiter would end it early and the
    lines after would set other outputs. Values must not be untrusted text (docs/security.md#s3): a
    later step may expand them into a shell with ``${{ steps.x.outputs.y }}``.
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

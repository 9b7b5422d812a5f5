"""The two kinds of failure the CLI and the action distinguish.

A `UserError` is something the person running autorecover can fix (a missing file, an
invalid rule, a missing permission); it is printed as one line and exits 1. Anything
else escaping to the error boundary is a bug in autorecover and exits 3.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_BUG = 3


class UserError(Exception):
    """A clear, actionable problem with the input; the message is shown as-is."""


class ConfigError(UserError):
    """An invalid `.github/autorecover.yml` or rule; the message names the key path."""


class LogError(UserError):
    """A log that cannot be read: missing, a directory, empty, binary, a bad zip."""

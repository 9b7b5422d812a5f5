"""The prologue that cuts a command off the network (docs/security.md#s2): the command runs
exactly as given, its exit status comes back, and the filter holds across every exec."""

from __future__ import annotations

import subprocess
import sys

import pytest

from autorecover.adapters import nonet

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="seccomp is Linux's")

CONNECT = (
    "import socket, sys\n"
    "try:\n"
    "    socket.create_connection(('127.0.0.1', 9), timeout=2)\n"
    "except OSError as exc:\n"
    "    sys.exit(exc.errno)\n"
)


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    wrapped = nonet.wrap(argv, sys.executable)
    return subprocess.run(wrapped, capture_output=True, text=True, check=False, timeout=60)


def test_the_command_runs_as_given_and_its_status_comes_back() -> None:
    assert nonet.wrap(["a", "b c"], "/py")[:3] == ["/py", "-I", "-c"]
    assert nonet.wrap(["a", "b c"], "/py")[-2:] == ["a", "b c"]
    done = run([sys.executable, "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "x y", "'"])
    assert (done.returncode, done.stdout.strip()) == (3, "['x y', \"'\"]")


def test_a_connection_is_refused_even_through_a_shell_and_another_exec() -> None:
    direct = run([sys.executable, "-c", CONNECT])
    assert direct.returncode == 13  # EACCES from the filter, not ECONNREFUSED (111)
    shell = run(["/bin/sh", "-c", f'exec "{sys.executable}" -c "$0"', CONNECT])
    assert shell.returncode == 13


def test_without_the_prologue_the_same_probe_reaches_the_network_stack() -> None:
    """The control: unfiltered, the probe gets as far as the connection (refused by the
    closed port, or another network error), never EACCES."""
    plain = subprocess.run([sys.executable, "-c", CONNECT], capture_output=True, check=False)
    assert plain.returncode not in (0, 13)

"""Run a command without network access: a seccomp filter refuses it Internet sockets.

A container action cannot create a network namespace (Docker's default capabilities and
seccomp profile answer EPERM to ``unshare(CLONE_NEWNET)``), but any process may install a
seccomp filter on itself once it has set ``no_new_privs``; the filter then holds for
everything it executes. :func:`wrap` puts a small Python prologue in front of a command:
it installs a filter under which ``socket(AF_INET | AF_INET6 | AF_PACKET, ...)`` fails with
EACCES, then ``execv``s the command. Unix sockets and pipes keep working (black's process
pool uses them). The formatters get no network this way (docs/security.md#s2).

Linux only, x86_64 and aarch64: elsewhere the prologue runs the command as it is, and on
Linux it refuses to run it (exit 126) when the filter cannot be installed: fail closed.
Kernel interface: seccomp(2), ``struct seccomp_data`` (nr, arch, ip, args[6]).
"""

from __future__ import annotations

from collections.abc import Sequence

EXIT_NO_FILTER = 126

# The prologue, run as `python -I -c PROLOGUE <argv...>`. It imports nothing of autorecover:
# it runs under the formatter's user, before any of the tool's code.
PROLOGUE = r"""
import ctypes, os, platform, struct, sys
argv = sys.argv[1:]
ARCHES = {"x86_64": (0xC000003E, (41, 0x40000000 | 41)), "aarch64": (0xC00000B7, (198,))}
machine = platform.machine()
if sys.platform == "linux" and machine in ARCHES:
    arch, numbers = ARCHES[machine]
    ALLOW, DENY = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO|EACCES
    LD, JEQ, RET = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    domains = (2, 10, 17)  # AF_INET, AF_INET6, AF_PACKET
    prog = [(LD, 0, 0, 4), (JEQ, 1, 0, arch), (RET, 0, 0, ALLOW), (LD, 0, 0, 0)]
    for i, nr in enumerate(numbers):
        prog.append((JEQ, len(numbers) - i, 0, nr))
    prog.append((RET, 0, 0, ALLOW))
    prog.append((LD, 0, 0, 16))  # args[0], the socket's domain
    for i, domain in enumerate(domains):
        prog.append((JEQ, len(domains) - i, 0, domain))
    prog += [(RET, 0, 0, ALLOW), (RET, 0, 0, DENY)]
    code = b"".join(struct.pack("HBBI", *op) for op in prog)
    buffer = ctypes.create_string_buffer(code)
    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    fprog = Prog(len(prog), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0):
        sys.stderr.write("autorecover: cannot cut the tool off the network (seccomp: %s); "
                         "not running it\n" % os.strerror(ctypes.get_errno()))
        sys.exit(126)
os.execv(argv[0], argv)
"""


def wrap(argv: Sequence[str], python: str) -> list[str]:
    """`argv` run by `python` through the prologue: the same command, without network."""
    return [python, "-I", "-c", PROLOGUE, *argv]

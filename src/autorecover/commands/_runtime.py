"""What a command runs with: the process's environment and streams, the one seam for
waiting (tests replace `sleep`), and the error boundary it runs inside."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from autorecover.errors import Boundary


@dataclass
class Runtime:
    environ: Mapping[str, str]
    stdout: TextIO
    stderr: TextIO
    stdin: BinaryIO | None = None
    sleep: Callable[[float], None] = time.sleep
    boundary: Boundary = field(default_factory=Boundary)

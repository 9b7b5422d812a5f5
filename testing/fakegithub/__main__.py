"""Run the fake on its own for manual poking: `PYTHONPATH=tests python -m fakegithub`.

Prints the environment a client needs (GITHUB_API_URL, ...) as JSON and serves until
interrupted. Tests normally use the `fake_github` fixture instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading

from .fake import FakeGitHub


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", default="octo-org/octo-repo", help="owner/name")
    parser.add_argument("--git-dir", default=None, help="bare repository backing refs and git data")
    parser.add_argument("--demo-run", action="store_true", help="seed one failed run")
    args = parser.parse_args()
    owner, _, name = args.repository.partition("/")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeGitHub(owner, name, git_dir=args.git_dir) as fake:
        if args.demo_run:
            fake.add_run()
        print(json.dumps(fake.env()), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
        for violation in fake.violations:
            print(violation)


if __name__ == "__main__":
    main()

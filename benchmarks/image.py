"""The action's image: its size, what it is made of, and how long `docker run` takes.

    python benchmarks/image.py [--image autorecover:local] [--build] [--mb 10] [--repeat 3]

Needs a Docker engine. `--build` builds the image first on the local stand-in base
(testing/container.py). Prints:

- the image size (uncompressed, as `docker image inspect` counts it), its layers, and the
  largest parts of its tree (Python packages, the interpreter, git, shared libraries);
- the compressed size (`docker save | gzip`), what a pull downloads, and the pull time it
  gives at a typical hosted-runner rate (--mbps, default 100 MB/s);
- `docker run` of a dry run as the runner starts it (testing/container.py), against the
  loopback fake GitHub, for one failed job with a log of --mb MB: the time to the first
  line of output and the total, best of --repeat.

Targets (issue 13): at most 150 MB uncompressed; job start to first output with the
prebuilt image under 5 s (pull estimate + time to first output); the dry run's own work
under 2 s for a 10 MB log.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from loggen import generate  # noqa: E402
from testing import container  # noqa: E402
from testing.fakegithub import FakeGitHub, JobSpec  # noqa: E402

PARTS = {
    "Python packages (site-packages)": "/usr/local/lib/python3.11/site-packages",
    "console scripts (ruff's binary)": "/usr/local/bin",
    "standard library (official base)": "/usr/local/lib/python3.11",
    "standard library (stand-in base)": "/usr/lib/python3.11",
    "shared libraries": "/usr/lib",
    "programs (git, python, sh)": "/usr/bin",
    "CA certificates, /etc": "/etc",
}
MEASURE = """
import os, sys, json
seen, sizes = set(), {}
for top in sys.argv[1:]:
    total = 0
    for root, dirs, files in os.walk(top):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            if st.st_ino not in seen:
                seen.add(st.st_ino)
                total += st.st_size
    sizes[top] = total
print(json.dumps(sizes))
"""


def mb(n: float) -> str:
    return f"{n / 1e6:6.1f} MB"


def composition(image: str) -> None:
    size = int(container.docker("image", "inspect", "--format", "{{.Size}}", image))
    print(f"image {image}: {mb(size)} uncompressed")
    history = container.docker(
        "history", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", image
    )
    for line in history.splitlines():
        layer, created = line.split("\t", 1)
        if layer not in ("0B", "0"):
            print(f"  layer {layer:>8}  {created[:90]}")
    # Deepest directories first, so that each inode is counted once, in its own part.
    ordered = sorted(PARTS.items(), key=lambda kv: -kv[1].count("/"))
    out = container.docker(
        "run", "--rm", "--entrypoint", "python3", image, "-c", MEASURE, *[p for _, p in ordered]
    )
    sizes = json.loads(out)
    for label, path in ordered:
        if sizes.get(path):
            print(f"  {mb(sizes[path])}  {label:34} {path}")


def compressed(image: str, mbps: float) -> float:
    save = subprocess.run(["docker", "save", image], capture_output=True, check=True)
    packed = len(gzip.compress(save.stdout, compresslevel=6))
    pull = packed / (mbps * 1e6)
    print(
        f"compressed (docker save | gzip -6): {mb(packed)}; pull at {mbps:.0f} MB/s ~ {pull:.1f} s"
    )
    return pull


def first_output(image: str, log: bytes) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub("octo-org", "octo-repo") as fake:
        run = fake.add_run(jobs=[JobSpec("test", log=log)])
        workspace = Path(tmp) / "workspace"
        workspace.mkdir()
        layout = container.RunnerLayout(Path(tmp) / "_temp", workspace)
        layout.write_event(fake.workflow_run_event(run.id))
        env = layout.env(
            {**fake.env(), "AUTORECOVER_SECONDS_BETWEEN_REQUESTS": "0"},
            {"github-token": "ghs_" + "x" * 36, "dry-run": "true"},
        )
        argv = container.docker_run_argv(image, layout, env)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.readline()
        first = time.perf_counter() - start
        proc.stdout.read()
        code = proc.wait()
        total = time.perf_counter() - start
        if code != 0:
            raise SystemExit(f"dry run exited {code}")
        return first, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=container.IMAGE)
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mbps", type=float, default=100)
    args = parser.parse_args()
    container.require_docker()
    if args.build:
        container.build_image(args.image)
    composition(args.image)
    pull = compressed(args.image, args.mbps)
    for label, log in (
        ("small log", b"".join(generate(64 * 1024))),
        (f"{args.mb:g} MB log", b"".join(generate(int(args.mb * 1024 * 1024)))),
    ):
        runs = [first_output(args.image, log) for _ in range(args.repeat)]
        first, total = min(r[0] for r in runs), min(r[1] for r in runs)
        print(f"docker run, dry run, {label}: first output {first:.2f} s, done {total:.2f} s")
    print(f"estimated job start to first output: {pull:.1f} s pull + {first:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

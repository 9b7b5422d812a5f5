# The image of the autorecover container action (action.yml: runs.using docker,
# image Dockerfile). The runner builds it in "Set up job" of every job that uses the action,
# so everything here is pinned: the base image by digest, the Python dependencies by hash.
#
# Base image: python:3.12-slim-bookworm (Python 3.12.14 on Debian 12), pinned by the
# digest of its multi-platform image index, so amd64 and arm64 runners resolve the same
# tag contents. Source of the digest: docker-library/repo-info,
# repos/python/remote/3.12-slim-bookworm.md at commit
# 33a22f41ac7bf613bc03380b0317536a9a7fb5e8 (images built 2026-08-25). To move it, take
# the index digest printed by `docker buildx imagetools inspect python:3.12-slim-bookworm`
# and, if the Python minor version changes, regenerate requirements/action.txt for it
# (requirements/README.md).
FROM python:3.12-slim-bookworm@sha256:0f5b26b9518d002b6173fd61daad821fa340635ebfec5bba471013f9ca114579

# No USER instruction, on purpose. GitHub's "Dockerfile support for GitHub Actions":
# "Docker actions must be run by the default Docker user (root). Do not use the USER
# instruction in your Dockerfile, because you won't be able to access the
# GITHUB_WORKSPACE directory." The job's isolation is the container and the token's
# permissions, not a Unix user.
#
# No WORKDIR either: the runner starts the container with --workdir /github/workspace
# (the mounted workspace), which replaces any WORKDIR, so every path below is absolute.

# AUTORECOVER_TOOL_USER: black, isort and ruff run as `nobody`, not root, so a formatter
# (or a configuration it reads) cannot read /proc/1/environ, autorecover's environment,
# which holds the token (docs/security.md#s2).
ENV AUTORECOVER_TOOL_USER=65534 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

# git commits and pushes the fix branch. Its version is not pinned (DL3008): the base
# image is pinned by digest, so the package comes from Debian 12's stable suite, which
# only receives security fixes, and Debian removes a superseded git version (deb12uN)
# from the archive when the next one is published. A pinned version would make the
# image build, and so every user's job, fail at the next git security update.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*

# Runtime dependencies, black/isort/ruff included (they are the fixers), from the
# hash-pinned lock; wheels only, so nothing is compiled from a source distribution.
# setuptools is in the lock too: it builds autorecover below without fetching anything.
COPY requirements/action.txt /opt/autorecover/requirements/action.txt
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: \
        -r /opt/autorecover/requirements/action.txt

# The package itself, without resolving dependencies again; the sources are removed
# once installed (site-packages keeps the code, the rules and the templates).
COPY pyproject.toml README.md /opt/autorecover/build/
COPY src /opt/autorecover/build/src
RUN pip install --no-cache-dir --no-deps --no-build-isolation /opt/autorecover/build \
 && pip check \
 && rm -rf /opt/autorecover/build \
 && autorecover --version

ENTRYPOINT ["autorecover", "action"]

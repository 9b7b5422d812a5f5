# The image of the autorecover container action. Released tags point action.yml at the
# image the release workflow (.github/workflows/release.yml) built from this file and
# pushed to GHCR; on main, action.yml says `image: Dockerfile` and the runner builds it in
# "Set up job". Everything here is pinned: the base image by digest, the Python
# dependencies by hash.
#
# Base image: python:3.11-slim-bookworm (Python 3.11.16 on Debian 12), pinned by the
# digest of its multi-platform image index, so amd64 and arm64 resolve the same tag
# contents. Source of the digest: docker-library/repo-info,
# repos/python/remote/3.11-slim-bookworm.md at commit
# 33a22f41ac7bf613bc03380b0317536a9a7fb5e8 (images built 2026-08-25). To move it, take
# the index digest printed by `docker buildx imagetools inspect python:3.11-slim-bookworm`
# and, if the Python minor version changes, regenerate requirements/action.txt for it
# (requirements/README.md). BASE_IMAGE is a build argument only so that the container
# test can build on a local stand-in of this base (.ci/standin-base); its default is the
# pinned digest.
ARG BASE_IMAGE=python:3.11-slim-bookworm@sha256:0bee7276f83efd4a1ee05bbbf4281d95ed28e079220a9457f25a93e3f1e3c31b

# ---------------------------------------------------------------- build: install, then cut
FROM ${BASE_IMAGE} AS build

# The SBOM attestation of a release scans this stage too, so it lists the Debian and
# Python packages the runtime tree was cut from (BuildKit's SBOM generator).
ARG BUILDKIT_SBOM_SCAN_STAGE=true

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

# git commits and pushes the fix branch. Its version is not pinned (DL3008): the base
# image is pinned by digest, so the package comes from Debian 12's stable suite, which
# only receives security fixes, and Debian removes a superseded git version (deb12uN)
# from the archive when the next one is published. A pinned version would make the
# image build fail at the next git security update. Its perl, perl modules, manual and
# the git programs autorecover never runs (daemon, shell, imap-send, dumb-http push...)
# stay in this stage: image/rootfs.sh copies only git, git-remote-http(s) and templates.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*

# Runtime dependencies, black/isort/ruff included (they are the fixers), from the
# hash-pinned lock; wheels only, so nothing is compiled from a source distribution.
# setuptools is in the lock too: it builds autorecover below without fetching anything.
# The wheels' bytecode is compiled at install (pip's default), so that the action's
# first output does not wait for Python to compile its imports on every run.
COPY requirements/action.txt /opt/autorecover/requirements/action.txt
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: \
        -r /opt/autorecover/requirements/action.txt

# The package itself, without resolving dependencies again; the sources are removed
# once installed (site-packages keeps the code, the rules and the templates).
COPY pyproject.toml README.md /opt/autorecover/build/
COPY src /opt/autorecover/build/src
RUN pip install --no-cache-dir --no-deps --no-build-isolation /opt/autorecover/build \
 && rm -rf /opt/autorecover

COPY image/rootfs.sh /usr/local/sbin/autorecover-rootfs
RUN autorecover-rootfs /rootfs

# ---------------------------------------------------------------- runtime: the tree alone
FROM scratch
COPY --from=build /rootfs/ /

# No USER instruction, on purpose. GitHub's "Dockerfile support for GitHub Actions":
# "Docker actions must be run by the default Docker user (root). Do not use the USER
# instruction in your Dockerfile, because you won't be able to access the
# GITHUB_WORKSPACE directory." The job's isolation is the container and the token's
# permissions, not a Unix user.
#
# No WORKDIR either: the runner starts the container with --workdir /github/workspace
# (the mounted workspace), which replaces any WORKDIR, so every path is absolute.

# AUTORECOVER_TOOL_USER: black, isort and ruff run as `nobody`, not root, so a formatter
# (or a configuration it reads) cannot read /proc/1/environ, autorecover's environment,
# which holds the token (docs/security.md#s2). PATH and LANG are the base image's (a
# scratch stage inherits no environment).
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    AUTORECOVER_TOOL_USER=65534 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

# The cut tree still works: every dependency is there (pip check), the entry point
# starts, and git can reach an https remote (its helper and libcurl load).
RUN pip check \
 && autorecover --version \
 && git --version \
 && out=$(git ls-remote https://127.0.0.1:9/none 2>&1 || true) \
 && case "$out" in *"unable to access"*) ;; *) echo "$out"; exit 1 ;; esac

ENTRYPOINT ["autorecover", "action"]

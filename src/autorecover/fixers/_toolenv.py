"""Running a formatter: the one bundled with autorecover, or the exact version the repository
pins, installed at run time into a per-tool-per-version virtual environment in a cache.

Safety (docs/security.md#s2, #tm05): a tool runs as ``<python> -I -m <tool>``. ``-I`` keeps the
working directory (the repository) off ``sys.path``, so a file named ``click.py`` or
``black.py`` in the repository is never imported, and ignores ``PYTHON*`` variables. The
environment comes from :func:`proc.minimal_env` (no token, no secret) with a neutral HOME, so
neither the runner's user configuration (``~/.config/black``, ``~/.config/ruff``) nor anything
the user's earlier steps wrote there changes what runs. Pinned versions are installed from
wheels only (``--only-binary=:all:``): building an sdist would run its setup code; and only
versions listed in formatter-hashes.json, in pip's hash-checking mode, without downloading
any dependency (fixers/py).
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import secrets
import shutil
import sys
import sysconfig
import venv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from autorecover.adapters import nonet, ownership, proc
from autorecover.constants import TOOL_USER_ENV
from autorecover.core.text.redact import Redactor
from autorecover.fixers._toollock import (
    LOCK_PATH,
    HashLock,
    dependency_paths,
    hashes_for,
    requirement_file,
    shipped,
    unmet_requirements,
)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    distribution: str
    module: str
    minimum: str  # oldest version whose command line autorecover speaks


TOOLS: Mapping[str, ToolSpec] = {
    "black": ToolSpec("black", "black", "22.1.0"),  # --check, `--`, required-version
    "isort": ToolSpec("isort", "isort", "5.0.0"),  # --check-only, --filter-files
    "ruff": ToolSpec("ruff", "ruff", "0.1.2"),  # `ruff format` out of preview
}
# Only the installer may reach an index: it gets the proxy and CA settings, never the tools.
_INSTALLER_ENV = (
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
)  # fmt: skip
DEFAULT_INSTALL_OPTIONS = ("--only-binary=:all:",)


@dataclass(frozen=True, slots=True)
class Tool:
    """A runnable tool: `argv` is the command prefix (`python -I -m black`)."""

    name: str
    version: str
    argv: tuple[str, ...]
    source: str  # "bundled" or where the version came from ("requirements-dev.txt", ...)
    notes: tuple[str, ...] = ()
    # Why the pinned version could not be run (the bundled one stands in): a fixer must not
    # propose what CI's own version would format differently.
    refused: str = ""


class InstallError(Exception):
    """A pinned version could not be installed; the message is redacted."""


def bundled_version(name: str) -> str:
    return importlib.metadata.version(TOOLS[name].distribution)


def _venv_python(root: Path) -> Path:
    scripts = Path(sysconfig.get_path("scripts", vars={"base": str(root), "platbase": str(root)}))
    return scripts / ("python.exe" if os.name == "nt" else "python")


def _site_packages(root: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(root), "platbase": str(root)}))


def _tool_user(source: Mapping[str, str] | None) -> int | None:
    """The uid formatters run as: only when we are root and one is configured."""
    value = (os.environ if source is None else source).get(TOOL_USER_ENV, "")
    if not value.isdigit() or int(value) == 0 or os.geteuid() != 0:
        return None
    return int(value)


class ToolEnv:
    """Resolves and runs tools. One per run: resolved tools are remembered, so ruff-format and
    ruff-fix share one install."""

    def __init__(
        self,
        cache_dir: str | os.PathLike[str],
        *,
        python: str = sys.executable,
        pip_command: Sequence[str] | None = None,
        install_options: Sequence[str] = DEFAULT_INSTALL_OPTIONS,
        install_timeout: float = 300.0,
        run_timeout: float = 300.0,
        redactor: Redactor | None = None,
        base_env: Mapping[str, str] | None = None,
        extra_env: Mapping[str, str] | None = None,
        tool_user: int | None = None,
        lock: HashLock | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir).absolute()
        self.python = python
        # `pip --python <venv>` installs into the venv from this interpreter's pip (>= 22.3),
        # so the venv needs no pip of its own. Tests inject a wheel directory through
        # `install_options` (`--no-index --find-links DIR`), or another installer here.
        self.pip_command = tuple(pip_command or (python, "-I", "-m", "pip"))
        self.install_options = tuple(install_options)
        self.install_timeout = install_timeout
        self.run_timeout = run_timeout
        self.redactor = redactor or Redactor()
        self._base_env = base_env
        self.tool_user = tool_user if tool_user is not None else _tool_user(base_env)
        self._lock = lock
        self._resolved: dict[tuple[str, str | None], Tool] = {}
        self._newest: dict[str, str] = {}
        home = self.cache_dir / "home"
        self.env = proc.minimal_env(
            {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "PYTHONDONTWRITEBYTECODE": "1",
                "NO_COLOR": "1",
                **(extra_env or {}),
            },
            source=base_env,
        )

    def _installer_env(self) -> dict[str, str]:
        source = os.environ if self._base_env is None else self._base_env
        extra = {name: source[name] for name in _INSTALLER_ENV if name in source}
        return {
            **self.env,
            **extra,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
        }

    @property
    def lock(self) -> HashLock:
        return shipped() if self._lock is None else self._lock

    def bundled(self, name: str, notes: tuple[str, ...] = (), refused: str = "") -> Tool:
        argv = (self.python, "-I", "-m", TOOLS[name].module)
        return Tool(name, bundled_version(name), argv, "bundled", notes, refused)

    def resolve(self, name: str, version: str | None = None, origin: str = "") -> Tool:
        """The tool to run: `version` (installed on first use) or the bundled one. Never
        raises for an install problem: it falls back to the bundled version with a note."""
        key = (name, version)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(name, version, origin)
        return self._resolved[key]

    def _resolve(self, name: str, version: str | None, origin: str) -> Tool:
        spec = TOOLS[name]
        bundled = bundled_version(name)
        if version is None:
            return self.bundled(name)
        try:
            wanted = Version(version)
        except InvalidVersion:
            return self.bundled(name, (f"ignored {name} version {version[:40]!r}: not a version",))
        if wanted == Version(bundled):
            return self.bundled(name, (f"{origin} pins {name} {wanted}, the bundled version",))
        if wanted < Version(spec.minimum):
            note = f"{origin} pins {name} {wanted}, older than {spec.minimum}; ran {bundled}"
            return self.bundled(name, (note,))
        try:
            root = self._install(spec, str(wanted))
        except InstallError as exc:
            note = f"could not install {name}=={wanted} (pinned in {origin}): {exc}; ran {bundled}"
            return self.bundled(name, (note,), refused=f"could not install {name}=={wanted}: {exc}")
        argv = (str(_venv_python(root)), "-I", "-m", spec.module)
        return Tool(
            name, str(wanted), argv, origin, (f"ran {name} {wanted} as pinned in {origin}",)
        )

    def _install(self, spec: ToolSpec, version: str) -> Path:
        target = self.cache_dir / "tools" / f"{spec.distribution}-{version}"
        if (target / ".complete").is_file():
            return target
        hashes = hashes_for(self.lock, spec.distribution, version)
        if not hashes:
            raise InstallError(
                f"autorecover has no wheel hashes for {spec.distribution} {version} "
                f"({LOCK_PATH.name}; scripts/lock_formatters.py adds new releases)"
            )
        if target.exists():  # left half-built by a run that was killed
            shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".{target.name}-{secrets.token_hex(4)}"
        try:
            # As `python -m venv` does on POSIX: a symlinked interpreter keeps working with a
            # shared libpython where a copied one may not.
            venv.EnvBuilder(with_pip=False, clear=True, symlinks=os.name != "nt").create(staging)
            pins = staging / "autorecover-requirements.txt"
            pins.write_text(requirement_file(spec.distribution, version, hashes))
            argv = [
                *self.pip_command, "--python", str(_venv_python(staging)), "install",
                "--no-input", *self.install_options, "--require-hashes", "--no-deps",
                "-r", str(pins),
            ]  # fmt: skip
            proc.run(
                argv,
                cwd=self.cache_dir,
                env=self._installer_env(),
                timeout=self.install_timeout,
                redact=self.redactor,
            )
            found = [
                dist.version
                for dist in importlib.metadata.distributions(
                    name=spec.distribution, path=[str(_site_packages(staging))]
                )
            ]
            if found != [version]:
                raise InstallError(f"installed {found or 'nothing'} instead of {version}")
            self._link_dependencies(spec, staging)
            (staging / ".complete").write_text(version + "\n")
            try:
                staging.rename(target)
            except OSError:
                if not (target / ".complete").is_file():  # not a concurrent run's install
                    raise
        except proc.CommandError as exc:
            raise InstallError(proc.cap(exc.output or exc.reason, 600)) from None
        except OSError as exc:
            raise InstallError(self.redactor(str(exc))) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def _link_dependencies(self, spec: ToolSpec, staging: Path) -> None:
        """The pinned tool imports its dependencies from autorecover's own (hash-locked)
        environment, after its own site-packages; refused when those do not satisfy it."""
        paths = dependency_paths(spec.distribution for spec in TOOLS.values())
        unmet = unmet_requirements(spec.distribution, _site_packages(staging), paths)
        if unmet:
            raise InstallError(
                f"{spec.distribution} needs {', '.join(unmet)}, which autorecover's "
                "environment does not provide"
            )
        (_site_packages(staging) / "autorecover-dependencies.pth").write_text(
            "".join(f"{path}\n" for path in paths)
        )

    def newest(self, requirement: str, python: str | None = None) -> str:
        """The newest release the index offers for `requirement` (a name with an optional
        specifier: `ruff~=0.12.0`), as pip would pick it: `pip install --dry-run --report`,
        wheels only so no sdist's setup code runs (docs/security.md#s2); for `python` (the
        project's oldest supported version, "3.9") when given. Raises InstallError."""
        key = f"{requirement} {python or ''}"
        if key not in self._newest:
            # pip takes a foreign Python only with --target; a dry run writes nothing there.
            target = (
                ["--python-version", python, "--target", str(self.cache_dir / "dry-run")]
                if python
                else []
            )
            argv = [
                *self.pip_command, "install", "--dry-run", "--quiet", "--no-deps",
                "--ignore-installed", "--report", "-", "--no-input", *self.install_options,
                "--only-binary=:all:", *target, requirement,
            ]  # fmt: skip
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                done = proc.run(
                    argv,
                    cwd=self.cache_dir,
                    env=self._installer_env(),
                    timeout=self.install_timeout,
                    redact=self.redactor,
                )
                report = json.loads(done.stdout)
                self._newest[key] = str(report["install"][0]["metadata"]["version"])
            except proc.CommandError as exc:
                raise InstallError(proc.cap(exc.output or exc.reason, 600)) from None
            except OSError as exc:
                raise InstallError(self.redactor(str(exc))) from None
            except (ValueError, KeyError, IndexError, TypeError):
                raise InstallError(f"pip gave no version for {requirement}") from None
        return self._newest[key]

    def run(
        self, tool: Tool, args: Sequence[str], *, cwd: str | os.PathLike[str]
    ) -> proc.Completed:
        """Run `tool` with `args` in `cwd` with the token-free environment; never raises for a
        non-zero exit (the caller knows which codes mean what)."""
        home = Path(self.env["HOME"])
        home.mkdir(parents=True, exist_ok=True)
        user = self.tool_user
        # No network for the tool: a configuration it reads cannot make it reach out.
        argv = nonet.wrap([*tool.argv, *args], self.python)
        run = functools.partial(
            proc.run, argv, cwd=cwd, env=self.env, timeout=self.run_timeout, check=False,
            redact=self.redactor,
        )  # fmt: skip
        if user is None:
            return run()
        # As root, the tool runs as an unprivileged user that owns only the tree it formats
        # and its HOME: it cannot read /proc/1/environ, which holds the token (#s2).
        ownership.hand_over(home, user, user)
        ownership.hand_over(Path(cwd), user, user)
        try:
            return run(user=user)
        finally:
            ownership.hand_over(Path(cwd), os.geteuid(), os.getegid())
